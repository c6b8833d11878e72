// AMBER by e-mail: only when the channel policy enables it, only to a participant that opted in
// and registered a certificate, and then only S/MIME-encrypted to that certificate (opened here
// with the real `openssl smime`, as the recipient's tooling would).
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import { isC4Error } from '../../core/errors.ts';
import type { ChannelPolicy } from '../../sharing/digests/channels.ts';
import { runDigests } from '../../sharing/digests/run.ts';
import { createTestPki, opensslAvailable, type TestIdentity, type TestPki } from '../helpers/smime-certs.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { NARROW_TOKENS, VALUES, openDeliveryEnv, openDigest, type DeliveryEnv } from './helpers/digest-delivery-env.ts';

type Row = Record<string, string>;

describe('AMBER digests: S/MIME-encrypted, opt-in only', function () {
  this.timeout(60_000);
  let env: DeliveryEnv;
  let sink: SmtpSink;
  let pki: TestPki;
  let rail: TestIdentity;
  let amberByMail: ChannelPolicy;

  before(function () {
    if (!opensslAvailable()) throw new Error('the openssl CLI is required (Debian package openssl)');
    pki = createTestPki();
  });
  after(() => pki?.remove());

  beforeEach(async function () {
    // Real time: the test certificates are valid from now on.
    env = await openDeliveryEnv(Date.now());
    sink = await startSmtpSink();
    rail = pki.issue('rail-r', env.readers.participant.email);
    const base = env.deps(sink.mailerSettings(env.outbox)).channels;
    amberByMail = { ...base, email: { ...base.email, AMBER: 'encrypted' } };
  });
  afterEach(async function () {
    await sink?.close();
    await env?.cleanup();
  });

  it('sends the opted-in participant an encrypted digest with its AMBER items, and the observer none of them', async function () {
    await env.subscribe(env.readers.participant, { amber: true, smimeCertificate: rail.cert }, amberByMail);
    await env.subscribe(env.readers.observer, {}, amberByMail);
    // Threshold 1, so the sectors show which sources the figures count (sharing.minOrgsPerSector, threaded to digests).
    const outcomes = await runDigests(env.deps(sink.mailerSettings(env.outbox), { channels: amberByMail, viewRules: { minOrgsPerSector: 1 } }), {
      force: true,
    });
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['sent', 'sent']);
    const [toRail] = sink.messages.filter((m) => m.to.includes(env.readers.participant.email));
    const raw = toRail!.raw.toString('utf8');
    expect(toRail!.parsed.headers.get('content-type')).to.deep.include({ value: 'application/pkcs7-mime' });
    for (const token of NARROW_TOKENS) expect(raw).to.not.include(token);

    const inner = await simpleParser(pki.openssl(['smime', '-decrypt', '-recip', rail.certFile, '-inkey', rail.keyFile], toRail!.raw));
    const d = await openDigest(inner);
    expect(d.text).to.include('C⁴TAP:AMBER');
    expect(d.text).to.include('Amber Campaign Zeta');
    const rows = parse(d.csv, { columns: true, skip_empty_lines: true, bom: true }) as Row[];
    expect(rows.map((r) => r.value)).to.include(VALUES.amber);
    expect(rows.map((r) => r.value)).to.not.include(VALUES.red);
    // With AMBER carried, the figures count gas's AMBER source and sighting too.
    expect(rows.find((r) => r.value === VALUES.shared)).to.deep.include({ submissions: '2', sectors: 'sector-gasleak;water' });
    expect(rows.find((r) => r.value === VALUES.yellowUrl)).to.deep.include({ sightings: '5' });

    const [toObserver] = sink.messages.filter((m) => m.to.includes(env.readers.observer.email));
    const o = await openDigest(toObserver!.parsed);
    for (const token of NARROW_TOKENS) expect([toObserver!.raw.toString('utf8'), o.csv, o.text].join('\n')).to.not.include(token);
  });

  it('refuses an AMBER opt-in without a certificate, or while the channel policy keeps AMBER off e-mail', async function () {
    const refused = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isC4Error(err, 'VALIDATION_FAILED'), String(err)).to.equal(true);
      return (err as Error).message;
    };
    expect(await refused(env.subscribe(env.readers.participant, { amber: true }, amberByMail))).to.match(/certificate/);
    expect(await refused(env.subscribe(env.readers.participant, { amber: true, smimeCertificate: rail.cert }))).to.match(/does not send AMBER/);
    expect(await refused(env.subscribe(env.readers.observer, { amber: true, smimeCertificate: rail.cert }, amberByMail))).to.match(/no opt-in/);
    expect(await refused(env.subscribe(env.readers.participant, { smimeCertificate: 'not a certificate' }, amberByMail))).to.match(/no PEM certificate/);
    expect(await env.w.store.listDigestSubscriptions()).to.deep.equal([]);
  });

  it('leaves AMBER out once the policy turns it off again, though the subscription opted in', async function () {
    const id = await env.subscribe(env.readers.participant, { amber: true, smimeCertificate: rail.cert }, amberByMail);
    await runDigests(env.deps(sink.mailerSettings(env.outbox)), { force: true });
    const [msg] = await sink.waitFor(1);
    expect(msg!.parsed.headers.get('content-type')).to.not.deep.include({ value: 'application/pkcs7-mime' });
    const d = await openDigest(msg!.parsed);
    expect(d.csv).to.not.include(VALUES.amber);
    expect(d.text).to.include('C⁴TAP:YELLOW');
    expect((await env.w.store.getDigestSubscription(id))!.amber).to.equal(true);
  });
});
