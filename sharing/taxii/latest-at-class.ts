// The latest log entry at one class of each indicator: a collection holds an indicator's objects
// once, added at that entry (earlier entries of the indicator at the class are superseded by it).
import type { PublicationEntry, SharingClass } from '../../core/types.ts';
import type { TaxiiStore } from './store.ts';

const BATCH = 5000;

/** For these indicators, their latest entry at `cls` with a seq greater than `afterSeq`. */
export async function latestAtClass(
  store: Pick<TaxiiStore, 'listPublications'>,
  cls: SharingClass,
  indicatorIds: readonly string[],
  afterSeq = 0,
): Promise<Map<string, PublicationEntry>> {
  const out = new Map<string, PublicationEntry>();
  if (indicatorIds.length === 0) return out;
  for (let after = afterSeq; ;) {
    const entries = await store.listPublications({ afterSeq: after, limit: BATCH, classes: [cls], indicatorIds });
    for (const e of entries) out.set(e.indicatorId, e);
    if (entries.length < BATCH) return out;
    after = entries[entries.length - 1]!.seq;
  }
}
