// Assignment and internal notes through the REST API as analysts' scripts would use them, over real
// HTTP with every sharing surface mounted, on a submission ingested and analysed by the real
// pipeline: two analysts taking the same submission at once get one 200 and one 409
// ALREADY_ASSIGNED; only the holder (or the secretariat) hands over or releases; notes are staff-only,
// length-limited plain text, listed newest first, and their text reaches no participant-visible
// output (REST JSON/CSV/STIX, TAXII, MISP, the public feed, the submitter's own view, the outbox).
import type { Server } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { addOrganisation } from '../../core/directory.ts';
import { issueToken } from '../../core/tokens.ts';
import type { AuditEvent, Principal, Submission } from '../../core/types.ts';
import { outboxDir } from '../../bin/context.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { sharingRouters } from '../../sharing/http.ts';
import { eventUuid } from '../../sharing/misp/index.ts';
import { collectionId } from '../../sharing/taxii/index.ts';
import { startConsoleEnv, type ConsoleEnv } from '../web/helpers/console-env.ts';
import { ingestAndAnalyse } from '../web/helpers/submissions.ts';

const TAXII = 'application/taxii+json;version=2.1';

describe('REST API: assignment and internal notes (real HTTP, real pipeline)', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let server: Server;
  let origin: string;
  let people: Record<'analyst' | 'analyst2' | 'secretariat' | 'submitter' | 'otherReader' | 'reader', Principal>;
  let sub: Submission;
  let URL_IOC: string;

  before(async () => {
    env = await startConsoleEnv();
    const water = await addOrganisation(env.ctx, 'test', {
      name: 'Example Water',
      tier: 'participant',
      sector: 'water',
      domains: ['water.example'],
      networks: ['203.0.113.0/24'],
      contacts: [
        {
          name: 'SOC',
          means: [
            { kind: 'email', value: 'soc@water.example' },
            { kind: 'phone', value: '+81 3 0000 0003' },
          ],
        },
      ],
      rulesAccepted: true,
    });
    people = {
      analyst: env.analyst.principal,
      analyst2: (await env.addAccount('analyst-two', ['analyst'])).principal,
      secretariat: (await env.addAccount('sec-one', ['secretariat'])).principal,
      submitter: env.submitter.principal,
      otherReader: (await env.addAccount('water-reader', ['reader'], water.id)).principal,
      reader: (await env.addAccount('sec-reader', ['reader'])).principal,
    };
    const routers = sharingRouters({ ...env.ctx, limits: env.ctx.config.api, exchange: { name: 'C4TAP test exchange' } });
    server = await listen(createHttpApp({ log: env.ctx.log, registry: new Registry(), trustProxy: false, health: async () => ({}), routers }), '127.0.0.1', 0);
    const addr = server.address();
    origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    await env?.close();
  });
  beforeEach(async () => {
    URL_IOC = `https://invoice-portal.top/pay?id=${Math.random().toString(36).slice(2, 10)}`;
    sub = await ingestAndAnalyse(env, { text: `Dear Taro,\nplease pay at ${URL_IOC}\n` });
    expect(sub.status).to.equal('awaiting-triage');
  });

  const tokens = new Map<string, string>();
  async function call(p: Principal, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, accept?: string): Promise<Response> {
    let token = tokens.get(p.id);
    if (!token) tokens.set(p.id, (token = (await issueToken(env.ctx.store, env.ctx.tokenSettings, p, 3600_000, 'test', env.now())).token));
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      ...(accept ? { accept } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    return fetch(origin + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }
  const take = (p: Principal, body?: unknown) => call(p, 'POST', `/api/v1/submissions/${sub.id}/assignment`, body);
  const release = (p: Principal) => call(p, 'DELETE', `/api/v1/submissions/${sub.id}/assignment`);
  async function codeOf(res: Response): Promise<[number, string]> {
    const type = res.headers.get('content-type') ?? '';
    return [res.status, type.startsWith('application/problem+json') ? ((await res.json()) as { code: string }).code : 'ok'];
  }
  const auditOf = async (action: string): Promise<AuditEvent[]> =>
    (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === action && e.target === sub.id);
  const holder = async () => (await env.ctx.store.getSubmission(sub.id))!.assignee?.principalId ?? null;

  it('gives a submission to the first of two analysts taking it at once; the second gets 409 ALREADY_ASSIGNED and nothing is overwritten', async function () {
    const [a, b] = await Promise.all([take(people.analyst), take(people.analyst2)]);
    const codes = [await codeOf(a), await codeOf(b)].sort();
    expect(codes).to.deep.equal([
      [200, 'ok'],
      [409, 'ALREADY_ASSIGNED'],
    ]);
    const winner = a.status === 200 ? people.analyst : people.analyst2;
    expect(await holder()).to.equal(winner.id);
    const events = await auditOf('submission.assigned');
    expect(events.map((e) => [e.actor, (e.data['after'] as { principalId: string }).principalId, e.data['before']])).to.deep.equal([
      [winner.id, winner.id, null],
    ]);
    // Taking one's own again changes nothing.
    const again = await take(winner);
    expect(((await again.json()) as { changed: boolean }).changed).to.equal(false);
  });

  it('lets only the holder hand over or release (the secretariat may reassign), and assigns only analysts', async function () {
    expect(await codeOf(await take(people.analyst))).to.deep.equal([200, 'ok']);
    expect(await codeOf(await take(people.analyst2, { assignee: people.analyst2.id }))).to.deep.equal([409, 'ALREADY_ASSIGNED']);
    expect(await codeOf(await release(people.analyst2))).to.deep.equal([409, 'ALREADY_ASSIGNED']);
    expect(await codeOf(await take(people.analyst, { assignee: people.reader.id }))).to.deep.equal([400, 'VALIDATION_FAILED']);
    expect(await codeOf(await take(people.analyst, { assignee: 'no-such-principal' }))).to.deep.equal([400, 'VALIDATION_FAILED']);
    expect(await holder()).to.equal(people.analyst.id);

    const handed = await take(people.analyst, { assignee: people.analyst2.id });
    expect(handed.status).to.equal(200);
    expect(((await handed.json()) as { assignee: unknown }).assignee).to.deep.include({ principal_id: people.analyst2.id, assigned_by: people.analyst.id });
    expect(await codeOf(await take(people.secretariat, { assignee: people.analyst.id }))).to.deep.equal([200, 'ok']);
    expect(await holder()).to.equal(people.analyst.id);
    const released = await release(people.analyst);
    expect(await released.json()).to.deep.equal({ submission_id: sub.id, assignee: null, changed: true });
    expect(await holder()).to.equal(null);
    expect(((await (await release(people.analyst)).json()) as { changed: boolean }).changed).to.equal(false);

    expect((await auditOf('submission.assigned')).map((e) => e.actor)).to.deep.equal([people.analyst.id, people.analyst.id, people.secretariat.id]);
    expect((await auditOf('submission.unassigned')).map((e) => [e.actor, (e.data['before'] as { principalId: string }).principalId])).to.deep.equal([
      [people.analyst.id, people.analyst.id],
    ]);
    // Not staff: the submitting organisation gets 403, another organisation 404.
    expect(await codeOf(await take(people.submitter))).to.deep.equal([403, 'FORBIDDEN']);
    expect(await codeOf(await take(people.otherReader))).to.deep.equal([404, 'NOT_FOUND']);
  });

  it('keeps notes as plain text, newest first, refuses empty, over-long and control-character notes, and shows them to the staff only', async function () {
    const notes = `/api/v1/submissions/${sub.id}/notes`;
    const first = await call(people.analyst, 'POST', notes, { text: '  Same sender as last week’s <b>invoice</b> wave\r\nCheck the .docm  ' });
    expect(first.status).to.equal(201);
    env.advance(1000);
    expect((await call(people.analyst2, 'POST', notes, { text: '二人目のメモ' })).status).to.equal(201);
    const listed = (await (await call(people.secretariat, 'GET', notes)).json()) as { items: { author_id: string; text: string; created_at: string }[] };
    expect(listed.items.map((n) => [n.author_id, n.text])).to.deep.equal([
      [people.analyst2.id, '二人目のメモ'],
      [people.analyst.id, 'Same sender as last week’s <b>invoice</b> wave\nCheck the .docm'],
    ]);

    expect(await codeOf(await call(people.analyst, 'POST', notes, { text: '   ' }))).to.deep.equal([400, 'VALIDATION_FAILED']);
    expect(await codeOf(await call(people.analyst, 'POST', notes, { text: 'x'.repeat(2001) }))).to.deep.equal([400, 'VALIDATION_FAILED']);
    expect((await call(people.analyst, 'POST', notes, { text: '界'.repeat(2000) })).status, '2000 characters fit').to.equal(201);
    expect(await codeOf(await call(people.analyst, 'POST', notes, { text: 'bell\u0007' }))).to.deep.equal([400, 'VALIDATION_FAILED']);
    expect(await codeOf(await call(people.submitter, 'GET', notes))).to.deep.equal([403, 'FORBIDDEN']);
    expect(await codeOf(await call(people.submitter, 'POST', notes, { text: 'mine' }))).to.deep.equal([403, 'FORBIDDEN']);
    expect(await codeOf(await call(people.otherReader, 'GET', notes))).to.deep.equal([404, 'NOT_FOUND']);
    expect((await env.ctx.store.listSubmissionNotes(sub.id)).length).to.equal(3);

    const added = await auditOf('submission.note-added');
    expect(added).to.have.length(3);
    expect(JSON.stringify(added.map((e) => e.data)), 'the audit names the note, not its text').to.not.include('invoice');
    // Once a kind of the submission is RED, each read of its notes is a RED read.
    const redReads = async () => (await auditOf('red.read')).filter((e) => e.data['surface'] === 'api.submission-notes').map((e) => e.actor);
    expect(await redReads(), 'every kind is AMBER').to.deep.equal([]);
    expect((await call(people.analyst, 'POST', `/api/v1/submissions/${sub.id}/classes`, { sample: 'RED' })).status).to.equal(200);
    expect((await call(people.analyst2, 'GET', notes)).status).to.equal(200);
    expect(await redReads()).to.deep.equal([people.analyst2.id]);
  });

  it('never lets a note’s text reach a participant-visible output once the submission is published', async function () {
    const marker = `notesecret${Math.random().toString(36).slice(2, 10)}`;
    const text = `${marker} — the lure ${URL_IOC} is the same actor as case 4411 (victim: Taro Yamada)`;
    expect((await call(people.analyst, 'POST', `/api/v1/submissions/${sub.id}/notes`, { text })).status).to.equal(201);
    expect((await call(people.analyst, 'POST', `/api/v1/submissions/${sub.id}/approve`)).status).to.equal(200);
    // The staff read it back: the marker is findable where it belongs.
    expect(await (await call(people.analyst, 'GET', `/api/v1/submissions/${sub.id}/notes`)).text()).to.include(marker);

    const seen: string[] = [];
    const read = async (p: Principal | null, path: string, accept?: string) => {
      const res = p ? await call(p, 'GET', path, undefined, accept) : await fetch(origin + path);
      seen.push(`${p?.name ?? 'anonymous'} ${path} ${res.status}: ${await res.text()}`);
      return res.status;
    };
    for (const p of [people.otherReader, people.submitter]) {
      expect(await read(p, '/api/v1/indicators?format=json&limit=1000')).to.equal(200);
      expect(await read(p, '/api/v1/indicators?format=csv&limit=1000')).to.equal(200);
      expect(await read(p, '/api/v1/indicators?format=stix&limit=1000')).to.equal(200);
      await read(p, `/taxii2/c4tap/collections/${collectionId('AMBER')}/objects/`, TAXII);
      await read(p, `/api/v1/misp/${eventUuid(sub.id, 'AMBER')}.json`);
      await read(p, '/api/v1/misp/manifest.json');
    }
    expect(await read(people.submitter, `/api/v1/submissions/${sub.id}`)).to.equal(200);
    await read(people.submitter, `/api/v1/submissions`);
    await read(null, '/public/v1/indicators');
    const reached = seen.join('\n');
    expect(reached, 'the published URL reached the readers').to.include(URL_IOC.split('?')[0]!.replace('https://', ''));
    expect(reached).to.not.include(marker);
    expect(reached).to.not.include('case 4411');
    // Mail the exchange sent (the submitter's receipt and "published" notice) carries no note either.
    const outbox = outboxDir(env.config.dataDir);
    const files = await readdir(outbox).catch(() => [] as string[]);
    const mail = (await Promise.all(files.map((f) => readFile(path.join(outbox, f), 'utf8')))).join('\n');
    expect(mail).to.not.include(marker);
  });
});
