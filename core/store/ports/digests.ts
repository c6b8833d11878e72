// Role port: digests (sharing/digests) — a reader's subscription, its cursor on the publication
// log and the messages delivered. The cursor moves only after the relay accepted a message.

export type DigestAttachmentMode = 'zip' | 'link' | 'none';

/** What the subscriber chose; changeable after subscribing. */
export interface DigestSubscriptionSettings {
  readonly attachments: DigestAttachmentMode;
  /** Password of the attachments' zip, sealed with the secrets key (core/sealed-text.ts), or null. */
  readonly zipPasswordSealed: string | null;
  /** PEM certificate that AMBER digests are S/MIME-encrypted to, or null. */
  readonly smimeCertificate: string | null;
  /** A participant opted in to AMBER-and-wider digests (sent only as the channel policy allows). */
  readonly amber: boolean;
  readonly disabled: boolean;
}

export interface NewDigestSubscription extends DigestSubscriptionSettings {
  readonly id: string;
  /** The reader receiving it: its e-mail and language, its organisation's tier. */
  readonly principalId: string;
  /** Name of a schedule in policies/digests/schedules.json. */
  readonly schedule: string;
  /** Entries with a seq greater than this are delivered. */
  readonly cursorSeq: number;
  readonly createdAt: string;
}

export interface DigestSubscription extends NewDigestSubscription {
  /** Last publication seq delivered: entries up to it were sent (or had nothing for this reader). */
  readonly cursorSeq: number;
  /**
   * End of the range of the message being delivered, fixed before it is sent so that a resend
   * after a crash covers the same range (same Message-ID); null when no message is under way.
   */
  readonly pendingToSeq: number | null;
  /** The schedule slot (ISO time) last handled, or null. */
  readonly lastSlotAt: string | null;
  readonly leaseOwner: string | null;
  /** End of the run lease; after a failed run, the time before which it is not retried. */
  readonly leaseUntil: string | null;
  /** Error code of the last failed run; null after a run that succeeded. */
  readonly lastError: string | null;
  readonly updatedAt: string;
}

export type DigestSubscriptionPatch = Partial<DigestSubscriptionSettings>;

export interface DigestSubscriptionFilter {
  readonly principalId?: string;
  readonly schedule?: string;
}

/** One message the relay accepted: publication entries with fromSeq < seq <= toSeq. */
export interface DigestDelivery {
  /** Deterministic per (subscription, fromSeq, toSeq): a resend of the same range has the same id. */
  readonly id: string;
  readonly subscriptionId: string;
  /** The cursor before the message (exclusive). */
  readonly fromSeq: number;
  /** The cursor after it (inclusive). */
  readonly toSeq: number;
  readonly messageId: string;
  readonly sentAt: string;
  /** `relay` or the outbox file. */
  readonly via: string;
}

export interface DigestClaim {
  readonly subscriptionId: string;
  readonly owner: string;
  readonly now: string;
  readonly leaseUntil: string;
  /** The publication log's end read at the start of the run: the pending range ends here unless one is pending already. */
  readonly logEnd: number;
}

export interface DigestRelease {
  readonly subscriptionId: string;
  readonly owner: string;
  readonly now: string;
  /** The schedule slot handled (success or nothing new); omitted after a failure, so it is retried. */
  readonly slotAt?: string;
  /** Not claimable again before this time (after a failure), or null. */
  readonly retryAt: string | null;
  /** Forget the pending range (nothing in it for this reader). */
  readonly clearPending: boolean;
  readonly error: string | null;
}

export interface DigestStore {
  /** CONFLICT when the principal already has a subscription on this schedule. */
  createDigestSubscription(sub: NewDigestSubscription): Promise<DigestSubscription>;
  getDigestSubscription(id: string): Promise<DigestSubscription | null>;
  /** Subscriptions (disabled ones too) in createdAt, id order. */
  listDigestSubscriptions(filter?: DigestSubscriptionFilter): Promise<readonly DigestSubscription[]>;
  updateDigestSubscription(id: string, patch: DigestSubscriptionPatch, now: string): Promise<DigestSubscription | null>;
  /**
   * Takes the run lease of an enabled subscription whose lease is free or ended, and fixes the
   * pending range: kept when one is pending, else ending at `logEnd` when that is past the cursor.
   * Null when disabled, unknown or leased to another run.
   */
  claimDigestRun(claim: DigestClaim): Promise<DigestSubscription | null>;
  /**
   * Records the delivery (idempotent by id: the first record stays) and, only when the cursor is at
   * its fromSeq, moves the cursor to its toSeq and clears the pending range (compare-and-set).
   * `advanced` says whether the cursor moved. A retry after a crash completes what is missing.
   */
  recordDigestDelivery(delivery: DigestDelivery): Promise<{ readonly advanced: boolean }>;
  /** Ends the run lease held by `owner`; false when another run holds it. */
  releaseDigestRun(release: DigestRelease): Promise<boolean>;
  getDigestDelivery(id: string): Promise<DigestDelivery | null>;
  /** The subscription's deliveries, newest (highest toSeq) first. */
  listDigestDeliveries(subscriptionId: string, limit: number): Promise<readonly DigestDelivery[]>;
  /** The deliveries of every subscription in id order after `afterId` (null: from the first). */
  listDigestDeliveriesAfter(afterId: string | null, limit: number): Promise<readonly DigestDelivery[]>;
}
