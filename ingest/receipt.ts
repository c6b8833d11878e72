// The receipt mailed back to the submitter after a durable accept: submission ids, the class chosen
// per kind of information and why, and how to follow the result. Japanese and English, the
// organisation's language first. It goes only to the authenticated principal's own address.
import type { ClassDecision, ClassSource, InfoKind, Language, Organisation, Principal, Submission } from '../core/types.ts';
import type { Mailer, OutboundMail } from '../core/mailer.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../core/store/port.ts';
import { participantReportUrl } from '../core/participant-links.ts';
import { classesText, type ClassNotApplied } from './class-resend.ts';

export interface ReceiptInput {
  readonly principal: Principal;
  readonly org: Organisation;
  /**
   * The submissions this message produced, with whether each was a duplicate and, for a duplicate
   * that asked for other classes, the classes not applied.
   */
  readonly submissions: readonly { readonly submission: Submission; readonly duplicate: boolean; readonly classNotApplied?: ClassNotApplied | null }[];
  /** Base URL of the console/API as participants reach it, e.g. https://c4tap.example. */
  readonly baseUrl: string;
}

const KIND_LABEL: Record<Language, Record<InfoKind, string>> = {
  en: {
    sample: 'samples (raw mail, attachments)',
    mail: 'mail headers (sender, subject, relays)',
    network: 'network (URLs, domains, IPs)',
    file: 'files (hashes, names, YARA/AV)',
  },
  ja: {
    sample: '検体（原本メール・添付ファイル）',
    mail: 'メール情報（送信者・件名・中継）',
    network: 'ネットワーク（URL・ドメイン・IP）',
    file: 'ファイル（ハッシュ・ファイル名・YARA/AV）',
  },
};

const SOURCE_LABEL: Record<Language, Record<ClassSource, string>> = {
  en: {
    directive: 'directive in your note',
    'subject-tag': 'subject tag',
    'drop-address': 'drop address',
    'org-default': 'your organisation’s default',
    default: 'no class given (RED)',
  },
  ja: {
    directive: '転送メモの指定行',
    'subject-tag': '件名のタグ',
    'drop-address': '送信先アドレス',
    'org-default': '組織の既定値',
    default: '指定なし（RED）',
  },
};

const TEXT = {
  en: {
    title: 'C4TAP receipt',
    intro: 'We received your report and stored it in quarantine. Thank you.',
    submission: 'Submission',
    duplicate: '(already received earlier: this is the same submission)',
    classes: 'Sharing class per kind of information:',
    because: 'because',
    follow: 'Follow the analysis and what is published (participant page):',
    api: 'API',
    narrow:
      'To narrow a class, or to consent to a wider class an analyst proposed, sign in at the participant page linked above (password and authenticator code).',
    never: 'Your identity and your forwarding note are never shared.',
    notApplied: (requested: string, current: string) =>
      `This message asked for class ${requested}. It was NOT applied: a report sent again keeps the class it was first received with, ${current}.`,
    toNarrow: (kinds: string) =>
      `To narrow (${kinds}): write to the secretariat naming this submission; an analyst narrows it at once, and anything already published at the wider class is withdrawn from those readers on every surface (API, TAXII, MISP).`,
    toWiden: (kinds: string) =>
      `To widen (${kinds}): the secretariat first records your consent, then an analyst widens the class. Sending the report again does not change it (see "Changing the class of a report" in the exchange's README).`,
  },
  ja: {
    title: 'C4TAP 受付通知',
    intro: 'ご報告を受け付け、隔離保管しました。ご協力ありがとうございます。',
    submission: '受付番号',
    duplicate: '（既に受付済みの報告と同一です）',
    classes: '情報の種類ごとの共有区分:',
    because: '根拠',
    follow: '分析結果と公開内容の確認（参加組織ページ）:',
    api: 'API',
    narrow: '区分を狭める場合や、分析担当者が提案した広い区分に同意する場合は、上記の参加組織ページにサインイン（パスワードと認証コード）してください。',
    never: '報告者の情報と転送メモは共有されません。',
    notApplied: (requested: string, current: string) =>
      `今回のメールでは区分 ${requested} が指定されましたが、適用されていません。再送された報告は最初に受け付けた区分 ${current} のままです。`,
    toNarrow: (kinds: string) =>
      `狭める場合（${kinds}）: 受付番号を添えて事務局へご連絡ください。分析担当者が直ちに変更し、既に広い区分で公開された内容はその読者から全ての提供経路（API・TAXII・MISP）で取り下げられます。`,
    toWiden: (kinds: string) =>
      `広げる場合（${kinds}）: 事務局がご同意を記録した後、分析担当者が区分を変更します。再送しても区分は変わりません（README の「Changing the class of a report」参照）。`,
  },
} as const;

function section(lang: Language, input: ReceiptInput): string {
  const t = TEXT[lang];
  const lines: string[] = [t.title, '', t.intro, ''];
  for (const { submission, duplicate, classNotApplied } of input.submissions) {
    lines.push(`${t.submission}: ${submission.id}${duplicate ? ' ' + t.duplicate : ''}`);
    if (classNotApplied) {
      lines.push(`  ${t.notApplied(classesText(classNotApplied.requested), classesText(classNotApplied.current))}`);
      if (classNotApplied.narrower.length > 0) lines.push(`  ${t.toNarrow(classNotApplied.narrower.join(', '))}`);
      if (classNotApplied.wider.length > 0) lines.push(`  ${t.toWiden(classNotApplied.wider.join(', '))}`);
    }
    if (submission.subject) lines.push(`  Subject: ${submission.subject}`);
    lines.push(`  ${t.classes}`);
    for (const d of submission.classDecisions) lines.push(`    - ${KIND_LABEL[lang][d.kind]}: ${d.class}  (${t.because}: ${explain(lang, d)})`);
    lines.push(`  ${t.follow} ${participantReportUrl(input.baseUrl, submission.id)}`);
    lines.push(`  ${t.api}: GET ${input.baseUrl}/api/v1/submissions/${submission.id}`);
    lines.push('');
  }
  lines.push(t.narrow, t.never);
  return lines.join('\n');
}

/** The decision's reason: the source in the reader's language, then the detail as recorded. */
function explain(lang: Language, d: ClassDecision): string {
  return lang === 'en' ? d.reason : `${SOURCE_LABEL.ja[d.source]} — ${d.reason}`;
}

export function buildReceipt(input: ReceiptInput): OutboundMail {
  const first: Language = input.org.language;
  const second: Language = first === 'ja' ? 'en' : 'ja';
  const ids = input.submissions.map((s) => s.submission.id).join(', ');
  const subject = first === 'ja' ? `[C4TAP] 受付通知 / Receipt ${ids}` : `[C4TAP] Receipt / 受付通知 ${ids}`;
  const rule = '-'.repeat(60);
  return {
    to: input.principal.email,
    subject,
    text: `${section(first, input)}\n\n${rule}\n\n${section(second, input)}\n`,
  };
}

export interface ReceiptDeps {
  readonly store: Pick<Store, 'getSubmission' | 'getOrganisation'>;
  readonly mailer: Mailer;
  readonly log: Logger;
  readonly baseUrl: string;
}

/**
 * Mails the receipt for an accepted message. Runs after the 250 (the submission is already
 * durable), so a failure here is logged and never undoes or delays the accept.
 */
export async function sendReceipt(
  deps: ReceiptDeps,
  principal: Principal,
  accepted: readonly { readonly id: string; readonly duplicate: boolean; readonly classNotApplied?: ClassNotApplied | null }[],
): Promise<void> {
  try {
    const org = await deps.store.getOrganisation(principal.orgId);
    const submissions = [];
    for (const a of accepted) {
      const submission = await deps.store.getSubmission(a.id);
      if (submission) submissions.push({ submission, duplicate: a.duplicate, classNotApplied: a.classNotApplied ?? null });
    }
    if (!org || submissions.length === 0) return;
    const sent = await deps.mailer.send(buildReceipt({ principal, org, submissions, baseUrl: deps.baseUrl }));
    deps.log.info({ event: 'receipt.sent', submissions: accepted.map((a) => a.id), messageId: sent.messageId }, 'receipt sent');
  } catch (err) {
    deps.log.error({ event: 'receipt.failed', submissions: accepted.map((a) => a.id), err }, 'receipt could not be sent');
  }
}
