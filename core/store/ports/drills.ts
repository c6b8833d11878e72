// Role port: drills (情報連絡訓練) — a test notice to every point of contact, acknowledged by reply or link.
import type { Language, Principal } from '../../types.ts';

export type DrillAckVia = 'reply' | 'link';

export interface Drill {
  readonly id: string;
  readonly title: string;
  /** Principal id, or `cli:<user>`. */
  readonly startedBy: string;
  readonly startedAt: string;
}

export interface DrillNotice {
  readonly id: string;
  readonly drillId: string;
  readonly orgId: string;
  /** The organisation's name and language when the drill started (the report shows what was sent). */
  readonly orgName: string;
  readonly language: Language;
  readonly contactName: string;
  /** The contact's e-mail address; '' when the contact has none (the notice cannot be sent). */
  readonly address: string;
  /** Keyed hash of the acknowledgement token (core/drills.ts); the token itself is never stored. */
  readonly tokenHash: string;
  readonly sentAt: string | null;
  /** First acknowledgement; later ones change nothing. */
  readonly ackAt: string | null;
  readonly ackVia: DrillAckVia | null;
  /** Why the notice was not sent (last attempt), or null. */
  readonly lastError: string | null;
}

/** A notice as created with its drill: not sent, not acknowledged. */
export type NewDrillNotice = Omit<DrillNotice, 'drillId' | 'sentAt' | 'ackAt' | 'ackVia'>;

export type DrillSendOutcome = { readonly sentAt: string } | { readonly error: string };

export interface DrillAck {
  readonly notice: DrillNotice;
  /** false when the notice had been acknowledged before (its first time and way are kept). */
  readonly first: boolean;
}

export interface DrillStore {
  /** Creates the drill with its notices; notice ids and token hashes are unique (CONFLICT otherwise). */
  createDrill(drill: Drill, notices: readonly NewDrillNotice[]): Promise<Drill>;
  getDrill(id: string): Promise<Drill | null>;
  /** Newest first (startedAt desc, id desc). */
  listDrills(limit: number): Promise<readonly Drill[]>;
  /** The drill's notices ordered by organisation name, contact name, address, id. */
  listDrillNotices(drillId: string): Promise<readonly DrillNotice[]>;
  getDrillNoticeByTokenHash(tokenHash: string): Promise<DrillNotice | null>;
  /** Records one send attempt: sentAt (clearing lastError) or the error. Null for an unknown notice. */
  markDrillNoticeSent(noticeId: string, outcome: DrillSendOutcome): Promise<DrillNotice | null>;
  /**
   * Gives a notice that was never sent nor acknowledged a new token hash (its old token never
   * reached anyone), for sending it again. Null when the notice is unknown, was sent or acknowledged.
   */
  reissueDrillNotice(noticeId: string, tokenHash: string): Promise<DrillNotice | null>;
  /** Records the acknowledgement once: a later one keeps the first time and way. Null for an unknown hash. */
  acknowledgeDrillNotice(tokenHash: string, at: string, via: DrillAckVia): Promise<DrillAck | null>;
  /** Drills in id order after `afterId` (null: from the first); their notices come from listDrillNotices. */
  listDrillsAfter(afterId: string | null, limit: number): Promise<readonly Drill[]>;
}
