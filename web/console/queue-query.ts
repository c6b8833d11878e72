// The queue's query string: parsed into a store search (and back into links), so filters, sort
// and page survive every link and the auto-refresh. Unknown or malformed values are ignored.
import {
  CLASSES,
  INDICATOR_TYPES,
  KINDS,
  SUBMISSION_STATUSES,
  VERDICTS,
  type InfoKind,
  type Organisation,
  type SharingClass,
  type SubmissionStatus,
} from '../../core/types.ts';
import type { SubmissionSearch } from '../../core/store/port.ts';
import { startOfLocalDay } from './i18n/index.ts';

export const QUEUE_PARAMS = [
  'status',
  'kind',
  'class',
  'verdict',
  'suggested',
  'reach',
  'sector',
  'from',
  'to',
  'yara',
  'av',
  'ioc',
  'q',
  'order',
  'sort',
  'assignee',
] as const;
export type QueueParam = (typeof QUEUE_PARAMS)[number];
export type QueueParams = Readonly<Partial<Record<QueueParam, string>>>;

export const REACHES = ['targeted', 'mass', 'undetermined'] as const;
/**
 * Sorting of the page shown by a triage signal (the store pages by receipt time; the signal sort
 * orders the rows of that page): score of the suggested verdict, AV/YARA hits, attachments,
 * organisations of the cluster, age.
 */
export const SORTS = ['score', 'hits', 'attachments', 'organisations', 'age'] as const;
export type QueueSort = (typeof SORTS)[number];
export const DEFAULT_STATUS: SubmissionStatus = 'awaiting-triage';
export const PAGE_SIZE = 50;

export interface QueueQuery {
  readonly params: QueueParams;
  /** null: every status. */
  readonly status: SubmissionStatus | null;
  /** The search without status, for the counts per status. */
  readonly search: Omit<SubmissionSearch, 'status' | 'order'>;
  readonly order: 'newest' | 'oldest';
  readonly sort: QueueSort | null;
  readonly cursor: string | null;
}

function text(v: unknown, max = 200): string {
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/** The assignee filter: the signed-in analyst's own submissions, or those nobody works on. */
export const ASSIGNEE_FILTERS = ['mine', 'none'] as const;

export function parseQueueQuery(query: Readonly<Record<string, unknown>>, timeZone: string, orgs: readonly Organisation[], me?: string): QueueQuery {
  const params: Partial<Record<QueueParam, string>> = {};
  for (const p of QUEUE_PARAMS) {
    const v = text(query[p]);
    if (v) params[p] = v;
  }
  const statusText = params.status ?? DEFAULT_STATUS;
  const status = statusText === 'all' ? null : SUBMISSION_STATUSES.includes(statusText as SubmissionStatus) ? (statusText as SubmissionStatus) : DEFAULT_STATUS;
  const search: { -readonly [K in keyof SubmissionSearch]: SubmissionSearch[K] } = {};
  const cls = params.class as SharingClass | undefined;
  if (cls && CLASSES.includes(cls)) {
    const kind = KINDS.includes(params.kind as InfoKind) ? (params.kind as InfoKind) : 'network';
    search.classOf = { kind, classes: [cls] };
  }
  const verdict = VERDICTS.find((v) => v === params.verdict);
  if (params.verdict) search.verdicts = verdict ? [verdict] : [];
  if (params.suggested && (VERDICTS as readonly string[]).includes(params.suggested)) search.suggestedVerdicts = [params.suggested];
  if (params.reach && (REACHES as readonly string[]).includes(params.reach)) search.clusterLabels = [params.reach];
  if (params.sector) search.orgIds = orgs.filter((o) => o.sector === params.sector).map((o) => o.id);
  const from = params.from ? startOfLocalDay(params.from, timeZone) : null;
  if (from) search.receivedFrom = from.toISOString();
  const to = params.to ? startOfLocalDay(params.to, timeZone) : null;
  if (to) search.receivedBefore = new Date(to.getTime() + 24 * 3600_000).toISOString();
  const indicators: { types: readonly (typeof INDICATOR_TYPES)[number][]; contains: string }[] = [];
  if (params.yara) indicators.push({ types: ['yara-rule'], contains: params.yara });
  if (params.av) indicators.push({ types: ['av-signature'], contains: params.av });
  // Any indicator value or hash: the pivot from an indicator to every submission that has it.
  if (params.ioc) indicators.push({ types: INDICATOR_TYPES, contains: params.ioc });
  if (indicators.length) search.indicators = indicators;
  if (params.q) search.text = params.q;
  if (params.assignee === 'mine' && me) search.assignee = me;
  if (params.assignee === 'none') search.assignee = null;
  const cursorText = text(query.cursor, 400);
  return {
    params,
    status,
    search,
    order: params.order === 'oldest' ? 'oldest' : 'newest',
    sort: (SORTS as readonly string[]).includes(params.sort ?? '') ? (params.sort as QueueSort) : null,
    cursor: /^[A-Za-z0-9_-]+$/.test(cursorText) ? cursorText : null,
  };
}

/** The query string values for a link: the current filters with some replaced or removed. */
export function withParams(params: QueueParams, change: Readonly<Record<string, string | null>>): Record<string, string | null> {
  return { ...params, ...change };
}
