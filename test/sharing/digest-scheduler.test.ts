// The worker role's digest scheduler: polls, sends a subscription when its slot comes, and lets a
// run in progress finish on close.
import { expect } from 'chai';
import { startDigestScheduler } from '../../sharing/digests/scheduler.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { openDeliveryEnv, type DeliveryEnv } from './helpers/digest-delivery-env.ts';

describe('digest scheduler (worker role)', function () {
  this.timeout(30_000);
  let env: DeliveryEnv;
  let sink: SmtpSink;

  beforeEach(async function () {
    env = await openDeliveryEnv();
    sink = await startSmtpSink();
  });
  afterEach(async function () {
    await sink?.close();
    await env?.cleanup();
  });

  it('sends a due digest at its next poll and nothing more until the next slot', async function () {
    const id = await env.subscribe(env.readers.observer);
    const scheduler = startDigestScheduler(env.deps(sink.mailerSettings(env.outbox)), { pollMs: 20 });
    try {
      expect(await scheduler.tick()).to.deep.equal([]); // 10:00 in Tokyo: today's slot was before subscribing
      env.w.tick(23 * 3600); // past 09:00 the next day
      await sink.waitFor(1, 5000);
      await new Promise((r) => setTimeout(r, 100)); // several more polls
      expect(sink.messages).to.have.length(1);
      expect((await env.w.store.getDigestSubscription(id))!.lastSlotAt).to.equal('2026-03-03T00:00:00.000Z');
    } finally {
      await scheduler.close();
    }
  });
});
