// Digest subscriptions, their cursor on the publication log and the deliveries, in SQLite. The
// cursor lives on the subscription row: moving it is one conditional UPDATE (compare-and-set on
// the old seq) in the same transaction as the delivery record.
import type { DigestAttachmentMode, DigestDelivery, DigestSubscription, DigestSubscriptionPatch, NewDigestSubscription } from './port.ts';
import { checkLimit, definedOnly, inWriteTransaction, toFlag, type Db, type SyncRole } from './sqlite-db.ts';
import { checkDeliveryRange } from './store-values.ts';
import type { DigestStore } from './ports/digests.ts';

interface SubscriptionRow {
  id: string;
  principal_id: string;
  schedule: string;
  attachments: string;
  zip_password_sealed: string | null;
  smime_certificate: string | null;
  amber: number;
  disabled: number;
  cursor_seq: number;
  pending_to_seq: number | null;
  last_slot_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  from_seq: number;
  to_seq: number;
  message_id: string;
  sent_at: string;
  via: string;
}

function rowToSubscription(r: SubscriptionRow): DigestSubscription {
  return {
    id: r.id,
    principalId: r.principal_id,
    schedule: r.schedule,
    attachments: r.attachments as DigestAttachmentMode,
    zipPasswordSealed: r.zip_password_sealed,
    smimeCertificate: r.smime_certificate,
    amber: r.amber === 1,
    disabled: r.disabled === 1,
    cursorSeq: r.cursor_seq,
    pendingToSeq: r.pending_to_seq,
    lastSlotAt: r.last_slot_at,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function rowToDelivery(r: DeliveryRow): DigestDelivery {
  return { id: r.id, subscriptionId: r.subscription_id, fromSeq: r.from_seq, toSeq: r.to_seq, messageId: r.message_id, sentAt: r.sent_at, via: r.via };
}

const SETTING_COLUMNS = {
  attachments: 'attachments',
  zipPasswordSealed: 'zip_password_sealed',
  smimeCertificate: 'smime_certificate',
  amber: 'amber',
  disabled: 'disabled',
} as const satisfies Record<keyof DigestSubscriptionPatch, string>;

export function sqliteDigests(db: Db): SyncRole<DigestStore> {
  const insert = db.prepare<SubscriptionRow>(`
    INSERT INTO digest_subscriptions (id, principal_id, schedule, attachments, zip_password_sealed, smime_certificate, amber, disabled,
                                      cursor_seq, pending_to_seq, last_slot_at, lease_owner, lease_until, last_error, created_at, updated_at)
    VALUES (@id, @principal_id, @schedule, @attachments, @zip_password_sealed, @smime_certificate, @amber, @disabled,
            @cursor_seq, @pending_to_seq, @last_slot_at, @lease_owner, @lease_until, @last_error, @created_at, @updated_at)`);
  const byId = db.prepare<[string], SubscriptionRow>('SELECT * FROM digest_subscriptions WHERE id = ?');
  const list = db.prepare<{ principal: string | null; schedule: string | null }, SubscriptionRow>(`
    SELECT * FROM digest_subscriptions
     WHERE (@principal IS NULL OR principal_id = @principal) AND (@schedule IS NULL OR schedule = @schedule)
     ORDER BY created_at, id`);
  const claim = db.prepare<{ id: string; owner: string; now: string; until: string; end: number }>(`
    UPDATE digest_subscriptions
       SET lease_owner = @owner, lease_until = @until, updated_at = @now,
           pending_to_seq = COALESCE(pending_to_seq, CASE WHEN @end > cursor_seq THEN @end END)
     WHERE id = @id AND disabled = 0 AND (lease_until IS NULL OR lease_until <= @now)`);
  const insertDelivery = db.prepare<DeliveryRow>(`
    INSERT OR IGNORE INTO digest_deliveries (id, subscription_id, from_seq, to_seq, message_id, sent_at, via)
    VALUES (@id, @subscription_id, @from_seq, @to_seq, @message_id, @sent_at, @via)`);
  const advance = db.prepare<{ id: string; from: number; to: number; now: string }>(`
    UPDATE digest_subscriptions SET cursor_seq = @to, pending_to_seq = NULL, updated_at = @now
     WHERE id = @id AND cursor_seq = @from`);
  const release = db.prepare<{ id: string; owner: string; now: string; slot: string | null; retry: string | null; clear: number; error: string | null }>(`
    UPDATE digest_subscriptions
       SET lease_owner = NULL, lease_until = @retry, updated_at = @now, last_error = @error,
           last_slot_at = CASE WHEN @slot IS NOT NULL AND (last_slot_at IS NULL OR last_slot_at < @slot) THEN @slot ELSE last_slot_at END,
           pending_to_seq = CASE WHEN @clear = 1 THEN NULL ELSE pending_to_seq END
     WHERE id = @id AND lease_owner = @owner`);
  const deliveryById = db.prepare<[string], DeliveryRow>('SELECT * FROM digest_deliveries WHERE id = ?');
  const deliveries = db.prepare<[string, number], DeliveryRow>(
    'SELECT * FROM digest_deliveries WHERE subscription_id = ? ORDER BY to_seq DESC, sent_at DESC LIMIT ?',
  );
  const deliveriesAfter = db.prepare<[string, number], DeliveryRow>('SELECT * FROM digest_deliveries WHERE id > ? ORDER BY id LIMIT ?');

  const get = (id: string) => {
    const r = byId.get(id);
    return r ? rowToSubscription(r) : null;
  };

  return {
    createDigestSubscription(sub: NewDigestSubscription) {
      const row: SubscriptionRow = {
        id: sub.id,
        principal_id: sub.principalId,
        schedule: sub.schedule,
        attachments: sub.attachments,
        zip_password_sealed: sub.zipPasswordSealed,
        smime_certificate: sub.smimeCertificate,
        amber: toFlag(sub.amber),
        disabled: toFlag(sub.disabled),
        cursor_seq: sub.cursorSeq,
        pending_to_seq: null,
        last_slot_at: null,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        created_at: sub.createdAt,
        updated_at: sub.createdAt,
      };
      insert.run(row);
      return rowToSubscription(row);
    },
    getDigestSubscription: get,
    listDigestSubscriptions(filter = {}) {
      return list.all({ principal: filter.principalId ?? null, schedule: filter.schedule ?? null }).map(rowToSubscription);
    },
    updateDigestSubscription(id, patch, now) {
      const fields = definedOnly(patch);
      const sets: string[] = [];
      const values: Record<string, unknown> = { id, now };
      for (const [key, value] of Object.entries(fields) as [keyof DigestSubscriptionPatch, unknown][]) {
        sets.push(`${SETTING_COLUMNS[key]} = @${key}`);
        values[key] = typeof value === 'boolean' ? toFlag(value) : value;
      }
      if (sets.length > 0) db.prepare(`UPDATE digest_subscriptions SET ${sets.join(', ')}, updated_at = @now WHERE id = @id`).run(values);
      return get(id);
    },
    claimDigestRun(c) {
      const changed = claim.run({ id: c.subscriptionId, owner: c.owner, now: c.now, until: c.leaseUntil, end: c.logEnd }).changes;
      return changed === 1 ? get(c.subscriptionId) : null;
    },
    recordDigestDelivery(d) {
      checkDeliveryRange(d);
      return inWriteTransaction(db, () => {
        insertDelivery.run({
          id: d.id,
          subscription_id: d.subscriptionId,
          from_seq: d.fromSeq,
          to_seq: d.toSeq,
          message_id: d.messageId,
          sent_at: d.sentAt,
          via: d.via,
        });
        const moved = advance.run({ id: d.subscriptionId, from: d.fromSeq, to: d.toSeq, now: d.sentAt }).changes === 1;
        return { advanced: moved };
      });
    },
    releaseDigestRun(r) {
      const changed = release.run({
        id: r.subscriptionId,
        owner: r.owner,
        now: r.now,
        slot: r.slotAt ?? null,
        retry: r.retryAt,
        clear: toFlag(r.clearPending),
        error: r.error,
      }).changes;
      return changed === 1;
    },
    getDigestDelivery(id) {
      const r = deliveryById.get(id);
      return r ? rowToDelivery(r) : null;
    },
    listDigestDeliveries(subscriptionId, limit) {
      return deliveries.all(subscriptionId, checkLimit(limit)).map(rowToDelivery);
    },
    listDigestDeliveriesAfter(afterId, limit) {
      return deliveriesAfter.all(afterId ?? '', checkLimit(limit)).map(rowToDelivery);
    },
  };
}
