// The text of one submitter notification, in the submitter's language. Pure over typed facts.
// It speaks only of the submitter's own report: no other organisation, no correlation with other
// reports, nothing derived from other sources. Indicators and the reported subject are defanged,
// so neither the submitter's mail filter nor a click turns them live. The notice is RED (it is
// about the organisation's own report) and says so on top.
import { CLASSES, type IndicatorType, type Language, type SharingClass, type Verdict } from '../../core/types.ts';
import { byTypeThenValue } from '../../core/indicator-order.ts';
import type { OutboundMail } from '../../core/mailer.ts';
import { audienceOf } from '../class-policy.ts';
import { bannerLines, classTag } from '../digests/content/banner.ts';
import { formatInstant } from '../digests/content/dates.ts';
import { defang, defangText } from '../digests/content/defang.ts';
import { MESSAGES as DIGEST_MESSAGES } from '../digests/content/messages.ts';
import { NOTIFICATION_MESSAGES } from './messages.ts';

export interface NoticeRecipient {
  readonly address: string;
  readonly language: Language;
  readonly timeZone: string;
}

export interface NoticeSubmission {
  readonly id: string;
  readonly receivedAt: string;
  readonly subject: string | null;
  /** Message-ID of the submitter's forward: the notice threads under it. */
  readonly messageId: string | null;
}

export interface AnalysisFacts {
  readonly verdict: Verdict;
  readonly files: number;
  /** Files with a YARA match or an anti-virus detection. */
  readonly detected: number;
  readonly indicators: number;
  readonly incomplete: number;
  readonly avNotConfigured: boolean;
}

export interface PublishedIndicator {
  readonly type: IndicatorType;
  readonly value: string;
  readonly class: SharingClass;
}

export interface PublishedFacts {
  readonly published: readonly PublishedIndicator[];
  /** The report's indicators not published now (withheld, false positive, withdrawn). */
  readonly notPublished: number;
}

export type Notice =
  | { readonly kind: 'analysed'; readonly facts: AnalysisFacts }
  | { readonly kind: 'published'; readonly facts: PublishedFacts }
  | { readonly kind: 'rejected'; readonly reason: string };

export interface NoticeInput {
  readonly recipient: NoticeRecipient;
  /**
   * Whether this message may carry the values of indicators published at a class (the e-mail
   * channel policy, policies/digests/channels.json); otherwise it gives their count only.
   */
  readonly mayCarry: (cls: SharingClass) => boolean;
  readonly submission: NoticeSubmission;
  readonly notice: Notice;
  /** Base URL of the API as participants reach it. */
  readonly baseUrl: string;
}

function publishedLines(lang: Language, facts: PublishedFacts, mayCarry: NoticeInput['mayCarry']): string[] {
  const m = NOTIFICATION_MESSAGES[lang];
  const lines: string[] = [];
  if (facts.published.length === 0) lines.push(m.publishedNone, '');
  else lines.push(m.defanged, '');
  for (const cls of CLASSES) {
    const items = facts.published.filter((p) => p.class === cls);
    if (items.length === 0) continue;
    lines.push(m.classHeading(classTag(cls), DIGEST_MESSAGES[lang].rule(audienceOf(cls)), items.length));
    if (!mayCarry(cls)) {
      lines.push(`  ${m.valuesWithheld}`, '');
      continue;
    }
    const sorted = [...items].sort(byTypeThenValue);
    let type: IndicatorType | null = null;
    for (const item of sorted) {
      if (item.type !== type) {
        type = item.type;
        lines.push(`  ${DIGEST_MESSAGES[lang].types[type]}:`);
      }
      lines.push(`    ${defang(item.type, item.value)}`);
    }
    lines.push('');
  }
  if (facts.notPublished > 0) lines.push(m.notPublished(facts.notPublished), '');
  return lines;
}

function analysedLines(lang: Language, f: AnalysisFacts): string[] {
  const m = NOTIFICATION_MESSAGES[lang];
  return [
    m.verdict(f.verdict),
    m.files(f.files, f.detected),
    m.indicators(f.indicators),
    ...(f.incomplete > 0 ? [m.incomplete(f.incomplete)] : []),
    ...(f.avNotConfigured ? [m.avNotConfigured] : []),
    '',
    m.nextAfterAnalysis,
    '',
  ];
}

function subjectOf(input: NoticeInput): string {
  const m = NOTIFICATION_MESSAGES[input.recipient.language];
  const id = input.submission.id;
  switch (input.notice.kind) {
    case 'analysed':
      return m.subjectAnalysed(id);
    case 'published':
      return m.subjectPublished(id);
    case 'rejected':
      return m.subjectRejected(id);
  }
}

function bodyOf(input: NoticeInput): string[] {
  const lang = input.recipient.language;
  const m = NOTIFICATION_MESSAGES[lang];
  const n = input.notice;
  switch (n.kind) {
    case 'analysed':
      return [m.analysedIntro, '', ...analysedLines(lang, n.facts)];
    case 'published':
      return [m.publishedIntro, '', ...publishedLines(lang, n.facts, input.mayCarry)];
    case 'rejected':
      return [
        m.rejectedIntro,
        '',
        `${m.reason}:`,
        ...defangText(n.reason)
          .split(/\r?\n/)
          .map((l) => `  ${l}`),
        '',
        m.nextAfterReject,
        '',
      ];
  }
}

const MESSAGE_ID = /^<[^<>\s]{1,250}>$/;

export function renderNotice(input: NoticeInput): OutboundMail {
  const { recipient, submission } = input;
  const lang = recipient.language;
  const m = NOTIFICATION_MESSAGES[lang];
  const text = [
    ...bannerLines('RED', lang),
    '',
    `${m.report}: ${submission.id}`,
    `${m.received}: ${formatInstant(submission.receivedAt, recipient.timeZone)}`,
    ...(submission.subject ? [`${m.subject}: ${defangText(submission.subject)}`] : []),
    '',
    ...bodyOf(input),
    `${m.api}: GET ${input.baseUrl.replace(/\/+$/, '')}/api/v1/submissions/${submission.id}`,
    '',
    '-- ',
    m.footer,
    '',
  ].join('\n');
  const thread: Record<string, string> =
    submission.messageId && MESSAGE_ID.test(submission.messageId) ? { 'In-Reply-To': submission.messageId, References: submission.messageId } : {};
  return {
    to: recipient.address,
    subject: subjectOf(input),
    text,
    headers: { 'X-C4TAP-Notification': input.notice.kind, 'X-C4TAP-Submission': submission.id, ...thread },
  };
}
