// The ClamAV client: infected(name), clean, or not-scanned — never clean when the scan did not
// happen — over kept-open clamd sessions. Fake clamd peers cover the failures a real one rarely
// shows on demand; the suites marked "(needs clamd)" run against the test clamd of
// .ci/clamd/start.sh (through a relay that counts and drops connections) and a private one that
// the test kills.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { createAvScanner } from '../../analysis/engines/clamav.ts';
import { avOutcomeFromClamd } from '../../analysis/engines/clamd-reply.ts';
import type { AvScanner } from '../../analysis/types.ts';
import { buildZip } from './helpers/file-builders.ts';
import {
  clamdInstalled,
  sharedTestClamd,
  skipUnlessPresent,
  startClamdRelay,
  startFakeClamd,
  startPrivateClamd,
  type ClamdRelay,
  type FakeClamd,
  type PrivateClamd,
  type TestClamd,
} from './helpers/engines-clamd.ts';

const log = createLogger({ level: 'silent' });
// Built from two halves so this source file is not itself the EICAR test file.
const EICAR = Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');
const MARKER = Buffer.from('quarterly report C4TAP-CLAMD-TEST-MARKER-3e1f0b end', 'latin1');

function clamdConfig(clamd: Partial<Config['clamd']>): Config['clamd'] {
  return loadConfig({ env: {}, overrides: { clamd } }).clamd;
}

/** Scanners made by a test, closed after it. */
const opened: AvScanner[] = [];
afterEach(async () => {
  for (const av of opened.splice(0)) await av.close?.();
});

function scanner(clamd: Partial<Config['clamd']>): AvScanner {
  const av = createAvScanner(clamdConfig(clamd), log);
  if (!av) throw new Error('expected a configured scanner');
  opened.push(av);
  return av;
}

describe('ClamAV client (analysis/engines/clamav.ts)', () => {
  let fake: FakeClamd | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it('is null when neither a socket nor a host is configured, so the system says "AV not configured"', () => {
    expect(createAvScanner(clamdConfig({}), log)).to.equal(null);
    expect(createAvScanner(clamdConfig({ port: 3310 }), log)).to.equal(null);
  });

  it('never sends an empty file: not-scanned, not to be retried', async () => {
    fake = await startFakeClamd({ kind: 'reply', text: 'stream: OK' });
    const av = scanner({ host: '127.0.0.1', port: fake.port });
    expect(await av.scan(Buffer.alloc(0))).to.deep.equal({
      kind: 'not-scanned',
      reason: 'empty file: nothing to scan (never sent to clamd)',
      transient: false,
    });
    expect(fake.connections()).to.equal(0);
  });

  it('does not send a file over clamd.maxStreamBytes and never calls it clean', async () => {
    fake = await startFakeClamd({ kind: 'reply', text: 'stream: OK' });
    const av = scanner({ host: '127.0.0.1', port: fake.port, maxStreamBytes: 1000 });
    expect(await av.scan(Buffer.alloc(1000, 1))).to.deep.equal({ kind: 'clean' });
    expect(await av.scan(Buffer.alloc(1001, 1))).to.deep.equal({
      kind: 'not-scanned',
      reason: 'file of 1001 bytes is over clamd.maxStreamBytes (1000): not sent to clamd',
      transient: false,
      code: 'CLAMAV_STREAM_TOO_LARGE',
    });
    expect(fake.requests()).to.equal(1);
  });

  it('reads FOUND and OK replies over TCP', async () => {
    fake = await startFakeClamd({ kind: 'reply', text: 'stream: Win.Trojan.Agent-123 FOUND' });
    expect(await scanner({ host: '127.0.0.1', port: fake.port }).scan(MARKER)).to.deep.equal({ kind: 'infected', name: 'Win.Trojan.Agent-123' });
  });

  it('is not-scanned and transient when clamd cannot be reached', async () => {
    const av = scanner({ socket: path.join(tmpdir(), `c4tap-no-clamd-${process.pid}.sock`) });
    const outcome = await av.scan(MARKER);
    expect(outcome).to.deep.include({ kind: 'not-scanned', transient: true, code: 'CLAMAV_UNAVAILABLE' });
    expect((outcome as { reason: string }).reason).to.match(/unavailable: connect ENOENT/);
  });

  it('is not-scanned and transient at its deadline when clamd never answers', async () => {
    fake = await startFakeClamd({ kind: 'silent' });
    const av = scanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 300 });
    const started = Date.now();
    expect(await av.scan(MARKER)).to.deep.equal({
      kind: 'not-scanned',
      reason: `clamd at 127.0.0.1:${fake.port} did not answer within 300 ms`,
      transient: true,
      code: 'CLAMAV_UNAVAILABLE',
    });
    expect(Date.now() - started).to.be.within(250, 1500);
  });

  it('is not-scanned and transient when clamd resets the connection mid-stream', async () => {
    fake = await startFakeClamd({ kind: 'reset-after-bytes', bytes: 100_000 });
    const outcome = await scanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 5000 }).scan(Buffer.alloc(4 * 1024 * 1024, 7));
    expect(outcome).to.deep.include({ kind: 'not-scanned', transient: true, code: 'CLAMAV_UNAVAILABLE' });
  });

  it("reads clamd's size-limit refusal as CLAMAV_STREAM_TOO_LARGE even when the connection's reset overtook it", async () => {
    fake = await startFakeClamd({ kind: 'stream-limit-reply-lost', bytes: 1024 * 1024 });
    const av = scanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 5000, maxStreamBytes: 8 * 1024 * 1024 });
    expect(await av.scan(Buffer.alloc(3 * 1024 * 1024, 7))).to.deep.include({ kind: 'not-scanned', transient: false, code: 'CLAMAV_STREAM_TOO_LARGE' });
  });

  it('is not-scanned and transient when the reply is not a verdict', async () => {
    fake = await startFakeClamd({ kind: 'reply', text: 'hello there' });
    expect(await scanner({ host: '127.0.0.1', port: fake.port }).scan(MARKER)).to.deep.equal({
      kind: 'not-scanned',
      reason: 'clamd gave no verdict: hello there',
      transient: true,
      code: 'CLAMAV_UNAVAILABLE',
    });
  });

  it('keeps one connection open for many scans and reports each verdict', async () => {
    fake = await startFakeClamd({ kind: 'reply', text: 'stream: Win.Trojan.Agent-123 FOUND' });
    const av = scanner({ host: '127.0.0.1', port: fake.port });
    for (let i = 0; i < 20; i++) expect(await av.scan(Buffer.from(`sample ${i}`))).to.deep.equal({ kind: 'infected', name: 'Win.Trojan.Agent-123' });
    expect(fake.requests()).to.equal(20);
    expect(fake.connections()).to.equal(1);
  });

  it('opens a new connection when clamd has ended the kept-open session, and still gives the verdict', async () => {
    fake = await startFakeClamd({ kind: 'reply', text: 'stream: OK', closeAfterReply: true });
    const av = scanner({ host: '127.0.0.1', port: fake.port });
    for (let i = 0; i < 3; i++) expect(await av.scan(Buffer.from(`sample ${i}`))).to.deep.equal({ kind: 'clean' });
    expect(fake.connections()).to.equal(3);
  });

  it('reads a size-limit refusal as CLAMAV_STREAM_TOO_LARGE, not to be retried, and drops that session', async () => {
    fake = await startFakeClamd({ kind: 'reply', text: 'INSTREAM size limit exceeded. ERROR' });
    const av = scanner({ host: '127.0.0.1', port: fake.port });
    const expected = {
      kind: 'not-scanned',
      reason: 'clamd refused the stream as over its StreamMaxLength: set clamd.maxStreamBytes below it',
      transient: false,
      code: 'CLAMAV_STREAM_TOO_LARGE',
    };
    expect(await av.scan(MARKER)).to.deep.equal(expected);
    expect(await av.scan(MARKER)).to.deep.equal(expected);
    expect(fake.connections()).to.equal(2);
  });

  it('resolves once: a failure after the deadline changes nothing and is no unhandled rejection', async () => {
    fake = await startFakeClamd({ kind: 'reset-after-ms', ms: 400 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const outcome = await scanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 150 }).scan(MARKER);
      expect(outcome).to.deep.include({ kind: 'not-scanned', transient: true });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('clamd replies as outcomes (analysis/engines/clamd-reply.ts)', () => {
  it('is clean only for OK', () => {
    expect(avOutcomeFromClamd('stream: OK')).to.deep.equal({ kind: 'clean' });
    expect(avOutcomeFromClamd('stream: OK\0')).to.deep.equal({ kind: 'clean' });
    expect(avOutcomeFromClamd('COMMAND READ TIMED OUT')).to.deep.equal({
      kind: 'not-scanned',
      reason: 'clamd gave no verdict: COMMAND READ TIMED OUT',
      transient: true,
      code: 'CLAMAV_UNAVAILABLE',
    });
    expect(avOutcomeFromClamd("stream: Can't allocate memory ERROR")).to.deep.include({ kind: 'not-scanned', transient: true });
    expect(avOutcomeFromClamd('')).to.deep.include({ kind: 'not-scanned', reason: 'clamd gave no verdict: empty reply' });
  });

  it('records limit and encryption alerts as not examined, and real detections as infected', () => {
    expect(avOutcomeFromClamd('stream: Heuristics.Encrypted.Zip FOUND')).to.deep.equal({
      kind: 'not-scanned',
      reason: 'clamd could not examine the content: Heuristics.Encrypted.Zip',
      transient: false,
    });
    expect(avOutcomeFromClamd('stream: Heuristics.Limits.Exceeded.MaxScanSize FOUND')).to.include({ kind: 'not-scanned', transient: false });
    expect(avOutcomeFromClamd('stream: Doc.Dropper.Agent-1 FOUND')).to.deep.equal({ kind: 'infected', name: 'Doc.Dropper.Agent-1' });
    expect(avOutcomeFromClamd('stream: Heuristics.Phishing.Email.SpoofedDomain FOUND')).to.deep.equal({
      kind: 'infected',
      name: 'Heuristics.Phishing.Email.SpoofedDomain',
    });
  });

  it('reads a size-limit refusal as CLAMAV_STREAM_TOO_LARGE, never as clean', () => {
    expect(avOutcomeFromClamd('INSTREAM size limit exceeded. ERROR')).to.deep.include({
      kind: 'not-scanned',
      transient: false,
      code: 'CLAMAV_STREAM_TOO_LARGE',
    });
  });
});

describe('ClamAV client against the test clamd (needs clamd)', () => {
  let clamd: TestClamd;
  before(async function () {
    const found = await sharedTestClamd();
    skipUnlessPresent(this, found !== null, 'the test clamd');
    clamd = found!;
  });

  for (const transport of ['unix socket', 'TCP'] as const) {
    const av = () => scanner(transport === 'unix socket' ? { socket: clamd.socket } : { host: clamd.host, port: clamd.port });

    it(`finds EICAR and names it (${transport})`, async () => {
      const outcome = await av().scan(EICAR);
      expect(outcome.kind).to.equal('infected');
      expect((outcome as { name: string }).name).to.match(/^C4TAP\.Test\.EICAR/);
    });

    it(`finds the test .ndb signature in a file (${transport})`, async () => {
      const outcome = await av().scan(MARKER);
      expect(outcome.kind).to.equal('infected');
      expect((outcome as { name: string }).name).to.match(/^C4TAP\.Test\.Marker/);
    });

    it(`says clean for a clean file (${transport})`, async () => {
      expect(await av().scan(Buffer.from('Dear colleague, the minutes of the meeting are attached.'))).to.deep.equal({ kind: 'clean' });
    });
  }

  it('honours signature offsets: a header marker counts at offset 0 only', async () => {
    const av = scanner({ socket: clamd.socket });
    expect(await av.scan(Buffer.from('C4TAP-HEADER-MARKER and more'))).to.have.property('kind', 'infected');
    expect(await av.scan(Buffer.from('xx C4TAP-HEADER-MARKER and more'))).to.deep.equal({ kind: 'clean' });
  });

  it('never reports an encrypted zip as clean (AlertEncrypted)', async () => {
    const zip = await buildZip([{ name: 'invoice.txt', content: EICAR }], { password: 'infected', encryption: 'zipcrypto' });
    expect(await scanner({ socket: clamd.socket }).scan(zip)).to.deep.equal({
      kind: 'not-scanned',
      reason: 'clamd could not examine the content: Heuristics.Encrypted.Zip',
      transient: false,
    });
  });

  it('finds EICAR inside a plain zip', async () => {
    const zip = await buildZip([{ name: 'eicar.com', content: EICAR }]);
    expect(await scanner({ socket: clamd.socket }).scan(zip)).to.have.property('kind', 'infected');
  });

  describe('kept-open sessions, through a relay that counts connections', () => {
    let relay: ClamdRelay;
    beforeEach(async () => {
      relay = await startClamdRelay({ host: clamd.host, port: clamd.port });
    });
    afterEach(async () => {
      await relay.close();
    });

    /** 50 samples: every third EICAR, every third the .ndb marker, the rest clean, each unique. */
    const samples = Array.from({ length: 50 }, (_, i) => ({
      content: i % 3 === 0 ? EICAR : Buffer.from(`sample ${i}: ${i % 3 === 1 ? MARKER.toString('latin1') : 'minutes of the meeting'}`, 'latin1'),
      expected: i % 3 === 0 ? /^C4TAP\.Test\.EICAR/ : i % 3 === 1 ? /^C4TAP\.Test\.Marker/ : null,
    }));
    function check(outcome: Awaited<ReturnType<AvScanner['scan']>>, expected: RegExp | null, i: number): void {
      if (expected === null) expect(outcome, `sample ${i}`).to.deep.equal({ kind: 'clean' });
      else {
        expect(outcome.kind, `sample ${i}`).to.equal('infected');
        expect((outcome as { name: string }).name, `sample ${i}`).to.match(expected);
      }
    }

    it('scans 50 samples over one clamd session and reports each verdict', async () => {
      const av = scanner({ host: '127.0.0.1', port: relay.port });
      for (const [i, s] of samples.entries()) check(await av.scan(s.content), s.expected, i);
      expect(relay.connections()).to.equal(1);
    });

    it('scans samples given at once over separate sessions without mixing up their verdicts', async () => {
      const av = scanner({ host: '127.0.0.1', port: relay.port });
      const outcomes = await Promise.all(samples.map((s) => av.scan(s.content)));
      outcomes.forEach((o, i) => check(o, samples[i]!.expected, i));
      expect(relay.connections()).to.be.within(2, 50);
      // the sessions opened for the burst are kept (a few of them) and reused
      const before = relay.connections();
      for (const [i, s] of samples.slice(0, 10).entries()) check(await av.scan(s.content), s.expected, i);
      expect(relay.connections()).to.equal(before);
    });

    it('carries on over a new connection when clamd drops the kept-open session', async () => {
      const av = scanner({ host: '127.0.0.1', port: relay.port });
      expect(await av.scan(Buffer.from('before the drop'))).to.deep.equal({ kind: 'clean' });
      relay.dropAll();
      check(await av.scan(EICAR), /^C4TAP\.Test\.EICAR/, 0);
      expect(await av.scan(Buffer.from('after the drop'))).to.deep.equal({ kind: 'clean' });
      expect(relay.connections()).to.equal(2);
    });
  });
});

describe('ClamAV client against a private clamd with small limits (needs clamd)', () => {
  let dir: string;
  let clamd: PrivateClamd | null = null;
  before(async function () {
    this.timeout(60_000);
    skipUnlessPresent(this, clamdInstalled(), 'clamd');
    dir = await mkdtemp(path.join(tmpdir(), 'c4tap-clamd-'));
    clamd = await startPrivateClamd(dir, { streamMax: '1M', maxScan: '1M' });
  });
  after(async () => {
    await clamd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('alerts instead of passing a zip whose content exceeds MaxScanSize (AlertExceedsMax)', async () => {
    const zip = await buildZip([{ name: 'padding.bin', content: Buffer.alloc(3 * 1024 * 1024) }], { level: 9 });
    const outcome = await scanner({ socket: clamd!.socket }).scan(zip);
    expect(outcome).to.deep.include({ kind: 'not-scanned', transient: false });
    expect((outcome as { reason: string }).reason).to.match(/Heuristics\.Limits\.Exceeded/);
  });

  for (const transport of ['unix socket', 'TCP'] as const) {
    it(`reports a sample that exceeds clamd's StreamMaxLength as CLAMAV_STREAM_TOO_LARGE instead of clean, and scans the next one (${transport})`, async () => {
      // clamd.maxStreamBytes wrongly set above clamd's StreamMaxLength (1M here)
      const target = transport === 'unix socket' ? { socket: clamd!.socket } : { host: clamd!.host, port: clamd!.port };
      const av = scanner({ ...target, maxStreamBytes: 8 * 1024 * 1024 });
      expect(await av.scan(Buffer.from('a small file first'))).to.deep.equal({ kind: 'clean' });
      for (const size of [1024 * 1024 + 1, 2 * 1024 * 1024, 6 * 1024 * 1024]) {
        expect(await av.scan(Buffer.alloc(size, 3)), `${size} bytes`).to.deep.include({
          kind: 'not-scanned',
          transient: false,
          code: 'CLAMAV_STREAM_TOO_LARGE',
        });
      }
      expect((await av.scan(EICAR)).kind).to.equal('infected');
    });
  }

  it('is not-scanned and transient while clamd is down, and scans again once it is back', async function () {
    this.timeout(60_000);
    const av = scanner({ socket: clamd!.socket, timeoutMs: 5000 });
    expect(await av.scan(Buffer.from('before the crash'))).to.deep.equal({ kind: 'clean' });
    clamd!.kill();
    const down = await av.scan(Buffer.from('while it is down'));
    expect(down).to.deep.include({ kind: 'not-scanned', transient: true, code: 'CLAMAV_UNAVAILABLE' });
    clamd = await clamd!.restart();
    expect(await av.scan(Buffer.from('after the restart'))).to.deep.equal({ kind: 'clean' });
    expect((await av.scan(EICAR)).kind).to.equal('infected');
  });
});
