// The words of submitter notifications in Japanese and English. A typed record per language, so a
// missing message fails to compile. Parameters are plain text (the notices are text/plain).
import type { Language, Verdict } from '../../core/types.ts';

export interface NotificationMessages {
  readonly subjectAnalysed: (id: string) => string;
  readonly subjectPublished: (id: string) => string;
  readonly subjectRejected: (id: string) => string;
  readonly analysedIntro: string;
  readonly publishedIntro: string;
  readonly rejectedIntro: string;
  readonly report: string;
  readonly received: string;
  readonly subject: string;
  readonly verdict: (verdict: Verdict) => string;
  readonly files: (files: number, detected: number) => string;
  readonly indicators: (n: number) => string;
  readonly incomplete: (n: number) => string;
  readonly avNotConfigured: string;
  readonly nextAfterAnalysis: string;
  readonly defanged: string;
  readonly publishedNone: string;
  readonly valuesWithheld: string;
  readonly classHeading: (tag: string, rule: string, n: number) => string;
  readonly notPublished: (n: number) => string;
  readonly reason: string;
  readonly nextAfterReject: string;
  readonly api: string;
  readonly footer: string;
}

const VERDICT_EN: Readonly<Record<Verdict, string>> = { malicious: 'malicious', suspicious: 'suspicious', benign: 'benign', unknown: 'undetermined' };
const VERDICT_JA: Readonly<Record<Verdict, string>> = { malicious: '悪性', suspicious: '不審', benign: '無害', unknown: '判定不能' };

const EN: NotificationMessages = {
  subjectAnalysed: (id) => `[C4TAP] Analysis finished — ${id}`,
  subjectPublished: (id) => `[C4TAP] Indicators published — ${id}`,
  subjectRejected: (id) => `[C4TAP] Not published — ${id}`,
  analysedIntro: 'The analysis of your report has finished.',
  publishedIntro: 'Indicators from your report were published. Each is shared only with the audience of its class.',
  rejectedIntro: 'An analyst decided not to publish indicators from your report; nothing of it is shared.',
  report: 'Report',
  received: 'Received',
  subject: 'Subject',
  verdict: (v) => `Suggested verdict: ${VERDICT_EN[v]} (an analyst reviews it before anything is published)`,
  files: (f, d) => `Files analysed: ${f}; detected by YARA or anti-virus: ${d}`,
  indicators: (n) => `Indicators extracted: ${n}`,
  incomplete: (n) => `Scans that did not complete: ${n} (never counted as clean)`,
  avNotConfigured: 'Anti-virus: not configured',
  nextAfterAnalysis: 'Next: an analyst reviews the indicators. You will be told what is published and at which class.',
  defanged: 'Indicators below are defanged (hxxp, [.], [@], [:]) so that they cannot be clicked.',
  publishedNone: 'No indicator of this report is published now (all were withheld or withdrawn).',
  valuesWithheld: 'Values of this class do not travel by e-mail: read them in the console or through the API (below).',
  classHeading: (tag, rule, n) => `${tag} (${n}) — ${rule}`,
  notPublished: (n) => `Not published (warning lists, false positives or withdrawn): ${n}`,
  reason: 'Reason',
  nextAfterReject: 'If you think this is wrong, reply to the secretariat with the report number.',
  api: 'API',
  footer: 'This message was sent automatically by C⁴TAP. Your identity is never shared with other organisations.',
};

const JA: NotificationMessages = {
  subjectAnalysed: (id) => `[C4TAP] 分析完了のお知らせ — ${id}`,
  subjectPublished: (id) => `[C4TAP] 指標公開のお知らせ — ${id}`,
  subjectRejected: (id) => `[C4TAP] 非公開決定のお知らせ — ${id}`,
  analysedIntro: 'ご報告の分析が完了しました。',
  publishedIntro: 'ご報告から得られた指標を公開しました。各指標はその共有区分の範囲内でのみ共有されます。',
  rejectedIntro: '分析担当者の判断により、ご報告の指標は公開しないこととなりました。共有される情報はありません。',
  report: '受付番号',
  received: '受付日時',
  subject: '件名',
  verdict: (v) => `判定（案）：${VERDICT_JA[v]}（公開前に分析担当者が確認します）`,
  files: (f, d) => `分析したファイル：${f} 件、YARA またはウイルス対策ソフトでの検知：${d} 件`,
  indicators: (n) => `抽出した指標：${n} 件`,
  incomplete: (n) => `完了しなかった検査：${n} 件（「検知なし」とは扱いません）`,
  avNotConfigured: 'ウイルス対策ソフト：未設定',
  nextAfterAnalysis: '今後の流れ：分析担当者が指標を確認します。公開した内容と共有区分は改めてお知らせします。',
  defanged: '以下の指標はクリックできないよう無害化（hxxp、[.]、[@]、[:]）しています。',
  publishedNone: '現在このご報告から公開している指標はありません（すべて保留または取り下げ）。',
  valuesWithheld: 'この区分の値は電子メールでは送りません。コンソールまたは API（下記）でご確認ください。',
  classHeading: (tag, rule, n) => `${tag}（${n} 件）— ${rule}`,
  notPublished: (n) => `公開していない指標（警告リスト・誤検知・取り下げ）：${n} 件`,
  reason: '理由',
  nextAfterReject: 'ご不明な点は、受付番号を添えて事務局へご返信ください。',
  api: 'API',
  footer: 'このメールは C⁴TAP が自動送信しています。報告者の情報が他の組織に共有されることはありません。',
};

export const NOTIFICATION_MESSAGES: Readonly<Record<Language, NotificationMessages>> = { en: EN, ja: JA };
