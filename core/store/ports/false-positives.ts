// Role port: exchange-level false positives (sharing/false-positives.ts), one entry per indicator.
import type { FalsePositiveEntry } from '../../types.ts';

/**
 * Exchange-level false positives (sharing/false-positives.ts), one entry per indicator: a role
 * port of the Store, with its own contract suite (test/contracts/store-false-positives.contract.ts).
 */
export interface FalsePositiveStore {
  /**
   * Records the entry; when the indicator is marked already, the first entry stays and is
   * returned with `created: false` (two analysts marking at once: one entry, one winner).
   */
  markFalsePositive(entry: FalsePositiveEntry): Promise<{ readonly entry: FalsePositiveEntry; readonly created: boolean }>;
  /** Removes the entry and returns it; null when the indicator was not marked. */
  unmarkFalsePositive(indicatorId: string): Promise<FalsePositiveEntry | null>;
  getFalsePositive(indicatorId: string): Promise<FalsePositiveEntry | null>;
  /** The ids among these that are marked (the publication's batch "is marked?"). */
  markedFalsePositives(indicatorIds: readonly string[]): Promise<readonly string[]>;
  /** Entries in indicator id order after `afterId` (null: from the first). */
  listFalsePositives(afterId: string | null, limit: number): Promise<readonly FalsePositiveEntry[]>;
}
