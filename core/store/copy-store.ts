// Copying one store into another (`c4tap migrate`) and proving the copy: equal record counts and
// an equal digest over every record read back through the port (core/store/store-export.ts).
import type { Store, StoreCounts } from './port.ts';
import type { MongoImporter } from './mongo-import.ts';
import { exportStore, storeDigest, type RecordKind, type StoreDigest } from './store-export.ts';

export async function copyStore(source: Store, target: MongoImporter, onRecord: (kind: RecordKind) => void = () => {}): Promise<number> {
  let n = 0;
  for await (const record of exportStore(source)) {
    await target.add(record);
    onRecord(record.kind);
    n++;
  }
  await target.flush();
  return n;
}

export interface StoreCopyVerification {
  readonly ok: boolean;
  readonly counts: { readonly source: StoreCounts; readonly target: StoreCounts };
  /** The kinds whose counts differ. */
  readonly countMismatches: readonly (keyof StoreCounts)[];
  readonly digest: { readonly source: StoreDigest; readonly target: StoreDigest };
}

export async function verifyStoreCopy(source: Store, target: Store): Promise<StoreCopyVerification> {
  const counts = { source: await source.counts(), target: await target.counts() };
  const countMismatches = (Object.keys(counts.source) as (keyof StoreCounts)[]).filter((k) => counts.source[k] !== counts.target[k]);
  const digest = { source: await storeDigest(source), target: await storeDigest(target) };
  return { ok: countMismatches.length === 0 && digest.source.sha256 === digest.target.sha256, counts, countMismatches, digest };
}
