// The words of a digest in Japanese and English. Each catalogue is a typed record, so a missing
// message fails to compile. Parameters are plain text: the HTML renderer escapes every result.
import type { IndicatorType, Language, Tier } from '../../../core/types.ts';
import type { Audience } from '../../class-policy.ts';

export interface DigestMessages {
  /** The sharing rule of a class, after the `C⁴TAP:<CLASS> — ` tag. */
  readonly rule: (audience: Audience) => string;
  readonly title: (schedule: string) => string;
  readonly period: (from: string, to: string) => string;
  readonly summary: (published: number, withdrawn: number) => string;
  readonly defanged: string;
  readonly empty: string;
  readonly sectionPublished: string;
  readonly sectionWithdrawn: string;
  /** One word marking a withdrawn indicator; the line shows both languages. */
  readonly withdrawn: string;
  readonly campaign: (name: string) => string;
  readonly unattributed: string;
  readonly types: Readonly<Record<IndicatorType, string>>;
  readonly figures: (firstSeen: string, lastSeen: string, reports: number) => string;
  readonly filesZip: string;
  readonly filesLink: string;
  readonly filesLinkExpires: (expires: string) => string;
  readonly filesNone: string;
  readonly footer: string;
}

const EN_TIERS: Readonly<Record<Tier, string>> = {
  participant: 'the council’s participating organisations',
  observer: 'observers bound by the operating rules',
  affiliate: 'affiliated parties registered with the council',
};

const JA_TIERS: Readonly<Record<Tier, string>> = {
  participant: '協議会の参加組織',
  observer: '運用ルールを遵守するオブザーバー',
  affiliate: '協議会に登録された関係者',
};

const EN: DigestMessages = {
  rule: (a) =>
    a.public
      ? 'may be shared with anyone and published openly.'
      : `share only within ${[...(a.tiers.length === 0 ? ['the submitting organisation'] : a.tiers.map((t) => EN_TIERS[t])), 'the secretariat and the analysts'].join(', ')}; do not pass it on to anyone else.`,
  title: (schedule) => `C⁴TAP indicator digest (${schedule})`,
  period: (from, to) => `Period: ${from} – ${to}`,
  summary: (p, w) => `New or updated indicators: ${p}; withdrawn: ${w}.`,
  defanged: 'Indicators below are defanged (hxxp, [.], [@], [:]) so that they cannot be clicked; the CSV and STIX files carry the live values.',
  empty: 'No indicators were published or withdrawn for you in this period.',
  sectionPublished: 'New or updated indicators',
  sectionWithdrawn: 'Withdrawn indicators — remove them from blocklists and watch lists',
  withdrawn: 'withdrawn',
  campaign: (name) => `Campaign: ${name}`,
  unattributed: 'Unattributed',
  types: {
    url: 'URLs',
    'domain-name': 'Domains',
    'email-message-id-domain': 'Message-ID domains',
    'ipv4-addr': 'IPv4 addresses',
    'ipv6-addr': 'IPv6 addresses',
    'email-addr': 'E-mail addresses',
    'email-subject': 'Subjects',
    'x-mailer': 'Mailers (X-Mailer)',
    'file-sha256': 'SHA-256 hashes',
    'file-sha1': 'SHA-1 hashes',
    'file-md5': 'MD5 hashes',
    'file-name': 'File names',
    'yara-rule': 'YARA rules',
    'av-signature': 'Anti-virus detections',
  },
  figures: (first, last, reports) => `first seen ${first}, last seen ${last}, reports: ${reports}`,
  filesZip: 'The CSV and STIX 2.1 files are in the attached AES-256 encrypted zip; its password is the one in your digest settings.',
  filesLink: 'Download the CSV and STIX 2.1 files here (the link works only with your C⁴TAP access token):',
  filesLinkExpires: (expires) => `The link expires at ${expires}.`,
  filesNone: 'No files are attached (your digest settings); the same indicators can be fetched from the C⁴TAP REST API or TAXII server.',
  footer: 'This message was generated automatically by C⁴TAP; replies are not read.',
};

const JA: DigestMessages = {
  rule: (a) =>
    a.public
      ? '制限なく共有・公開できます。'
      : `${[...(a.tiers.length === 0 ? ['提供元組織'] : a.tiers.map((t) => JA_TIERS[t])), '事務局および分析担当'].join('、')}の範囲内でのみ共有できます。それ以外への転送・開示は禁止です。`,
  title: (schedule) => `C⁴TAP 指標ダイジェスト（${schedule}）`,
  period: (from, to) => `対象期間：${from} ～ ${to}`,
  summary: (p, w) => `新規・更新された指標：${p} 件、取り下げ：${w} 件`,
  defanged: '以下の指標はクリックできないよう無害化（hxxp、[.]、[@]、[:]）しています。CSV と STIX のファイルには元の値が入っています。',
  empty: 'この期間に公開・取り下げられた指標はありません。',
  sectionPublished: '新規・更新された指標',
  sectionWithdrawn: '取り下げられた指標 — ブロックリスト・監視リストから削除してください',
  withdrawn: '取り下げ',
  campaign: (name) => `キャンペーン：${name}`,
  unattributed: 'キャンペーン不明',
  types: {
    url: 'URL',
    'domain-name': 'ドメイン',
    'email-message-id-domain': 'Message-ID のドメイン',
    'ipv4-addr': 'IPv4 アドレス',
    'ipv6-addr': 'IPv6 アドレス',
    'email-addr': 'メールアドレス',
    'email-subject': '件名',
    'x-mailer': 'メーラー（X-Mailer）',
    'file-sha256': 'SHA-256 ハッシュ',
    'file-sha1': 'SHA-1 ハッシュ',
    'file-md5': 'MD5 ハッシュ',
    'file-name': 'ファイル名',
    'yara-rule': 'YARA ルール',
    'av-signature': 'ウイルス対策ソフトの検知名',
  },
  figures: (first, last, reports) => `初見 ${first}、最終 ${last}、報告 ${reports} 件`,
  filesZip: 'CSV と STIX 2.1 のファイルは添付の暗号化 ZIP（AES-256）に入っています。パスワードはダイジェスト設定のものです。',
  filesLink: 'CSV と STIX 2.1 のファイルは次のリンクから取得できます（C⁴TAP のアクセストークンが必要です）：',
  filesLinkExpires: (expires) => `リンクの有効期限：${expires}`,
  filesNone: 'ファイルは添付していません（ダイジェスト設定による）。同じ指標は C⁴TAP の REST API または TAXII サーバーから取得できます。',
  footer: 'このメールは C⁴TAP が自動送信しています。返信は読まれません。',
};

export const MESSAGES: Readonly<Record<Language, DigestMessages>> = { en: EN, ja: JA };

/** The recipient's language first, then the other one. */
export function languageOrder(first: Language): readonly Language[] {
  return first === 'ja' ? ['ja', 'en'] : ['en', 'ja'];
}
