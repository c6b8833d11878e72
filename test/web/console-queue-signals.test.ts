// The queue built for triage (issue 16): each row shows the verdict analysis suggested with its
// top reasons, AV/YARA hits, attachments, mass vs targeted with organisations and sectors, age;
// the analyst filters on the suggested verdict and the reach, and sorts the page by score. A
// macro .docm no longer looks like "5% off" spam, and the dashboard does not call mass mail 標的型.
import { expect } from 'chai';
import { buildWord } from '../analysis/helpers/file-builders.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { addParticipants, analyse, buildPhishForward, ingest, ingestAndAnalyse } from './helpers/submissions.ts';

describe('console queue: triage signals', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  let client: ConsoleClient;
  let docm: string;
  let spam: string;
  let massLast: string;

  before(async () => {
    env = await startConsoleEnv();
    const ja = await env.addAccount('analyst-ja', ['analyst'], undefined, { language: 'ja' });
    client = (await loginAndEnrol(env.origin, 'analyst-ja', ja.password, env.now)).client;
    docm = (
      await ingestAndAnalyse(env, {
        subject: 'Quarterly plan',
        text: 'Dear Taro,\nplease review the attached plan before Monday.\n',
        attachments: [{ filename: 'plan.docm', contentType: 'application/vnd.ms-word.document.macroEnabled.12', content: await buildWord({ macro: true }) }],
      })
    ).id;
    env.advance(60_000);
    spam = (await ingestAndAnalyse(env, { subject: '5% off this week only', text: 'Big sale at https://sale-spam.top/deal today.\n' })).id;
    // One mass mailing reported by the rail operator and three organisations in two other sectors.
    const others = await addParticipants(env, ['power', 'power', 'finance']);
    const mass = { subject: 'Your parcel is waiting', text: 'Track it at https://parcel-track.top/t/88 now.\n', messageId: '<parcel-88@parcel-track.top>' };
    await ingestAndAnalyse(env, mass);
    for (const o of others) {
      env.advance(60_000);
      massLast = await ingest(env, await buildPhishForward(mass), o.submitter);
      await analyse(env, massLast);
    }
  });
  after(() => env?.close());

  const row = (page: string, id: string) => new RegExp(`<tr data-submission="${id}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';

  it('shows the suggested verdict with its top reason, the YARA hit and the .docm for a macro document, in Japanese', async () => {
    const page = (await client.get('/console/queue')).text;
    const r = row(page, docm);
    expect(r).to.match(/data-testid="suggested">(悪性|不審)</);
    expect(r).to.include('Office マクロ（VBA プロジェクト）');
    expect(r).to.match(/class="tag yara"/);
    expect(r).to.match(/data-testid="attachments">1 件</);
    expect(r).to.include('docm');
    expect(r).to.match(/data-testid="reach">標的型</);
    const s = row(page, spam);
    expect(s).to.match(/data-testid="suggested">不明</);
    expect(s).to.include('検出なし（良性の証拠ではない）');
  });

  it('labels the mailing reported by four organisations in three sectors as mass, with the counts', async () => {
    const r = row((await client.get('/console/queue')).text, massLast);
    expect(r).to.match(/data-testid="reach">大量配信</);
    expect(r).to.include('4 組織・3 業種');
  });

  it('filters on the suggested verdict (no verdict was set by hand) and on the reach', async () => {
    const ids = (text: string) => [...text.matchAll(/data-submission="([^"]+)"/g)].map((m) => m[1]!);
    const suggested = ids((await client.get('/console/queue?status=all&suggested=malicious')).text);
    const suspicious = ids((await client.get('/console/queue?status=all&suggested=suspicious')).text);
    expect([...suggested, ...suspicious]).to.include(docm);
    expect([...suggested, ...suspicious]).to.not.include(spam);
    // Labelled when analysed: the third and fourth reports (3+ organisations in 2+ sectors) are mass.
    const mass = ids((await client.get('/console/queue?status=all&reach=mass')).text);
    expect(mass).to.have.length(2);
    expect(mass[0]).to.equal(massLast);
    expect(ids((await client.get('/console/queue?status=all&reach=targeted')).text)).to.include(docm);
  });

  it('sorts the page by the suggested score, highest first', async () => {
    const ids = [...(await client.get('/console/queue?status=all&sort=score')).text.matchAll(/data-submission="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids[0]).to.equal(docm);
  });

  it('approves what a filter shows with one bulk decision, through the same triage functions (status, audit)', async () => {
    await client.get('/console/queue?status=all&reach=mass');
    const r = await client.post('/console/queue/bulk', { ids: massLast, action: 'approve', back: '/console/queue?reach=mass' });
    expect(r.status).to.equal(303);
    expect(r.location).to.include('p.done=1').and.include('p.refused=0');
    expect((await env.ctx.store.getSubmission(massLast))!.status).to.equal('published');
    const audit = await env.ctx.store.listAudit(0, 10_000);
    expect(audit.some((e) => e.target === massLast && e.action === 'submission.published')).to.equal(true);
  });

  it('does not count the mass mailing as targeted on the dashboard', async () => {
    const page = (await client.get('/console/dashboard')).text;
    // As analysis labelled them: the docm, the sale mail and the first parcel report (one
    // organisation, one named recipient) targeted; the second parcel report undetermined; two mass.
    expect(page).to.include('<title>大量配信: 2</title>');
    expect(page).to.include('<title>標的型: 3</title>');
    expect(page).to.include('<title>判定不能: 1</title>');
  });
});
