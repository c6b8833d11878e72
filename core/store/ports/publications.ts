// Role port: the publication log, append-only with strictly increasing seq (publish, withdraw);
// every sharing channel reads it.
import type { InfoKind, PublicationAction, PublicationEntry, SharingClass } from '../../types.ts';

export interface NewPublication {
  readonly idempotencyKey: string;
  readonly action: PublicationAction;
  readonly indicatorId: string;
  readonly submissionId: string;
  readonly kind: InfoKind;
  readonly class: SharingClass;
}

export interface PublicationQuery {
  /** Entries with seq strictly greater than this. */
  readonly afterSeq: number;
  readonly limit: number;
  readonly classes?: readonly SharingClass[];
  readonly indicatorIds?: readonly string[];
}

export interface PublicationLogStore {
  /** Appends entries in order with strictly increasing seq; an existing idempotencyKey returns its entry. */
  appendPublications(entries: readonly NewPublication[], now: string): Promise<readonly PublicationEntry[]>;
  listPublications(query: PublicationQuery): Promise<readonly PublicationEntry[]>;
  lastPublicationSeq(): Promise<number>;
}
