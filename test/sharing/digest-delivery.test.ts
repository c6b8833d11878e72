// Digest delivery through a real SMTP relay (an smtp-server sink on loopback, STARTTLS): what each
// tier receives, that nothing RED or AMBER — no value, no campaign, no figure — reaches an e-mail
// digest, the cursor moving once per accepted message, schedules, and a relay refusing one
// recipient.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { isC4Error } from '../../core/errors.ts';
import type { Principal } from '../../core/types.ts';
import { runDigests, type SubscriptionOutcome } from '../../sharing/digests/run.ts';
import { deliveryId, digestMessageId } from '../../sharing/digests/delivery-id.ts';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../helpers/smtp-sink.ts';
import { NARROW_TOKENS, VALUES, YELLOW_CAMPAIGN, deliveryFixture, openDigest, type DeliveryEnv } from './helpers/digest-delivery-env.ts';
import { expectValidStix, requirePythonTools } from './helpers/stix-python.ts';

type Row = Record<string, string>;

const OBSERVER_VALUES = [VALUES.yellowUrl, VALUES.shared, VALUES.green, VALUES.white].sort();
const AFFILIATE_VALUES = [VALUES.green, VALUES.white].sort();

function messageTo(sink: SmtpSink, p: Principal): SinkMessage[] {
  return sink.messages.filter((m) => m.to.includes(p.email));
}

function kinds(outcomes: readonly SubscriptionOutcome[]): string[] {
  return outcomes.map((o) => o.kind).sort();
}

describe('digest delivery through an SMTP relay', function () {
  this.timeout(60_000);
  const f = deliveryFixture();

  async function subscribeAll(): Promise<Record<keyof DeliveryEnv['readers'], string>> {
    const r = f.env.readers;
    return {
      observer: await f.env.subscribe(r.observer),
      affiliate: await f.env.subscribe(r.affiliate),
      participant: await f.env.subscribe(r.participant),
      ownOrg: await f.env.subscribe(r.ownOrg),
    };
  }

  it('sends each tier the items it may read by e-mail, with banner, campaign and per-viewer figures, and nothing narrower', async function () {
    const subs = await subscribeAll();
    const outcomes = await runDigests(f.env.deps(f.sink.mailerSettings(f.env.outbox)), { force: true });
    expect(kinds(outcomes)).to.deep.equal(['sent', 'sent', 'sent', 'sent']);
    await f.sink.waitFor(4);
    const expected: [Principal, readonly string[], string][] = [
      [f.env.readers.observer, OBSERVER_VALUES, 'C⁴TAP:YELLOW'],
      [f.env.readers.participant, OBSERVER_VALUES, 'C⁴TAP:YELLOW'],
      [f.env.readers.ownOrg, OBSERVER_VALUES, 'C⁴TAP:YELLOW'],
      [f.env.readers.affiliate, AFFILIATE_VALUES, 'C⁴TAP:GREEN'],
    ];
    for (const [reader, values, banner] of expected) {
      const got = messageTo(f.sink, reader);
      expect(got, reader.name).to.have.length(1);
      const d = await openDigest(got[0]!.parsed);
      const rows = parse(d.csv, { columns: true, skip_empty_lines: true, bom: true }) as Row[];
      expect(rows.map((r) => r.value).sort(), reader.name).to.deep.equal([...values]);
      expect(d.text.split('\n').slice(0, 3).join('\n'), reader.name).to.include(banner);
      const everything = [got[0]!.raw.toString('utf8'), d.text, d.html, d.csv, JSON.stringify(d.stix)].join('\n');
      for (const token of NARROW_TOKENS) expect(everything, `${reader.name}: ${token}`).to.not.include(token);
      expect(everything, reader.name).to.not.include('Red Campaign');
      expect(d.text).to.not.include('https://'); // defanged body
      if (values.includes(VALUES.yellowUrl)) {
        expect(d.text, reader.name).to.include(YELLOW_CAMPAIGN);
        const shared = rows.find((r) => r.value === VALUES.shared)!;
        // The participant may read gas's AMBER source through the API, not in an e-mail digest. One
        // water source: only water's own reader sees its sector named (sharing.minOrgsPerSector).
        const sectors = reader.id === f.env.readers.ownOrg.id ? 'water' : 'withheld';
        expect(shared, reader.name).to.deep.include({ class: 'YELLOW', submissions: '1', sectors });
        expect(
          rows.find((r) => r.value === VALUES.yellowUrl),
          reader.name,
        ).to.deep.include({ sightings: '0' });
      }
      expect(
        rows.find((r) => r.value === VALUES.green),
        reader.name,
      ).to.deep.include({ sightings: '3', class: 'GREEN' });
    }
    // The Message-ID is the delivery's, as recorded with the cursor.
    const sub = (await f.env.w.store.getDigestSubscription(subs.observer))!;
    const id = deliveryId(subs.observer, { fromSeq: 0, toSeq: sub.cursorSeq });
    const msg = messageTo(f.sink, f.env.readers.observer)[0]!;
    expect(msg.parsed.messageId).to.equal(digestMessageId(id, 'c4tap.test'));
    expect(await f.env.w.store.getDigestDelivery(id)).to.deep.include({
      fromSeq: 0,
      toSeq: await f.env.w.store.lastPublicationSeq(),
      messageId: msg.parsed.messageId,
      via: 'relay',
    });
  });

  it('attaches STIX that passes the OASIS validator (needs the Python tools)', async function () {
    requirePythonTools(this);
    await subscribeAll();
    await runDigests(f.env.deps(f.sink.mailerSettings(f.env.outbox)), { force: true });
    const messages = await f.sink.waitFor(4);
    const bundles = await Promise.all(messages.map(async (m) => (await openDigest(m.parsed)).stix));
    for (const b of bundles) expect(b.objects.length).to.be.greaterThan(1);
    await expectValidStix(bundles);
  });

  it('sends nothing when nothing new was published, then only the new item', async function () {
    const subs = await subscribeAll();
    const deps = f.env.deps(f.sink.mailerSettings(f.env.outbox));
    await runDigests(deps, { force: true });
    await f.sink.waitFor(4);
    const before = (await f.env.w.store.getDigestSubscription(subs.observer))!.cursorSeq;
    expect(kinds(await runDigests(deps, { force: true }))).to.deep.equal(['nothing-new', 'nothing-new', 'nothing-new', 'nothing-new']);
    expect(f.sink.messages).to.have.length(4);
    expect((await f.env.w.store.getDigestSubscription(subs.observer))!.cursorSeq).to.equal(before);

    await f.env.publishYellow('s-yellow-2', [{ type: 'domain-name', value: 'fresh-lure.example', kind: 'network' }]);
    const outcomes = await runDigests(deps, { force: true });
    // The affiliate may not read YELLOW: nothing for it, and its cursor stays.
    expect(kinds(outcomes)).to.deep.equal(['nothing-new', 'sent', 'sent', 'sent']);
    await f.sink.waitFor(7);
    const second = messageTo(f.sink, f.env.readers.observer)[1]!;
    const rows = parse((await openDigest(second.parsed)).csv, { columns: true, skip_empty_lines: true, bom: true }) as Row[];
    expect(rows.map((r) => r.value)).to.deep.equal(['fresh-lure.example']);
    expect((await f.env.w.store.getDigestSubscription(subs.affiliate))!.cursorSeq).to.be.lessThan(await f.env.w.store.lastPublicationSeq());
  });

  it('runs a subscription when its schedule comes due (09:00 Asia/Tokyo), once per slot', async function () {
    // The world's clock starts at 10:00 in Tokyo, after today's slot.
    await f.env.subscribe(f.env.readers.observer);
    const deps = f.env.deps(f.sink.mailerSettings(f.env.outbox));
    expect(await runDigests(deps)).to.deep.equal([]);
    f.env.w.tick(22 * 3600); // 08:00 next day
    expect(await runDigests(deps)).to.deep.equal([]);
    f.env.w.tick(3600); // 09:00
    expect(kinds(await runDigests(deps))).to.deep.equal(['sent']);
    f.env.w.tick(3600);
    await f.env.publishYellow('s-yellow-3', [{ type: 'domain-name', value: 'later-lure.example', kind: 'network' }]);
    expect(await runDigests(deps)).to.deep.equal([]);
    expect(f.sink.messages).to.have.length(1);
  });

  it('keeps the cursor of a recipient the relay refuses (550), advances the others, and retries it later', async function () {
    await f.sink.close();
    f.sink = await startSmtpSink({ refuse: [f.env.readers.affiliate.email] });
    const subs = await subscribeAll();
    const deps = f.env.deps(f.sink.mailerSettings(f.env.outbox));
    const end = await f.env.w.store.lastPublicationSeq();
    const outcomes = await runDigests(deps, { force: true });
    const failed = outcomes.find((o) => o.kind === 'failed');
    expect(failed).to.deep.include({ subscriptionId: subs.affiliate, code: 'MAIL_RELAY_FAILED' });
    expect(outcomes.filter((o) => o.kind === 'sent')).to.have.length(3);
    expect(f.sink.messages).to.have.length(3);
    const aff = (await f.env.w.store.getDigestSubscription(subs.affiliate))!;
    expect(aff).to.deep.include({ cursorSeq: 0, lastError: 'MAIL_RELAY_FAILED', pendingToSeq: end, leaseOwner: null });
    for (const id of [subs.observer, subs.participant, subs.ownOrg]) expect((await f.env.w.store.getDigestSubscription(id))!.cursorSeq).to.equal(end);
    expect(await f.env.w.store.listDigestDeliveries(subs.affiliate, 5)).to.deep.equal([]);

    // Not before the retry time, even when forced; then through a relay that accepts it.
    expect((await runDigests(deps, { force: true })).find((o) => o.subscriptionId === subs.affiliate)).to.deep.include({ kind: 'waiting' });
    f.env.w.tick(31 * 60);
    const relay = await startSmtpSink();
    try {
      const retried = await runDigests(f.env.deps(relay.mailerSettings(f.env.outbox)), { force: true });
      expect(retried.find((o) => o.subscriptionId === subs.affiliate)).to.deep.include({ kind: 'sent', range: { fromSeq: 0, toSeq: end } });
      expect((await relay.waitFor(1)).map((m) => m.to)).to.deep.equal([[f.env.readers.affiliate.email]]);
      expect((await f.env.w.store.getDigestSubscription(subs.affiliate))!).to.deep.include({ cursorSeq: end, lastError: null });
    } finally {
      await relay.close();
    }
  });

  it('refuses to subscribe a principal without the reader role, an unknown schedule, or zip mode without a password', async function () {
    const expectRefusal = async (p: Promise<unknown>, code: string) => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isC4Error(err) && err.code, String(err)).to.equal(code);
    };
    await expectRefusal(f.env.subscribe(f.env.secretariat), 'FORBIDDEN');
    await expectRefusal(f.env.subscribe(f.env.readers.observer, { schedule: 'hourly' }), 'VALIDATION_FAILED');
    await expectRefusal(f.env.subscribe(f.env.readers.observer, { zipPassword: null }), 'VALIDATION_FAILED');
    await expectRefusal(f.env.subscribe(f.env.readers.observer, { amber: true }), 'VALIDATION_FAILED');
    expect(await f.env.w.store.listDigestSubscriptions()).to.deep.equal([]);
  });
});
