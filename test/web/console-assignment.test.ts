// Assignment and internal notes in the console over plain HTTP, on a submission ingested and
// analysed by the real pipeline: "assign to me" shows the analyst in the queue's assignee column and
// under the "mine" filter (not under "unassigned"); a second analyst taking it is refused with the
// holder's name (409) and nothing changes; notes are listed newest first, escaped, with author and
// Japanese time; a note that is too long is refused with the limit.
import { expect } from 'chai';
import type { Submission } from '../../core/types.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

describe('console: assignment and internal notes', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let one: ConsoleClient;
  let two: ConsoleClient;
  let sub: Submission;

  before(async () => {
    env = await startConsoleEnv();
    const second = await env.addAccount('analyst2', ['analyst'], undefined, { displayName: '佐藤 花子' });
    one = (await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now)).client;
    two = (await loginAndEnrol(env.origin, 'analyst2', second.password, env.now)).client;
  });
  after(async () => {
    await env.close();
  });
  beforeEach(async () => {
    sub = await ingestAndAnalyse(env, { text: `Please pay at https://invoice-portal.top/pay?id=${Math.random().toString(36).slice(2, 8)}\n` });
  });

  const act = async (c: ConsoleClient, action: string, form: Record<string, string> = {}) => {
    await c.get(`/console/submissions/${sub.id}`);
    return c.post(`/console/submissions/${sub.id}/${action}`, form);
  };
  const queueIds = async (c: ConsoleClient, assignee: string) =>
    [...(await c.get(`/console/queue?status=all&assignee=${assignee}`)).text.matchAll(/data-submission="([^"]+)"/g)].map((m) => m[1]);

  it('assigns to me, shows me in the queue and under "mine", and refuses a second analyst with the holder’s name', async function () {
    expect(await queueIds(one, 'none')).to.include(sub.id);
    const r = await act(one, 'assign');
    expect(r.status, r.text).to.equal(303);
    expect((await env.ctx.store.getSubmission(sub.id))!.assignee?.principalId).to.equal(env.analyst.principal.id);
    expect(await queueIds(one, 'mine')).to.include(sub.id);
    expect(await queueIds(one, 'none')).to.not.include(sub.id);
    expect(await queueIds(two, 'mine')).to.not.include(sub.id);
    const queue = (await one.get('/console/queue?status=all&lang=en')).text;
    const row = new RegExp(`data-submission="${sub.id}"[\\s\\S]*?data-cell="assignee">([^<]*)<`).exec(queue);
    expect(row?.[1]).to.equal(env.analyst.principal.displayName);

    const refused = await act(two, 'assign');
    expect(refused.status).to.equal(409);
    expect(refused.text).to.include(env.analyst.principal.displayName);
    expect((await env.ctx.store.getSubmission(sub.id))!.assignee?.principalId).to.equal(env.analyst.principal.id);
    expect((await act(two, 'unassign')).status).to.equal(409);
    expect((await act(one, 'unassign')).status).to.equal(303);
    expect((await env.ctx.store.getSubmission(sub.id))!.assignee).to.equal(null);
    const audit = (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.target === sub.id).map((e) => e.action);
    expect(audit.filter((a) => a === 'submission.assigned' || a === 'submission.unassigned')).to.deep.equal(['submission.assigned', 'submission.unassigned']);
  });

  it('lists notes newest first, escaped, with author and JST time, and refuses one over the limit', async function () {
    expect((await act(one, 'notes', { text: 'first <script>alert(1)</script>' })).status).to.equal(303);
    env.advance(60_000);
    expect((await act(two, 'notes', { text: '二つ目のメモ\n二行目' })).status).to.equal(303);
    const tooLong = await act(one, 'notes', { text: 'x'.repeat(2001) });
    expect(tooLong.status).to.equal(409);
    expect(tooLong.text).to.include('2000');
    const pageText = (await one.get(`/console/submissions/${sub.id}`)).text;
    const notes = /<ol class="notes"[\s\S]*?<\/ol>/.exec(pageText)![0];
    expect(notes.indexOf('二つ目のメモ')).to.be.lessThan(notes.indexOf('first'));
    expect(notes).to.include('first &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(notes).to.not.include('<script>');
    expect(notes).to.include('佐藤 花子');
    // The env's clock is 2025-01-06 00:00 UTC: 09:00 in Tokyo.
    expect(notes).to.match(/2025[-/年]0?1[-/月]0?6[^<]*09:0[01]/);
    expect((await env.ctx.store.listSubmissionNotes(sub.id)).map((n) => n.text)).to.deep.equal(['二つ目のメモ\n二行目', 'first <script>alert(1)</script>']);
  });
});
