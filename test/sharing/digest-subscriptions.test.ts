// Subscriptions over their life: the zip password stored sealed, subscribing again, unsubscribing,
// a subscriber that lost its reader role, and a run finding its delivery already recorded (the
// MongoDB adapter's crash between the delivery record and the cursor write).
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { openZipPassword } from '../../sharing/digests/recipient.ts';
import { runDigests } from '../../sharing/digests/run.ts';
import { unsubscribe } from '../../sharing/digests/subscriptions.ts';
import { ZIP_PASSWORD, deliveryFixture, sealKey } from './helpers/digest-delivery-env.ts';

describe('digest subscriptions', function () {
  this.timeout(30_000);
  const f = deliveryFixture();

  it('keeps the zip password sealed: not in the store as text, and opening only for its own subscription', async function () {
    const id = await f.env.subscribe(f.env.readers.observer);
    const other = await f.env.subscribe(f.env.readers.affiliate, { zipPassword: 'another-password' });
    const sub = (await f.env.w.store.getDigestSubscription(id))!;
    expect(sub.zipPasswordSealed).to.be.a('string').and.not.include(ZIP_PASSWORD);
    expect(openZipPassword(sealKey, sub)).to.equal(ZIP_PASSWORD);
    // Copied onto another subscription, or opened with another key, it does not open.
    expect(openZipPassword(sealKey, { id: other, zipPasswordSealed: sub.zipPasswordSealed })).to.equal(null);
    expect(openZipPassword(Buffer.alloc(32, 1), sub)).to.equal(null);
  });

  it('updates the settings when subscribing again on a schedule, keeping the cursor; a disabled subscription gets nothing', async function () {
    const id = await f.env.subscribe(f.env.readers.observer);
    await runDigests(f.env.deps(f.sink.mailerSettings(f.env.outbox)), { force: true });
    const cursor = (await f.env.w.store.getDigestSubscription(id))!.cursorSeq;
    expect(cursor).to.be.greaterThan(0);
    expect(await f.env.subscribe(f.env.readers.observer, { attachments: 'none', zipPassword: null, fromSeq: 0 })).to.equal(id);
    expect(await f.env.w.store.getDigestSubscription(id)).to.deep.include({ attachments: 'none', zipPasswordSealed: null, cursorSeq: cursor });

    expect((await unsubscribe(f.env.w, f.env.readers.observer.id)).map((s) => s.id)).to.deep.equal([id]);
    await f.env.publishYellow('s-new', [{ type: 'domain-name', value: 'after-unsubscribe.example', kind: 'network' }]);
    expect(await runDigests(f.env.deps(f.sink.mailerSettings(f.env.outbox)), { force: true })).to.deep.equal([]);
    expect(f.sink.messages).to.have.length(1);
  });

  it('stops sending to a principal that lost its reader role, keeping its cursor, with FORBIDDEN', async function () {
    const id = await f.env.subscribe(f.env.readers.observer);
    await f.env.w.store.updatePrincipal(f.env.readers.observer.id, { roles: ['submitter'] });
    const [outcome] = await runDigests(f.env.deps(f.sink.mailerSettings(f.env.outbox)), { force: true });
    expect(outcome).to.deep.include({ kind: 'failed', code: 'FORBIDDEN' });
    expect(await f.env.w.store.getDigestSubscription(id)).to.deep.include({ cursorSeq: 0, lastError: 'FORBIDDEN' });
    expect(f.sink.messages).to.have.length(0);
  });

  it('completes a delivery recorded before a crash kept the cursor from moving, sending nothing again', async function () {
    const id = await f.env.subscribe(f.env.readers.observer);
    const deps = f.env.deps(f.sink.mailerSettings(f.env.outbox));
    await runDigests(deps, { force: true });
    const end = (await f.env.w.store.getDigestSubscription(id))!.cursorSeq;
    // The state a crash between the two writes of the MongoDB adapter leaves: delivery recorded,
    // cursor and pending range as they were.
    const db = new Database(f.env.w.temp.file);
    db.prepare('UPDATE digest_subscriptions SET cursor_seq = 0, pending_to_seq = ? WHERE id = ?').run(end, id);
    db.close();
    const [outcome] = await runDigests(deps, { force: true });
    expect(outcome).to.deep.include({ kind: 'completed', range: { fromSeq: 0, toSeq: end } });
    expect(await f.env.w.store.getDigestSubscription(id)).to.deep.include({ cursorSeq: end, pendingToSeq: null });
    expect(f.sink.messages).to.have.length(1);
  });
});
