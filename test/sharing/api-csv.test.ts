// CSV of the indicator pull (issue 15): by default RFC 4180 with the raw values, so blocklist
// importers get what JSON says and no cell spills onto a new record; with `excel=1` a UTF-8 BOM and
// formula-leading cells escaped as OWASP recommends (single-quote prefix, quoted cell).
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import { allClasses } from './helpers/world.ts';
import { openApiEnv, type ApiEnv } from './helpers/api-env.ts';

type Item = Record<string, unknown> & { id: string; value: string };

const TRICKY: readonly IndicatorInput[] = [
  { type: 'email-subject', value: '\n=1+1', kind: 'mail', class: 'AMBER' },
  { type: 'email-subject', value: 'line one\rline two', kind: 'mail', class: 'AMBER' },
  { type: 'email-subject', value: '=HYPERLINK("http://evil.example","click")', kind: 'mail', class: 'AMBER' },
  { type: 'email-subject', value: '+81 請求書, "至急"\r\n確認', kind: 'mail', class: 'AMBER' },
  { type: 'file-name', value: '@SUM(A1).xlsm', kind: 'file', class: 'AMBER' },
  { type: 'file-name', value: '-2+3.lnk', kind: 'file', class: 'AMBER' },
  { type: 'x-mailer', value: '\uFF1Dcmd|/C calc', kind: 'mail', class: 'AMBER' },
  { type: 'x-mailer', value: '\tTab Mailer', kind: 'mail', class: 'AMBER' },
  { type: 'domain-name', value: 'plain.example', kind: 'network', class: 'AMBER' },
];
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

describe('REST API: CSV for blocklists and spreadsheets', function () {
  let env: ApiEnv;
  let json: Item[];
  beforeEach(async () => {
    env = await openApiEnv();
    await env.w.addSubmission('s-csv', env.orgs.secretariat, env.people.analyst, allClasses('AMBER'), [...TRICKY]);
    await env.publish('s-csv');
    json = ((await (await env.get(env.people.railReader, '/indicators?format=json')).json()) as { items: Item[] }).items;
  });
  afterEach(() => env.close());

  it('serves the raw values by default, every cell with CR, LF, comma or quote quoted, so no value starts a record of its own', async function () {
    const res = await env.get(env.people.railReader, '/indicators?format=csv');
    expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/);
    const text = await res.text();
    expect(text.charCodeAt(0), 'no BOM by default').to.not.equal(0xfeff);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['value'])).to.deep.equal(json.map((j) => j.value));
    expect(rows.map((r) => r['value'])).to.have.members(TRICKY.map((t) => t.value));
    // The value "\n=1+1" is one quoted cell, not the end of a record and a new one starting =1+1.
    expect(text).to.include('"\n=1+1"').and.include('"line one\rline two"');
    expect(text).to.include('"=HYPERLINK(""http://evil.example"",""click"")"');
    expect(text.endsWith('\r\n')).to.equal(true);
  });

  it('with excel=1 adds a UTF-8 BOM and escapes every formula-leading cell with a quoted single-quote prefix, leaving the raw value in JSON', async function () {
    const res = await env.get(env.people.railReader, '/indicators?excel=1');
    expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/);
    const body = Buffer.from(await res.arrayBuffer());
    expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const expected = json.map((j) => (FORMULA_START.test(j.value) ? `'${j.value}` : j.value));
    expect(rows.map((r) => r['value'])).to.deep.equal(expected);
    expect(rows.filter((r) => r['value']!.startsWith("'"))).to.have.length(6);
    for (const v of ['=HYPERLINK(""http://evil.example"",""click"")', '@SUM(A1).xlsm', '-2+3.lnk', '\uFF1Dcmd|/C calc', '\tTab Mailer']) {
      expect(text, v).to.include(`"'${v}"`);
    }
    expect(json.map((j) => j.value)).to.have.members(TRICKY.map((t) => t.value));
  });

  it('escapes a single indicator the same way with excel=1 and keeps it raw without', async function () {
    const id = indicatorId('file-name', '@SUM(A1).xlsm');
    // Read as bytes: fetch's text() would drop the BOM.
    const excel = Buffer.from(await (await env.get(env.people.railReader, `/indicators/${id}?format=csv&excel=1`)).arrayBuffer()).toString('utf8');
    expect(excel.startsWith('\uFEFF')).to.equal(true);
    expect((parse(excel.slice(1), { columns: true }) as Record<string, string>[])[0]).to.include({ value: "'@SUM(A1).xlsm" });
    const raw = await (await env.get(env.people.railReader, `/indicators/${id}?format=csv`)).text();
    expect((parse(raw, { columns: true }) as Record<string, string>[])[0]).to.include({ value: '@SUM(A1).xlsm' });
  });

  it('refuses excel=1 beside a format other than CSV, and an excel value other than 0 or 1, with 400', async function () {
    for (const q of ['excel=1&format=json', 'excel=1&format=stix', 'excel=yes']) {
      const res = await env.get(env.people.railReader, `/indicators?${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.headers.get('content-type'), q).to.match(/^application\/problem\+json/);
    }
  });
});
