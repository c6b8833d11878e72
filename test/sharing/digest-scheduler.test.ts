// The worker role's digest scheduler: polls, sends a subscription when its slot comes, and lets a
// run in progress finish on close.
import { expect } from 'chai';
import { startDigestScheduler } from '../../sharing/digests/scheduler.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { deliveryFixture } from './helpers/digest-delivery-env.ts';

describe('digest scheduler (worker role)', function () {
  this.timeout(30_000);
  const f = deliveryFixture();

  it('sends a due digest at its next poll and nothing more until the next slot', async function () {
    const id = await f.env.subscribe(f.env.readers.observer);
    const deps = f.env.deps(f.sink.mailerSettings(f.env.outbox));
    // Each run of the scheduler (a poll or a tick) starts by reading the publication log's end.
    let runs = 0;
    const store = new Proxy(deps.store, {
      get: (target, name, receiver) => {
        if (name === 'lastPublicationSeq') runs += 1;
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
    const scheduler = startDigestScheduler({ ...deps, store }, { pollMs: 20 });
    try {
      expect(await scheduler.tick()).to.deep.equal([]); // 10:00 in Tokyo: today's slot was before subscribing
      f.env.w.tick(23 * 3600); // past 09:00 the next day
      await f.sink.waitFor(1, 5000);
      // Runs are one at a time: once the third run after the send has started, two have completed.
      const sentAt = runs;
      await waitFor('three more polls after the send', () => runs >= sentAt + 3);
      expect(f.sink.messages).to.have.length(1);
      expect((await f.env.w.store.getDigestSubscription(id))!.lastSlotAt).to.equal('2026-03-03T00:00:00.000Z');
    } finally {
      await scheduler.close();
    }
  });
});
