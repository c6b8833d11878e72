// Every record of a store, read through the port only, in a deterministic order: the source of
// `c4tap migrate` (core/store/mongo-import.ts writes them into MongoDB) and of the digest that
// proves two stores answer the same (storeDigest). Works for any adapter.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit.ts';
import type {
  ApiToken,
  AuditEvent,
  FalsePositiveEntry,
  Indicator,
  IndicatorSource,
  Job,
  Organisation,
  Principal,
  PublicationEntry,
  Sample,
  Sighting,
  Submission,
  SubmissionFeature,
  SubmissionNote,
} from '../types.ts';
import type { DigestDelivery, DigestSubscription, Drill, DrillNotice, SecondFactor, Store } from './port.ts';

export type StoreRecord =
  | { readonly kind: 'organisation'; readonly value: Organisation }
  | { readonly kind: 'principal'; readonly value: Principal }
  | { readonly kind: 'second-factor'; readonly value: SecondFactor }
  | { readonly kind: 'token'; readonly value: ApiToken }
  | { readonly kind: 'submission'; readonly value: Submission }
  | { readonly kind: 'submission-note'; readonly value: SubmissionNote }
  | { readonly kind: 'job'; readonly value: Job }
  | { readonly kind: 'sample'; readonly value: Sample }
  | { readonly kind: 'cluster-feature'; readonly value: SubmissionFeature }
  | { readonly kind: 'indicator'; readonly value: Indicator }
  | { readonly kind: 'source'; readonly value: IndicatorSource }
  | { readonly kind: 'publication'; readonly value: PublicationEntry }
  | { readonly kind: 'sighting'; readonly value: Sighting }
  | { readonly kind: 'false-positive'; readonly value: FalsePositiveEntry }
  | { readonly kind: 'digest-subscription'; readonly value: DigestSubscription }
  | { readonly kind: 'digest-delivery'; readonly value: DigestDelivery }
  | { readonly kind: 'drill'; readonly value: Drill }
  | { readonly kind: 'drill-notice'; readonly value: DrillNotice }
  | { readonly kind: 'audit'; readonly value: AuditEvent }
  | { readonly kind: 'audit-head'; readonly value: { readonly seq: number; readonly hash: string } };

export type RecordKind = StoreRecord['kind'];

const PAGE = 500;

/** The job types a submission can have (JobType has one member today). */
const JOB_TYPES = ['analyse'] as const;

/**
 * Yields every record: the directory (with second factors), submissions newest first each followed
 * by its analysts' notes (newest first), its jobs, samples (with tombstones) and clustering features, then indicators in id order each
 * with its sources, the publication log in seq order, sightings, exchange-level false positives in
 * indicator id order, digest subscriptions (cursor,
 * pending range and run lease as they are) in createdAt order and their deliveries in id order,
 * drills in id order each followed by its notices, and the audit log with its head record.
 * Console sessions are not records to keep: users log in again.
 */
export async function* exportStore(store: Store): AsyncGenerator<StoreRecord> {
  for (const value of await store.listOrganisations()) yield { kind: 'organisation', value };
  const principals = await store.listPrincipals();
  for (const value of principals) yield { kind: 'principal', value };
  for (const p of principals) {
    const factor = await store.getSecondFactor(p.id);
    if (factor) yield { kind: 'second-factor', value: factor };
  }
  for (const value of await store.listTokens()) yield { kind: 'token', value };

  let cursor: string | null = null;
  do {
    const page = await store.listSubmissions({}, { limit: PAGE, cursor });
    for (const value of page.items) {
      yield { kind: 'submission', value };
      for (const note of await store.listSubmissionNotes(value.id)) yield { kind: 'submission-note', value: note };
      for (const type of JOB_TYPES) {
        const job = await store.getJobForSubmission(value.id, type);
        if (job) yield { kind: 'job', value: job };
      }
      for (const sample of await store.listSamples(value.id)) yield { kind: 'sample', value: sample };
      for (const feature of await store.listClusterFeatures(value.id)) yield { kind: 'cluster-feature', value: feature };
    }
    cursor = page.nextCursor;
  } while (cursor);

  const indicatorIds: string[] = [];
  for (let after: string | null = null; ;) {
    const page: readonly Indicator[] = await store.listIndicators(after, PAGE);
    if (page.length === 0) break;
    const sources = new Map((await store.getIndicators(page.map((i) => i.id))).map((i) => [i.indicator.id, i.sources]));
    for (const value of page) {
      yield { kind: 'indicator', value };
      for (const source of sources.get(value.id) ?? []) yield { kind: 'source', value: source };
      indicatorIds.push(value.id);
    }
    after = page[page.length - 1]!.id;
  }

  for (let after = 0; ;) {
    const page = await store.listPublications({ afterSeq: after, limit: PAGE });
    if (page.length === 0) break;
    for (const value of page) yield { kind: 'publication', value };
    after = page[page.length - 1]!.seq;
  }

  const sightings = new Map<number, Sighting>();
  for (let i = 0; i < indicatorIds.length; i += PAGE) {
    for (const s of await store.listSightings(indicatorIds.slice(i, i + PAGE))) sightings.set(s.id, s);
  }
  for (const value of [...sightings.values()].sort((a, b) => a.id - b.id)) yield { kind: 'sighting', value };

  for await (const value of pagesBy(
    (after) => store.listFalsePositives(after, PAGE),
    (e) => e.indicatorId,
  ))
    yield { kind: 'false-positive', value };

  for (const value of await store.listDigestSubscriptions()) yield { kind: 'digest-subscription', value };
  for await (const value of pagesById((after) => store.listDigestDeliveriesAfter(after, PAGE))) yield { kind: 'digest-delivery', value };
  for await (const value of pagesById((after) => store.listDrillsAfter(after, PAGE))) {
    yield { kind: 'drill', value };
    for (const notice of await store.listDrillNotices(value.id)) yield { kind: 'drill-notice', value: notice };
  }

  for (let after = 0; ;) {
    const page = await store.listAudit(after, PAGE);
    if (page.length === 0) break;
    for (const value of page) yield { kind: 'audit', value };
    after = page[page.length - 1]!.seq;
  }
  const head = await store.auditHead();
  if (head) yield { kind: 'audit-head', value: head };
}

/** Every record of a list read in id order, page by page (`read` gives the page after an id). */
function pagesById<T extends { readonly id: string }>(read: (afterId: string | null) => Promise<readonly T[]>): AsyncGenerator<T> {
  return pagesBy(read, (r) => r.id);
}

/** Every record of a list read in key order, page by page (`read` gives the page after a key). */
async function* pagesBy<T>(read: (afterKey: string | null) => Promise<readonly T[]>, keyOf: (record: T) => string): AsyncGenerator<T> {
  for (let after: string | null = null; ;) {
    const page = await read(after);
    if (page.length === 0) return;
    yield* page;
    after = keyOf(page[page.length - 1]!);
  }
}

/** How many records of each kind, and a SHA-256 over all of them (canonical JSON, in export order). */
export interface StoreDigest {
  readonly sha256: string;
  readonly records: Readonly<Partial<Record<RecordKind, number>>>;
}

/** Two stores with the same digest answer every read above the same. */
export async function storeDigest(store: Store): Promise<StoreDigest> {
  const hash = createHash('sha256');
  const records: Partial<Record<RecordKind, number>> = {};
  for await (const r of exportStore(store)) {
    hash.update(r.kind).update('\n').update(canonicalJson(r.value)).update('\n');
    records[r.kind] = (records[r.kind] ?? 0) + 1;
  }
  return { sha256: hash.digest('hex'), records };
}
