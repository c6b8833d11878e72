// Contract: digest subscriptions, the run lease, the cursor's compare-and-set and the deliveries.
import { expect } from 'chai';
import { isC4Error } from '../../core/errors.ts';
import type { DigestDelivery, DigestStore, DirectoryStore, NewDigestSubscription } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, rejection, seedSubmitter, type Submitter } from './store-fixtures.ts';

function subscription(id: string, principalId: string, overrides: Partial<NewDigestSubscription> = {}): NewDigestSubscription {
  return {
    id,
    principalId,
    schedule: 'daily',
    attachments: 'zip',
    zipPasswordSealed: 'v1:iv:tag:ct',
    smimeCertificate: null,
    amber: false,
    disabled: false,
    cursorSeq: 0,
    createdAt: at(0),
    ...overrides,
  };
}

function delivery(subscriptionId: string, fromSeq: number, toSeq: number, overrides: Partial<DigestDelivery> = {}): DigestDelivery {
  return {
    id: `${subscriptionId}:${fromSeq}-${toSeq}`,
    subscriptionId,
    fromSeq,
    toSeq,
    messageId: `<digest.${fromSeq}.${toSeq}@c4tap.example>`,
    sentAt: at(100),
    via: 'relay',
    ...overrides,
  };
}

export function digestContract(store: StoreRef<DirectoryStore & DigestStore>): void {
  describe('digest subscriptions, cursors and deliveries', function () {
    let who: Submitter;
    beforeEach(async function () {
      who = await seedSubmitter(store(), 'org1');
    });

    it('keeps a subscription with its settings, lists it by principal and schedule, and updates its settings', async function () {
      const created = await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 7 }));
      expect(created).to.deep.include({
        id: 'ds1',
        schedule: 'daily',
        attachments: 'zip',
        cursorSeq: 7,
        pendingToSeq: null,
        lastSlotAt: null,
        leaseOwner: null,
        lastError: null,
        updatedAt: at(0),
      });
      await store().createDigestSubscription(subscription('ds2', who.principal.id, { schedule: 'weekly', createdAt: at(1) }));
      expect(await store().getDigestSubscription('ds1')).to.deep.equal(created);
      expect((await store().listDigestSubscriptions()).map((s) => s.id)).to.deep.equal(['ds1', 'ds2']);
      expect((await store().listDigestSubscriptions({ schedule: 'weekly' })).map((s) => s.id)).to.deep.equal(['ds2']);
      expect(await store().listDigestSubscriptions({ principalId: 'nobody' })).to.deep.equal([]);
      const updated = await store().updateDigestSubscription(
        'ds1',
        { attachments: 'link', zipPasswordSealed: null, amber: true, smimeCertificate: 'PEM' },
        at(5),
      );
      expect(updated).to.deep.include({
        attachments: 'link',
        zipPasswordSealed: null,
        amber: true,
        smimeCertificate: 'PEM',
        disabled: false,
        cursorSeq: 7,
        updatedAt: at(5),
      });
      expect(await store().updateDigestSubscription('unknown', { disabled: true }, at(5))).to.equal(null);
      expect(await store().getDigestSubscription('unknown')).to.equal(null);
    });

    it('refuses a second subscription of one principal on the same schedule with CONFLICT', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id));
      const err = await rejection(store().createDigestSubscription(subscription('ds2', who.principal.id)));
      expect(isC4Error(err, 'CONFLICT')).to.equal(true);
    });

    it('leases a run to one claimer at a time, fixing the pending range at the log end', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 3 }));
      const claims = await Promise.all(
        ['w1', 'w2', 'w3'].map((owner) => store().claimDigestRun({ subscriptionId: 'ds1', owner, now: at(10), leaseUntil: at(70), logEnd: 9 })),
      );
      const won = claims.filter((c) => c !== null);
      expect(won).to.have.length(1);
      expect(won[0]).to.deep.include({ cursorSeq: 3, pendingToSeq: 9, leaseUntil: at(70) });
      expect(await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w9', now: at(69), leaseUntil: at(130), logEnd: 9 })).to.equal(null);
      // The lease ended: another run takes over the same pending range, whatever the log end now.
      const again = await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w9', now: at(70), leaseUntil: at(130), logEnd: 15 });
      expect(again).to.deep.include({ leaseOwner: 'w9', pendingToSeq: 9 });
    });

    it('fixes no pending range when the log has nothing past the cursor', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 5 }));
      const c = await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(10), leaseUntil: at(70), logEnd: 5 });
      expect(c).to.deep.include({ pendingToSeq: null, leaseOwner: 'w1' });
    });

    it('does not lease a disabled or unknown subscription', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { disabled: true }));
      expect(await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(10), leaseUntil: at(70), logEnd: 5 })).to.equal(null);
      expect(await store().claimDigestRun({ subscriptionId: 'nope', owner: 'w1', now: at(10), leaseUntil: at(70), logEnd: 5 })).to.equal(null);
    });

    it('moves the cursor once per delivered range and records the delivery in the same step', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 3 }));
      await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(10), leaseUntil: at(70), logEnd: 9 });
      const d = delivery('ds1', 3, 9);
      expect(await store().recordDigestDelivery(d)).to.deep.equal({ advanced: true });
      expect(await store().getDigestSubscription('ds1')).to.deep.include({ cursorSeq: 9, pendingToSeq: null });
      expect(await store().getDigestDelivery(d.id)).to.deep.equal(d);
      // A retry of the same step neither moves the cursor again nor records a second delivery.
      expect(await store().recordDigestDelivery({ ...d, sentAt: at(200), via: 'other' })).to.deep.equal({ advanced: false });
      expect(await store().getDigestDelivery(d.id)).to.deep.equal(d);
      expect(await store().listDigestDeliveries('ds1', 10)).to.deep.equal([d]);
    });

    it('leaves the cursor where it is when it is not at the delivery’s fromSeq (compare-and-set)', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 5 }));
      const stale = delivery('ds1', 3, 9);
      expect(await store().recordDigestDelivery(stale)).to.deep.equal({ advanced: false });
      expect((await store().getDigestSubscription('ds1'))!.cursorSeq).to.equal(5);
      // What the relay accepted is still on record.
      expect(await store().getDigestDelivery(stale.id)).to.deep.equal(stale);
    });

    it('refuses an empty or reversed delivery range with VALIDATION_FAILED', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 5 }));
      for (const [from, to] of [
        [5, 5],
        [6, 5],
        [-1, 2],
      ] as const) {
        const err = await rejection(store().recordDigestDelivery(delivery('ds1', from, to)));
        expect(isC4Error(err, 'VALIDATION_FAILED'), `${from}..${to}`).to.equal(true);
      }
      expect((await store().getDigestSubscription('ds1'))!.cursorSeq).to.equal(5);
    });

    it('ends a run only for the lease holder: keeps the latest slot, the retry time, the error and the pending range as asked', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 3 }));
      await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(10), leaseUntil: at(70), logEnd: 9 });
      expect(await store().releaseDigestRun({ subscriptionId: 'ds1', owner: 'w2', now: at(11), retryAt: null, clearPending: true, error: null })).to.equal(
        false,
      );
      // A failed run: the range stays pending, no claim before the retry time.
      expect(
        await store().releaseDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(12), retryAt: at(600), clearPending: false, error: 'STORE_UNAVAILABLE' }),
      ).to.equal(true);
      expect(await store().getDigestSubscription('ds1')).to.deep.include({
        leaseOwner: null,
        leaseUntil: at(600),
        pendingToSeq: 9,
        lastError: 'STORE_UNAVAILABLE',
        lastSlotAt: null,
      });
      expect(await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(599), leaseUntil: at(700), logEnd: 9 })).to.equal(null);
      expect(await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(600), leaseUntil: at(700), logEnd: 12 })).to.deep.include({
        pendingToSeq: 9,
      });
      // Nothing for this reader in the range: the range is forgotten, the slot counted as handled.
      expect(
        await store().releaseDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(601), slotAt: at(500), retryAt: null, clearPending: true, error: null }),
      ).to.equal(true);
      expect(await store().getDigestSubscription('ds1')).to.deep.include({
        pendingToSeq: null,
        lastSlotAt: at(500),
        lastError: null,
        cursorSeq: 3,
        leaseUntil: null,
      });
      // An older slot never moves lastSlotAt back.
      await store().claimDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(602), leaseUntil: at(700), logEnd: 12 });
      await store().releaseDigestRun({ subscriptionId: 'ds1', owner: 'w1', now: at(603), slotAt: at(400), retryAt: null, clearPending: true, error: null });
      expect((await store().getDigestSubscription('ds1'))!.lastSlotAt).to.equal(at(500));
    });

    it('lists deliveries newest first, up to the limit', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 0 }));
      await store().recordDigestDelivery(delivery('ds1', 0, 4, { sentAt: at(10) }));
      await store().recordDigestDelivery(delivery('ds1', 4, 6, { sentAt: at(20) }));
      await store().recordDigestDelivery(delivery('ds1', 6, 11, { sentAt: at(30) }));
      expect((await store().listDigestDeliveries('ds1', 2)).map((d) => d.toSeq)).to.deep.equal([11, 6]);
      expect((await store().getDigestSubscription('ds1'))!.cursorSeq).to.equal(11);
      expect(await store().listDigestDeliveries('other', 5)).to.deep.equal([]);
    });

    it('lists the deliveries of every subscription in id order, page by page (export)', async function () {
      await store().createDigestSubscription(subscription('ds1', who.principal.id, { cursorSeq: 0 }));
      await store().createDigestSubscription(subscription('ds2', who.principal.id, { schedule: 'weekly', cursorSeq: 2 }));
      const recorded = [
        delivery('ds2', 2, 5),
        delivery('ds1', 0, 4),
        delivery('ds1', 4, 6, { via: 'outbox/x.eml' }),
        delivery('ds2', 5, 9),
        delivery('ds1', 6, 7),
      ];
      for (const d of recorded) await store().recordDigestDelivery(d);
      const seen: DigestDelivery[] = [];
      for (let after: string | null = null; ;) {
        const page: readonly DigestDelivery[] = await store().listDigestDeliveriesAfter(after, 2);
        if (page.length === 0) break;
        expect(page.length).to.be.at.most(2);
        seen.push(...page);
        after = page[page.length - 1]!.id;
      }
      expect(seen).to.deep.equal([...recorded].sort((a, b) => (a.id < b.id ? -1 : 1)));
    });
  });
}
