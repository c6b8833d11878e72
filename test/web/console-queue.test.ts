// The queue page over HTTP: counts per status, filters that survive paging, both orders, and the
// JSON the auto-refresh script polls.
import { expect } from 'chai';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { buildPhishForward, ingest } from './helpers/submissions.ts';

describe('console queue', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let client: ConsoleClient;
  const ids: string[] = [];

  before(async () => {
    env = await startConsoleEnv({ console: { queueRefreshSeconds: 15 } });
    for (let i = 0; i < 55; i++) {
      env.advance(60_000);
      ids.push(
        await ingest(env, await buildPhishForward({ subject: i % 5 === 0 ? `Payroll notice ${i}` : `Invoice ${i}`, messageId: `<q${i}@invoice-portal.top>` })),
      );
    }
    await env.ctx.store.updateSubmission(ids[3]!, { status: 'awaiting-triage' }, env.now().toISOString());
    client = (await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now)).client;
  });
  after(async () => {
    await env.close();
  });

  const rows = (text: string) => [...text.matchAll(/data-submission="([^"]+)"/g)].map((m) => m[1]!);

  it('counts submissions per status and lists the default status (awaiting triage)', async function () {
    const r = await client.get('/console/queue');
    expect(r.text).to.match(/data-count-status="received">54</);
    expect(r.text).to.match(/data-count-status="awaiting-triage">1</);
    expect(r.text).to.match(/data-count-status="all">55</);
    expect(rows(r.text)).to.deep.equal([ids[3]]);
  });

  it('pages 50 at a time newest first, keeping the filters in the next-page link', async function () {
    const first = await client.get('/console/queue?status=received&q=invoice');
    const firstRows = rows(first.text);
    expect(firstRows).to.have.length(43);
    const all = await client.get('/console/queue?status=all');
    expect(rows(all.text)).to.have.length(50);
    expect(rows(all.text)[0]).to.equal(ids[54]);
    const next = /rel="next" href="([^"]+)"/.exec(all.text)![1]!.replace(/&amp;/g, '&').replace(/&#61;/g, '=');
    expect(next).to.include('status=all');
    const second = await client.get(next);
    expect(rows(second.text)).to.deep.equal(ids.slice(0, 5).reverse());
  });

  it('filters by text and sorts oldest first', async function () {
    const r = await client.get('/console/queue?status=all&q=payroll&order=oldest');
    expect(rows(r.text)).to.deep.equal(ids.filter((_, i) => i % 5 === 0));
    expect(r.text).to.match(/data-count-status="all">11</);
  });

  it('filters by the day received in the analyst’s time zone', async function () {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(env.now());
    expect(rows((await client.get(`/console/queue?status=all&from=${day}&to=${day}`)).text)).to.have.length(50);
    expect(rows((await client.get('/console/queue?status=all&from=2030-01-01')).text)).to.deep.equal([]);
  });

  it('answers 404 for a static file that is not there, 200 for the stylesheet', async function () {
    expect((await client.get('/console/static/missing.css')).status).to.equal(404);
    expect((await client.get('/console/static/console.css')).status).to.equal(200);
  });

  it('tells the auto-refresh how many new submissions match since the newest shown, without reloading', async function () {
    const page = await client.get('/console/queue?status=received&q=invoice');
    const since = /data-poll-since="([^"]+)"/.exec(page.text)![1]!;
    expect(page.text).to.include('data-poll-seconds="15"');
    const before = await (await client.get(`/console/queue.json?status=received&q=invoice&since=${since}`)).text;
    expect(JSON.parse(before)).to.deep.include({ newer: 0 });
    env.advance(60_000);
    await ingest(env, await buildPhishForward({ subject: 'Invoice late', messageId: '<late@invoice-portal.top>' }));
    await ingest(env, await buildPhishForward({ subject: 'Payroll late', messageId: '<late2@invoice-portal.top>' }));
    const after = JSON.parse((await client.get(`/console/queue.json?status=received&q=invoice&since=${since}`)).text) as {
      newer: number;
      counts: Record<string, number>;
    };
    expect(after.newer).to.equal(1);
    expect(after.counts.received).to.equal(44);
  });
});
