// The worker role's digest scheduler: polls, sends a subscription when its slot comes, and lets a
// run in progress finish on close.
import { expect } from 'chai';
import { startDigestScheduler } from '../../sharing/digests/scheduler.ts';
import { deliveryFixture } from './helpers/digest-delivery-env.ts';

describe('digest scheduler (worker role)', function () {
  this.timeout(30_000);
  const f = deliveryFixture();

  it('sends a due digest at its next poll and nothing more until the next slot', async function () {
    const id = await f.env.subscribe(f.env.readers.observer);
    const scheduler = startDigestScheduler(f.env.deps(f.sink.mailerSettings(f.env.outbox)), { pollMs: 20 });
    try {
      expect(await scheduler.tick()).to.deep.equal([]); // 10:00 in Tokyo: today's slot was before subscribing
      f.env.w.tick(23 * 3600); // past 09:00 the next day
      await f.sink.waitFor(1, 5000);
      await new Promise((r) => setTimeout(r, 100)); // several more polls
      expect(f.sink.messages).to.have.length(1);
      expect((await f.env.w.store.getDigestSubscription(id))!.lastSlotAt).to.equal('2026-03-03T00:00:00.000Z');
    } finally {
      await scheduler.close();
    }
  });
});
