// Digest subscriptions, their cursor and the deliveries in MongoDB. The cursor lives on the
// subscription document, so claiming a run and moving the cursor are single-document conditional
// updates. Without a transaction, recording a delivery is two idempotent steps: the delivery
// document first (keyed by its deterministic id), then the compare-and-set of the cursor. A crash
// between them leaves the delivery recorded and the range still pending; the next run finds the
// delivery of that range and completes the cursor without sending again (sharing/digests/run.ts).
import type { Db, Filter } from 'mongodb';
import type { DigestDelivery, DigestSubscription } from './port.ts';
import { isDuplicateKey } from './mongo-db.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { checkDeliveryRange, checkLimit, definedOnly } from './store-values.ts';
import type { DigestStore } from './ports/digests.ts';

export type DigestSubscriptionDoc = Omit<DigestSubscription, 'id'> & { _id: string };
export type DigestDeliveryDoc = Omit<DigestDelivery, 'id'> & { _id: string };

export function subscriptionToDoc({ id, ...rest }: DigestSubscription): DigestSubscriptionDoc {
  return { _id: id, ...rest };
}

export function deliveryToDoc({ id, ...rest }: DigestDelivery): DigestDeliveryDoc {
  return { _id: id, ...rest };
}

function docToSubscription({ _id, ...rest }: DigestSubscriptionDoc): DigestSubscription {
  return {
    id: _id,
    principalId: rest.principalId,
    schedule: rest.schedule,
    attachments: rest.attachments,
    zipPasswordSealed: rest.zipPasswordSealed,
    smimeCertificate: rest.smimeCertificate,
    amber: rest.amber,
    disabled: rest.disabled,
    cursorSeq: rest.cursorSeq,
    pendingToSeq: rest.pendingToSeq,
    lastSlotAt: rest.lastSlotAt,
    leaseOwner: rest.leaseOwner,
    leaseUntil: rest.leaseUntil,
    lastError: rest.lastError,
    createdAt: rest.createdAt,
    updatedAt: rest.updatedAt,
  };
}

function docToDelivery({ _id, ...rest }: DigestDeliveryDoc): DigestDelivery {
  return {
    id: _id,
    subscriptionId: rest.subscriptionId,
    fromSeq: rest.fromSeq,
    toSeq: rest.toSeq,
    messageId: rest.messageId,
    sentAt: rest.sentAt,
    via: rest.via,
  };
}

export function mongoDigests(db: Db): DigestStore {
  const subs = db.collection<DigestSubscriptionDoc>(COLLECTIONS.digestSubscriptions);
  const deliveries = db.collection<DigestDeliveryDoc>(COLLECTIONS.digestDeliveries);

  const get = async (id: string) => {
    const d = await subs.findOne({ _id: id });
    return d ? docToSubscription(d) : null;
  };

  return {
    async createDigestSubscription(sub) {
      const doc = subscriptionToDoc({
        ...sub,
        pendingToSeq: null,
        lastSlotAt: null,
        leaseOwner: null,
        leaseUntil: null,
        lastError: null,
        updatedAt: sub.createdAt,
      });
      await subs.insertOne(doc);
      return docToSubscription(doc);
    },
    getDigestSubscription: get,
    async listDigestSubscriptions(filter = {}) {
      const f: Filter<DigestSubscriptionDoc> = {
        ...(filter.principalId !== undefined ? { principalId: filter.principalId } : {}),
        ...(filter.schedule !== undefined ? { schedule: filter.schedule } : {}),
      };
      return (await subs.find(f).sort({ createdAt: 1, _id: 1 }).toArray()).map(docToSubscription);
    },
    async updateDigestSubscription(id, patch, now) {
      const fields = definedOnly(patch);
      if (Object.keys(fields).length === 0) return get(id);
      const d = await subs.findOneAndUpdate({ _id: id }, { $set: { ...fields, updatedAt: now } }, { returnDocument: 'after' });
      return d ? docToSubscription(d) : null;
    },
    async claimDigestRun(c) {
      const claimed = await subs.findOneAndUpdate(
        { _id: c.subscriptionId, disabled: false, $or: [{ leaseUntil: null }, { leaseUntil: { $lte: c.now } }] },
        { $set: { leaseOwner: c.owner, leaseUntil: c.leaseUntil, updatedAt: c.now } },
        { returnDocument: 'after' },
      );
      if (!claimed) return null;
      if (claimed.pendingToSeq !== null || c.logEnd <= claimed.cursorSeq) return docToSubscription(claimed);
      // The lease is ours: fixing the range is a second conditional update on the same document.
      const fixed = await subs.findOneAndUpdate(
        { _id: c.subscriptionId, leaseOwner: c.owner, pendingToSeq: null, cursorSeq: claimed.cursorSeq },
        { $set: { pendingToSeq: c.logEnd } },
        { returnDocument: 'after' },
      );
      return docToSubscription(fixed ?? claimed);
    },
    async recordDigestDelivery(d) {
      checkDeliveryRange(d);
      const { id, ...rest } = d;
      try {
        await deliveries.updateOne({ _id: id }, { $setOnInsert: rest }, { upsert: true });
      } catch (err) {
        // Two runs recorded the same delivery at once: the first record stays.
        if (!isDuplicateKey(err)) throw err;
      }
      const r = await subs.updateOne(
        { _id: d.subscriptionId, cursorSeq: d.fromSeq },
        { $set: { cursorSeq: d.toSeq, pendingToSeq: null, updatedAt: d.sentAt } },
      );
      return { advanced: r.modifiedCount === 1 };
    },
    async releaseDigestRun(r) {
      const res = await subs.updateOne(
        { _id: r.subscriptionId, leaseOwner: r.owner },
        {
          $set: { leaseOwner: null, leaseUntil: r.retryAt, updatedAt: r.now, lastError: r.error, ...(r.clearPending ? { pendingToSeq: null } : {}) },
          // ISO times sort as text, and null sorts before any string.
          ...(r.slotAt !== undefined ? { $max: { lastSlotAt: r.slotAt } } : {}),
        },
      );
      return res.matchedCount === 1;
    },
    async getDigestDelivery(id) {
      const d = await deliveries.findOne({ _id: id });
      return d ? docToDelivery(d) : null;
    },
    async listDigestDeliveries(subscriptionId, limit) {
      const docs = await deliveries.find({ subscriptionId }).sort({ toSeq: -1, sentAt: -1 }).limit(checkLimit(limit)).toArray();
      return docs.map(docToDelivery);
    },
    async listDigestDeliveriesAfter(afterId, limit) {
      const docs = await deliveries
        .find({ _id: { $gt: afterId ?? '' } })
        .sort({ _id: 1 })
        .limit(checkLimit(limit))
        .toArray();
      return docs.map(docToDelivery);
    },
  };
}
