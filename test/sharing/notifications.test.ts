// Submitter notifications on the real SQLite store, sent by the real mailer (outbox, or a real SMTP
// sink as relay): analysis finished, published (what, at which class, defanged), rejected (why);
// each once; never about another organisation; never failing or delaying the operation itself.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createLogger } from '../../core/logger.ts';
import { createMailer, listOutbox, type Mailer } from '../../core/mailer.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import type { Organisation, Principal, Submission } from '../../core/types.ts';
import { startWorker, type RunningWorker } from '../../analysis/worker.ts';
import { publishSubmission, rejectSubmission } from '../../sharing/publication.ts';
import { loadChannelPolicy, type ChannelPolicy } from '../../sharing/digests/channels.ts';
import { createSubmitterNotifier, notificationsOf, type SubmitterNotifier } from '../../sharing/notifications/index.ts';
import { REPO } from '../helpers/cli.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { createTestPki } from '../helpers/smime-certs.ts';
import { allClasses, openWorld, type World } from './helpers/world.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SHIPPED_CHANNELS = loadChannelPolicy(path.join(REPO, 'policies'));
const url: IndicatorInput = { type: 'url', value: 'https://evil.example/login?next=portal.evil.example', kind: 'network', class: 'GREEN' };
const domain: IndicatorInput = { type: 'domain-name', value: 'evil.example', kind: 'network', class: 'GREEN' };
const sender: IndicatorInput = { type: 'email-addr', value: 'ceo@evil.example', kind: 'mail', class: 'AMBER' };
const hash: IndicatorInput = { type: 'file-sha256', value: 'ab'.repeat(32), kind: 'file', class: 'RED' };
const shortener: IndicatorInput = { type: 'domain-name', value: 'bit.ly', kind: 'network', class: 'GREEN', context: { warningLists: ['url-shorteners'] } };
const railOnly: IndicatorInput = { type: 'url', value: 'https://rail-only.example/track', kind: 'network', class: 'AMBER' };

interface LogLine {
  event?: string;
  code?: string;
  submissionId?: string;
}

describe('submitter notifications', function () {
  this.timeout(30_000);
  let w: World;
  let water: Organisation;
  let rail: Organisation;
  let waterSub: Principal;
  let railSub: Principal;
  let dir: string;
  let logs: LogLine[];
  const log = () => createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } });

  beforeEach(async () => {
    w = await openWorld();
    dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-notify-'));
    logs = [];
    water = await w.addOrg('water', 'participant');
    rail = await w.addOrg('rail', 'participant');
    waterSub = (await w.store.updatePrincipal((await w.addPrincipal('water-sub', water.id, ['submitter'])).id, { language: 'ja' }))!;
    railSub = await w.addPrincipal('rail-sub', rail.id, ['submitter']);
  });
  afterEach(async () => {
    await w.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function notifierWith(
    mailer: Mailer = createMailer({ from: 'C4TAP <noreply@c4tap.example>', relayPort: 587, relaySecure: false, outboxDir: dir }),
    clock = w.clock,
    channels: ChannelPolicy = SHIPPED_CHANNELS,
  ): SubmitterNotifier {
    return createSubmitterNotifier({ store: w.store, mailer, log: log(), clock, baseUrl: 'https://c4tap.example/', channels });
  }
  const pubDeps = (n: SubmitterNotifier) => ({ store: w.store, audit: w.audit, clock: w.clock, events: n.sink });

  async function outbox(): Promise<ParsedMail[]> {
    return Promise.all(listOutbox(dir).map((e) => simpleParser(e.raw)));
  }
  const header = (m: ParsedMail, name: string) => String(m.headers.get(name) ?? '');
  const submission = async (id: string): Promise<Submission> => (await w.store.getSubmission(id))!;

  it('tells the submitter, in Japanese, what was published at which class: grouped by class, defanged, nothing of other organisations', async () => {
    const n = notifierWith();
    const mine = await w.addSubmission('s-water', water, waterSub, { ...allClasses('RED'), network: 'GREEN', mail: 'AMBER' }, [
      url,
      domain,
      sender,
      hash,
      shortener,
    ]);
    const theirs = await w.addSubmission('s-rail', rail, railSub, allClasses('AMBER'), [{ ...domain, class: 'AMBER' }, railOnly]);
    await publishSubmission(pubDeps(n), theirs, 'analyst');
    w.tick();
    await publishSubmission(pubDeps(n), mine, 'analyst');
    await n.idle();

    const mails = await outbox();
    expect(mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.value[0]?.address : null))).to.have.members([waterSub.email, railSub.email]);
    const notice = mails.find((m) => header(m, 'x-c4tap-submission') === mine)!;
    expect(notice.subject).to.equal(`[C4TAP] 指標公開のお知らせ — ${mine}`);
    expect(header(notice, 'x-c4tap-notification')).to.equal('published');
    expect(notice.inReplyTo).to.equal(`<${mine}@mail.example>`);
    const text = notice.text!;
    expect(text.split('\n')[0]).to.match(/^C⁴TAP:RED — /);
    const section = (tag: string) => text.slice(text.indexOf(`${tag}（`), text.indexOf('\n\n', text.indexOf(`${tag}（`)));
    expect(section('C⁴TAP:GREEN')).to.include('hxxps://evil[.]example/login?next=portal[.]evil[.]example').and.include('    evil[.]example');
    // RED and AMBER values do not travel by plain e-mail (shipped channel policy): counted only.
    expect(section('C⁴TAP:AMBER')).to.include('1 件').and.include('電子メールでは送りません').and.not.include('ceo');
    expect(section('C⁴TAP:RED')).to.include('電子メールでは送りません').and.not.include('ab'.repeat(32));
    expect(text).to.include('公開していない指標（警告リスト・誤検知・取り下げ）：1 件');
    // Live values, the other organisation's report and anything derived from it stay out.
    expect(text).not.to.match(/https:\/\/evil|evil\.example|bit\.ly/);
    expect(text).not.to.include('rail');
    expect(text).not.to.include(theirs);
    const record = notificationsOf(await submission(mine));
    expect(Object.values(record)).to.have.length(1);
    expect(Object.values(record)[0]).to.deep.include({ event: 'published', state: 'sent', messageId: notice.messageId });
  });

  it('tells the submitter once that the analysis finished, with verdict and counts, even when the job runs again', async () => {
    const n = notifierWith();
    const id = await w.addSubmission('s-an', rail, railSub, allClasses('AMBER'), [], 'received');
    const analyse = async (s: Submission) => {
      const summary = {
        files: [
          { yara: { kind: 'scanned', matches: [{ rule: 'Lnk_Dropper' }] }, av: { kind: 'not-configured' } },
          { yara: { kind: 'scanned', matches: [] }, av: { kind: 'not-configured' } },
          { yara: { kind: 'not-scanned', reason: 'timeout' }, av: { kind: 'not-configured' } },
        ],
        samples: 3,
        indicators: 7,
        incomplete: ['a.zip/b.lnk: YARA not scanned'],
        verdict: { verdict: 'malicious', score: 90, reasons: [] },
        related: { submissions: 4, organisations: 2 },
      };
      await w.store.updateSubmission(s.id, { status: 'awaiting-triage', details: { ...s.details, analysis: summary } }, w.clock().toISOString());
      return { kind: 'analysed' as const, summary: summary as never };
    };
    const start = (): RunningWorker =>
      startWorker({
        store: w.store,
        clock: w.clock,
        log: log(),
        settings: { leaseMs: 60_000, maxAttempts: 3, pollMs: 10, retryBaseMs: 0, retryMaxMs: 0 },
        workerId: 'wrk-1',
        analyse,
        events: n.sink,
      });
    const worker = start();
    try {
      await waitFor('the analysis job to finish', async () => (await w.store.getJobForSubmission(id, 'analyse'))?.status === 'done');
      await n.idle();
      // An analyst re-runs the analysis: it completes again, and nothing new is mailed.
      await w.store.requeueJob({ id: `job-${id}`, type: 'analyse', submissionId: id, runAfter: w.clock().toISOString() }, w.clock().toISOString());
      await waitFor('the analysis job to finish', async () => (await w.store.getJobForSubmission(id, 'analyse'))?.status === 'done');
      await n.idle();
    } finally {
      await worker.close();
    }
    const mails = await outbox();
    expect(mails).to.have.length(1);
    expect(mails[0]!.subject).to.equal(`[C4TAP] Analysis finished — ${id}`);
    const text = mails[0]!.text!;
    expect(text).to.include('Suggested verdict: malicious');
    expect(text).to.include('Files analysed: 3; detected by YARA or anti-virus: 1');
    expect(text).to.include('Indicators extracted: 7');
    expect(text).to.include('Scans that did not complete: 1 (never counted as clean)');
    expect(text).to.include('Anti-virus: not configured');
    expect(text).to.include(`API: GET https://c4tap.example/api/v1/submissions/${id}`);
    // Correlation with other reports (other organisations) is not the submitter's to know.
    expect(text).not.to.match(/related|organisations: 2|4 submissions/i);
    expect(logs.filter((l) => l.event === 'notification.duplicate')).to.have.length(1);
  });

  it('tells the submitter why its report was rejected, defanged; rejecting again sends nothing more', async () => {
    const n = notifierWith();
    const id = await w.addSubmission('s-rej', rail, railSub, allClasses('AMBER'), [domain]);
    await rejectSubmission(pubDeps(n), id, 'analyst', 'Mass mailing already listed at https://mass-spam.example/list; not targeted.');
    await rejectSubmission(pubDeps(n), id, 'analyst', 'again');
    await n.idle();
    const mails = await outbox();
    expect(mails).to.have.length(1);
    expect(mails[0]!.subject).to.equal(`[C4TAP] Not published — ${id}`);
    expect(mails[0]!.text).to.include('Reason:\n  Mass mailing already listed at hxxps://mass-spam[.]example/list; not targeted.');
    expect(mails[0]!.text).not.to.include('again');
  });

  it('sends nothing for a republish that changed nothing, and tells about one that did', async () => {
    const n = notifierWith();
    const id = await w.addSubmission('s-re', rail, railSub, allClasses('AMBER'), [domain, sender]);
    await publishSubmission(pubDeps(n), id, 'analyst');
    w.tick();
    await publishSubmission(pubDeps(n), id, 'analyst');
    await n.idle();
    expect(await outbox()).to.have.length(1);
    w.tick();
    await w.store.updateSubmission(id, { classes: { ...allClasses('AMBER'), network: 'RED' } }, w.clock().toISOString());
    await publishSubmission(pubDeps(n), id, 'analyst');
    await n.idle();
    const mails = await outbox();
    expect(mails).to.have.length(2);
    const latest = mails.find((m) => m.text?.includes('C⁴TAP:RED ('))!;
    expect(latest.text).to.match(/C⁴TAP:RED \(1\)[^\n]*\n {2}Values of this class do not travel by e-mail/);
  });

  it('publishes and rejects at once even when the relay refuses: the notice is logged and recorded failed with its code', async () => {
    const sink = await startSmtpSink({ refuse: [railSub.email] });
    try {
      const n = notifierWith(createMailer(sink.mailerSettings(dir)));
      const id = await w.addSubmission('s-fail', rail, railSub, allClasses('AMBER'), [domain]);
      const result = await publishSubmission(pubDeps(n), id, 'analyst');
      expect(result.status).to.equal('published');
      await n.idle();
      const records = Object.values(notificationsOf(await submission(id)));
      expect(records).to.have.length(1);
      expect(records[0]).to.deep.include({ event: 'published', state: 'failed', code: 'MAIL_RELAY_FAILED' });
      expect(logs.find((l) => l.event === 'notification.failed')).to.deep.include({ code: 'MAIL_RELAY_FAILED', submissionId: id });
      expect((await submission(id)).status).to.equal('published');
    } finally {
      await sink.close();
    }
  });

  it('does not make the analyst wait for a slow relay; the notice arrives afterwards', async () => {
    const sink = await startSmtpSink({ delayMs: 1500 });
    try {
      const n = notifierWith(createMailer(sink.mailerSettings(dir)));
      const id = await w.addSubmission('s-slow', rail, railSub, allClasses('AMBER'), [domain]);
      const started = Date.now();
      await rejectSubmission(pubDeps(n), id, 'analyst', 'duplicate of an earlier report');
      expect(Date.now() - started).to.be.lessThan(1000);
      expect(sink.messages).to.have.length(0);
      const [received] = await sink.waitFor(1);
      expect(received!.to).to.deep.equal([railSub.email]);
      expect(received!.parsed.subject).to.equal(`[C4TAP] Not published — ${id}`);
      await n.idle();
      expect(Object.values(notificationsOf(await submission(id)))[0]).to.deep.include({ state: 'sent' });
    } finally {
      await sink.close();
    }
  });

  it('mails nobody when the submitting principal was disabled, and records why', async () => {
    const n = notifierWith();
    const id = await w.addSubmission('s-off', rail, railSub, allClasses('AMBER'), [domain]);
    await w.store.updatePrincipal(railSub.id, { status: 'disabled' });
    await publishSubmission(pubDeps(n), id, 'analyst');
    await n.idle();
    expect(await outbox()).to.have.length(0);
    expect(Object.values(notificationsOf(await submission(id)))[0]).to.deep.include({ state: 'skipped', code: 'NO_RECIPIENT' });
  });
  it('sends after a restart the notice a stopped process had only recorded as pending, and the one that failed', async () => {
    // A process that stops before its notice goes out: its mailer never answers.
    const stuck: Mailer = { send: () => new Promise(() => undefined) };
    const before = notifierWith(stuck);
    const pendingId = await w.addSubmission('s-pending', rail, railSub, allClasses('GREEN'), [{ ...domain, class: 'GREEN' }]);
    await publishSubmission(pubDeps(before), pendingId, 'analyst');
    await waitFor('a pending notification', async () => Object.values(notificationsOf(await submission(pendingId)))[0]?.state === 'pending');
    // A notice whose relay refused it.
    const refusing: Mailer = { send: async () => Promise.reject(Object.assign(new Error('550 mailbox unavailable'), { responseCode: 550 })) };
    const failing = notifierWith(refusing);
    const failedId = await w.addSubmission('s-failed', rail, railSub, allClasses('GREEN'), [{ ...domain, class: 'GREEN' }]);
    w.tick();
    await rejectSubmission(pubDeps(failing), failedId, 'analyst', 'Mass mailing, not targeted.');
    await failing.idle();
    expect(Object.values(notificationsOf(await submission(failedId)))[0]).to.include({ state: 'failed', attempts: 1 });

    // The restarted process queues both again and sends each once.
    const after = notifierWith();
    expect(await after.resumePending()).to.equal(2);
    await after.idle();
    const mails = await outbox();
    expect(mails.map((m) => m.subject).sort()).to.deep.equal([`[C4TAP] Indicators published — ${pendingId}`, `[C4TAP] Not published — ${failedId}`].sort());
    expect(mails.find((m) => m.subject!.includes(failedId))!.text).to.include('Mass mailing, not targeted.');
    for (const id of [pendingId, failedId]) expect(Object.values(notificationsOf(await submission(id)))[0]).to.include({ state: 'sent' });
    expect(await notifierWith().resumePending()).to.equal(0);
  });

  it('encrypts the notice to the S/MIME certificate the submitter registered, so only its key opens it', async () => {
    const pki = createTestPki();
    try {
      const desk = pki.issue('rail-desk', railSub.email);
      await w.store.createDigestSubscription({
        id: 'dsub-rail',
        principalId: railSub.id,
        schedule: 'daily',
        cursorSeq: 0,
        createdAt: w.clock().toISOString(),
        attachments: 'none',
        zipPasswordSealed: null,
        smimeCertificate: desk.cert,
        amber: true,
        disabled: false,
      });
      // The certificate is valid now (the world's clock is earlier): the notifier checks it at send time.
      // A policy that lets AMBER travel encrypted: the encrypted notice then carries AMBER values.
      const n = notifierWith(undefined, () => new Date(), { ...SHIPPED_CHANNELS, email: { ...SHIPPED_CHANNELS.email, AMBER: 'encrypted' } });
      const id = await w.addSubmission('s-enc', rail, railSub, allClasses('AMBER'), [domain]);
      await publishSubmission(pubDeps(n), id, 'analyst');
      await n.idle();
      const [entry] = listOutbox(dir);
      expect(entry!.raw.toString('latin1')).to.match(/^Content-Type: application\/pkcs7-mime; smime-type=enveloped-data/m);
      expect(entry!.raw.toString('latin1')).not.to.include('evil');
      const inner = await simpleParser(pki.openssl(['smime', '-decrypt', '-in', entry!.file, '-recip', desk.certFile, '-inkey', desk.keyFile]));
      expect(inner.text).to.include('evil[.]example');
    } finally {
      pki.remove();
    }
  });
});
