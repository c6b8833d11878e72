// Campaign pages of the console over HTTP (issue 16), in Japanese: each view is a RED read; a reject
// without a reason changes nothing and says why; a member whose victim check has findings is listed
// with them and refused per member until the analyst ticks it; a false positive rejects every member
// and marks their shared indicators exchange-wide.
import { expect } from 'chai';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { addParticipants, analyse, buildPhishForward, ingest } from './helpers/submissions.ts';

describe('console campaigns (HTTP, Japanese)', function () {
  this.timeout(180_000);
  let env: ConsoleEnv;
  let client: ConsoleClient;
  let ids: string[];

  before(async () => {
    env = await startConsoleEnv();
    const ja = await env.addAccount('bunseki', ['analyst'], undefined, { language: 'ja' });
    client = (await loginAndEnrol(env.origin, 'bunseki', ja.password, env.now)).client;
    const [power] = await addParticipants(env, ['power']);
    const lure = { subject: 'Security alert for your account', text: 'Confirm at https://alert-confirm.top/c today.\n' };
    ids = [];
    for (const p of [env.submitter.principal, power!.submitter, env.submitter.principal]) {
      env.advance(60_000);
      ids.push((await analyse(env, await ingest(env, await buildPhishForward(lure), p))).id);
    }
  });
  after(() => env?.close());

  const status = async (id: string) => (await env.ctx.store.getSubmission(id))!.status;
  const memberRow = (page: string, id: string) => new RegExp(`<tr data-submission="${id}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';

  it('audits every view of a campaign page as a RED read, naming its members', async () => {
    const page = await client.get(`/console/campaigns/${ids[1]}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('3 件の提出');
    const reads = (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === 'red.read' && e.data['surface'] === 'console.campaign');
    expect(reads.map((e) => [e.target, e.data['members']])).to.deep.equal([[ids[0], ids]]);
  });

  it('refuses a reject without a reason, saying so, and leaves every member as it was', async () => {
    await client.get(`/console/campaigns/${ids[0]}`);
    const r = await client.post(`/console/campaigns/${ids[0]}/decision`, { decision: 'reject', reason: '' });
    expect(r.status).to.equal(200);
    expect(r.text).to.include('却下の理由を入力してください。');
    for (const id of ids) expect(await status(id)).to.equal('awaiting-triage');
  });

  it('lists a member whose published text names the victim, refuses it per member until ticked, and approves the rest', async () => {
    await env.ctx.store.updateSubmission(ids[2]!, { campaign: 'Taro Yamada alerts' }, env.now().toISOString());
    const page = await client.get(`/console/campaigns/${ids[0]}`);
    const check = new RegExp(`<div class="victim-check" data-member="${ids[2]}">[\\s\\S]*?value="${ids[2]} ([0-9a-f]{64})"`).exec(page.text);
    expect(check, 'victim check listed with its fingerprint').to.not.equal(null);
    expect(page.text).to.include('Taro Yamada alerts');
    const first = await client.post(`/console/campaigns/${ids[0]}/decision`, { decision: 'approve' });
    expect(first.text).to.include('承認：2 件完了、1 件拒否。');
    expect(memberRow(first.text, ids[2]!)).to.include('承認できません：先に被害者名の警告を確認してください。');
    expect([await status(ids[0]!), await status(ids[1]!), await status(ids[2]!)]).to.deep.equal(['published', 'published', 'awaiting-triage']);
    const second = await client.post(`/console/campaigns/${ids[0]}/decision`, { decision: 'approve', ack: `${ids[2]} ${check![1]}` });
    expect(second.text).to.include('承認：3 件完了、0 件拒否。');
    expect(await status(ids[2]!)).to.equal('published');
  });

  it('a false positive rejects every member and marks the indicators they share for the whole exchange', async () => {
    await client.get(`/console/campaigns/${ids[0]}`);
    const r = await client.post(`/console/campaigns/${ids[0]}/decision`, { decision: 'false-positive', reason: '正規の通知' });
    expect(r.text).to.match(/誤検知として処理：3 件完了、0 件拒否。 交換全体で誤検知として登録した指標：[1-9]\d* 件。/);
    for (const id of ids) expect(await status(id)).to.equal('rejected');
    const url = (await env.ctx.store.listIndicatorsForSubmission(ids[0]!)).find((i) => i.indicator.value === 'https://alert-confirm.top/c')!;
    expect(await env.ctx.store.markedFalsePositives([url.indicator.id])).to.deep.equal([url.indicator.id]);
  });
});
