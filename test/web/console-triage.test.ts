// Triage over plain HTTP on a submission ingested and analysed by the real pipeline: the page,
// every action with its audit event, the victim-name check blocking approval, sample download.
import { expect } from 'chai';
import { BlobReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import type { AuditEvent, Submission } from '../../core/types.ts';
import { issueToken } from '../../core/tokens.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { buildPhishForward, ingest, ingestAndAnalyse } from './helpers/submissions.ts';

describe('console triage', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let client: ConsoleClient;
  let sub: Submission;

  before(async () => {
    env = await startConsoleEnv({ api: true });
    client = (await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now)).client;
  });
  after(async () => {
    await env.close();
  });
  beforeEach(async () => {
    sub = await ingestAndAnalyse(env, {
      html: '<p>Pay now: <a href="https://invoice-portal.top/pay?id=4411">portal</a></p>',
      attachments: [
        {
          filename: 'invoice.docm',
          contentType: 'application/vnd.ms-word.document.macroEnabled.12',
          content: Buffer.from('PK\u0003\u0004 word/vbaProject.bin AutoOpen'),
        },
      ],
    });
    expect(sub.status).to.equal('awaiting-triage');
  });

  const page = (id = sub.id) => client.get(`/console/submissions/${id}`);
  const act = async (action: string, form: Record<string, string> = {}) => {
    await page();
    return client.post(`/console/submissions/${sub.id}/${action}`, form);
  };
  const indicatorId = async (type: string, value?: string) => {
    const items = await env.ctx.store.listIndicatorsForSubmission(sub.id);
    const found = items.find((i) => i.indicator.type === type && (value === undefined || i.indicator.value === value));
    if (!found) throw new Error(`no ${type} ${value ?? ''} indicator in ${items.map((i) => i.indicator.value).join(', ')}`);
    return found.indicator.id;
  };
  const lastAudit = async (action: string): Promise<AuditEvent> => {
    const events = (await env.ctx.store.listAudit(0, 10_000)).filter((e) => e.action === action);
    expect(events, action).to.not.be.empty;
    return events[events.length - 1]!;
  };

  it('shows the sanitized view before the original, and the original only as text', async function () {
    const r = await page();
    expect(r.status).to.equal(200);
    const at = (marker: string) => r.text.indexOf(marker);
    expect(at('id="preview"')).to.be.greaterThan(0).and.lessThan(at('id="original"'));
    expect(at('id="redactions"')).to.be.lessThan(at('id="original"'));
    expect(r.text).to.include('invoice-portal.top');
    expect(r.text).to.include('&lt;a href&#61;&quot;https://invoice-portal.top/pay?id&#61;4411&quot;&gt;');
    expect(r.text).to.not.include('<a href="https://invoice-portal.top');
    expect(r.text).to.include('invoice.docm');
    expect(r.headers.get('content-security-policy')).to.include("script-src 'self'");
    expect(r.headers.get('cache-control')).to.equal('no-store');
  });

  it('marks an indicator false positive for the whole exchange: an audited entry, withheld from publication, cleared again', async function () {
    const id = await indicatorId('url');
    const r = await act('indicators/false-positive', { indicator: id, value: 'yes' });
    expect(r.status).to.equal(303);
    expect(await env.ctx.store.getFalsePositive(id)).to.deep.include({ indicatorId: id, markedBy: env.analyst.principal.id });
    const e = await lastAudit('false-positive.marked');
    expect(e.actor).to.equal(env.analyst.principal.id);
    expect(e.target).to.equal(id);
    expect(e.data).to.deep.include({ before: null, created: true });
    const shown = await page();
    expect(shown.text).to.include('false positive');
    expect(shown.text).to.include('Not a false positive');

    const cleared = await act('indicators/false-positive', { indicator: id, value: 'no' });
    expect(cleared.status).to.equal(303);
    expect(await env.ctx.store.getFalsePositive(id)).to.equal(null);
    const u = await lastAudit('false-positive.unmarked');
    expect(u.actor).to.equal(env.analyst.principal.id);
    expect(u.data).to.deep.include({ after: null });
  });

  it('narrows a class per kind, refuses widening beyond the submitter’s choice, and moves the sources along', async function () {
    const widen = await act('classes', { sample: 'AMBER', mail: 'AMBER', network: 'GREEN', file: 'AMBER' });
    expect(widen.status).to.equal(409);
    expect(widen.text).to.include('Widening beyond the submitter’s consent is refused for: network');
    expect((await env.ctx.store.getSubmission(sub.id))!.classes.network).to.equal('AMBER');

    const narrow = await act('classes', { sample: 'AMBER', mail: 'AMBER', network: 'RED', file: 'AMBER' });
    expect(narrow.status).to.equal(303);
    expect((await env.ctx.store.getSubmission(sub.id))!.classes.network).to.equal('RED');
    const network = (await env.ctx.store.listIndicatorsForSubmission(sub.id))
      .flatMap((i) => i.sources)
      .filter((s) => s.submissionId === sub.id && s.kind === 'network');
    expect(network).to.not.be.empty;
    expect(network.every((s) => s.class === 'RED')).to.equal(true);
    const e = await lastAudit('submission.classes-changed');
    expect(e.data).to.deep.include({ changed: ['network'] });
    expect((e.data.before as Record<string, string>).network).to.equal('AMBER');
    expect((e.data.after as Record<string, string>).network).to.equal('RED');

    const back = await act('classes', { sample: 'AMBER', mail: 'AMBER', network: 'AMBER', file: 'AMBER' });
    expect(back.status, 'back up to the submitter’s own choice').to.equal(303);
  });

  it('adds an indicator by hand in normal form, refusing malformed values and participants’ own domains', async function () {
    expect((await act('indicators/add', { type: 'ipv4-addr', value: '999.1.1.1', kind: '' })).status).to.equal(409);
    const own = await act('indicators/add', { type: 'domain-name', value: 'mail.rail.example', kind: '' });
    expect(own.status).to.equal(409);
    expect(own.text).to.include('never an indicator');
    const ok = await act('indicators/add', { type: 'url', value: 'hxxps://Evil-Drop.TOP/a b', kind: '' });
    expect(ok.status).to.equal(303);
    const added = await env.ctx.store.getIndicator(await indicatorId('url', 'https://evil-drop.top/a%20b'));
    expect(added!.sources[0]!.kind).to.equal('network');
    expect(added!.sources[0]!.class).to.equal('AMBER');
    expect((await lastAudit('indicator.added')).data.after).to.deep.include({ type: 'url', value: 'https://evil-drop.top/a%20b' });
  });

  it('blocks approval while something to be published names the victim, until acknowledged', async function () {
    await act('indicators/add', { type: 'file-name', value: 'Taro Yamada invoice.docm', kind: '' });
    const shown = await page();
    expect(shown.text).to.include('the victim may be named');
    expect(shown.text).to.match(/data-testid="approve" disabled/);
    const refused = await act('approve');
    expect(refused.status).to.equal(409);
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('awaiting-triage');
    expect(await env.ctx.store.lastPublicationSeq()).to.equal(0);

    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(shown.text)![1]!;
    expect((await act('acknowledge', { fingerprint: 'f'.repeat(64) })).status).to.equal(409);
    expect((await act('acknowledge', { fingerprint })).status).to.equal(303);
    expect((await lastAudit('submission.victim-warning-acknowledged')).data.findings).to.have.length(1);
    const approved = await act('approve');
    expect(approved.status).to.equal(303);
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('published');
  });

  it('approves: the publication log gets the indicators, and an AMBER participant reader sees them in the API', async function () {
    const r = await act('approve');
    expect(r.status).to.equal(303);
    expect(r.location).to.include('notice=notice.published');
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('published');
    const reader = await env.addAccount(`reader-${sub.id.slice(-6).toLowerCase()}`, ['reader'], env.participantOrg.id);
    const { token } = await issueToken(env.ctx.store, env.ctx.tokenSettings, reader.principal, 3600_000, 'test', env.now());
    const api = await fetch(`${env.origin}/api/v1/indicators?format=json&limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).to.equal(200);
    expect(await api.text()).to.include('https://invoice-portal.top/pay?id=4411');
  });

  it('refuses to approve or reject a submission whose analysis has not finished', async function () {
    const fresh = await ingest(env, await buildPhishForward({ subject: 'Not analysed yet' }));
    await client.get(`/console/submissions/${fresh}`);
    const approve = await client.post(`/console/submissions/${fresh}/approve`);
    expect(approve.status).to.equal(409);
    expect(approve.text).to.include('not ready for triage');
    expect((await client.post(`/console/submissions/${fresh}/reject`, { reason: 'too early' })).status).to.equal(409);
    expect((await env.ctx.store.getSubmission(fresh))!.status).to.equal('received');
    expect(approve.text).to.include('Not analysed yet.');
  });

  it('rejects with a reason only, and re-runs the analysis by requeueing its job', async function () {
    expect((await act('reject', { reason: '  ' })).status).to.equal(409);
    expect((await act('reject', { reason: 'test mail from a participant drill' })).status).to.equal(303);
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('rejected');
    expect((await lastAudit('submission.rejected')).data.reason).to.equal('test mail from a participant drill');

    const job = (await env.ctx.store.getJobForSubmission(sub.id, 'analyse'))!;
    if (job.status === 'pending') {
      expect((await act('rerun')).status, 'a pending job is already queued').to.equal(409);
      // A worker finishes every pending job (this test's among them).
      const lease = { workerId: 'w', now: env.now().toISOString(), leaseUntil: new Date(env.now().getTime() + 60_000).toISOString() };
      for (let claimed = await env.ctx.store.claimJob(lease); claimed; claimed = await env.ctx.store.claimJob(lease)) {
        await env.ctx.store.completeJob(claimed.id, 'w', env.now().toISOString());
      }
    }
    expect((await act('rerun')).status).to.equal(303);
    expect((await env.ctx.store.getJobForSubmission(sub.id, 'analyse'))!.status).to.equal('pending');
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('received');
    expect((await lastAudit('submission.reanalysis-requested')).data.before).to.deep.include({ status: 'rejected' });
  });

  it('shows no publish control for a rejected submission, refuses approve anyway (409), and offers reopen, after which approve works', async function () {
    expect((await act('reject', { reason: 'looked like a drill' })).status).to.equal(303);
    const shown = await page();
    expect(shown.text).to.not.include('data-testid="approve"');
    expect(shown.text).to.include('data-testid="reopen"');
    const refused = await act('approve');
    expect(refused.status).to.equal(409);
    expect(refused.text).to.include('reopen it before approving');
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('rejected');
    expect((await act('reopen', { reason: 'it was real' })).status).to.equal(303);
    expect((await lastAudit('submission.reopened')).data).to.deep.include({ before: { status: 'rejected' }, after: { status: 'awaiting-triage' } });
    expect((await act('approve')).status).to.equal(303);
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('published');
  });

  it('audits every view of a submission page as a RED read, naming the analyst and the submission', async function () {
    const reads = async () => (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === 'red.read' && e.target === sub.id);
    expect(await reads()).to.deep.equal([]);
    await page();
    await page();
    const events = await reads();
    expect(events.map((e) => [e.actor, e.data['surface']])).to.deep.equal([
      [env.analyst.principal.id, 'console.submission'],
      [env.analyst.principal.id, 'console.submission'],
    ]);
  });

  it('tags a campaign and sets a verdict, both findable in the queue', async function () {
    expect((await act('campaign', { campaign: 'Winter invoices 2025' })).status).to.equal(303);
    expect((await act('verdict', { verdict: 'malicious' })).status).to.equal(303);
    expect((await act('verdict', { verdict: 'evil' })).status).to.equal(409);
    const q = await client.get('/console/queue?status=all&q=winter&verdict=malicious');
    expect(q.text).to.include(`data-submission="${sub.id}"`);
    const none = await client.get('/console/queue?status=all&q=winter&verdict=benign');
    expect(none.text).to.not.include(`data-submission="${sub.id}"`);
    expect((await lastAudit('submission.campaign-set')).data).to.deep.include({ after: 'Winter invoices 2025' });
  });

  it('hands out a sample only as an AES-encrypted zip with password "infected", after the warning, audited', async function () {
    const samples = await env.ctx.store.listSamples(sub.id);
    const attachment = samples.find((s) => s.role === 'attachment')!;
    await page();
    expect((await client.post(`/console/submissions/${sub.id}/samples/${attachment.sha256}/download`, {})).status).to.equal(400);
    await page();
    const res = await fetch(`${env.origin}/console/submissions/${sub.id}/samples/${attachment.sha256}/download`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: new URLSearchParams({ _csrf: client.csrf, confirm: 'yes' }).toString(),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/zip');
    const zip = new ZipReader(new BlobReader(await res.blob()));
    const [entry] = await zip.getEntries();
    expect(entry!.encrypted).to.equal(true);
    expect(entry!.filename).to.equal(`${attachment.sha256}.bin`);
    const content = Buffer.from(
      await (entry as { getData: (w: Uint8ArrayWriter, o: { password: string }) => Promise<Uint8Array> }).getData(new Uint8ArrayWriter(), {
        password: 'infected',
      }),
    );
    expect(content.toString('latin1')).to.include('vbaProject.bin');
    await zip.close();
    expect((await lastAudit('sample.downloaded')).target).to.equal(attachment.sha256);
  });
});
