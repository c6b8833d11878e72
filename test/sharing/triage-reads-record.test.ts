// Issue 13: the raw mail is parsed once per stage that needs its bytes (ingest, analysis), never by
// the console or triage. Analysis records an AnalysisRecord and seals the original's evidence in
// the vault; showing a submission page and taking it through the victim gate and approval over
// REST read that record, never the raw message (the vault is watched: any read of the raw blob, the
// only way to parse it, fails the test). A submission analysed before the record existed is shown
// as such, and the gate still protects the registry's names.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAnalysisRecord } from '../../core/analysis-record/index.ts';
import { issueToken } from '../../core/tokens.ts';
import type { Principal, Submission } from '../../core/types.ts';
import type { Vault } from '../../quarantine/vault-port.ts';
import { startConsoleEnv, type ConsoleEnv } from '../web/helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from '../web/helpers/http-client.ts';
import { ingestAndAnalyse } from '../web/helpers/submissions.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The console's outbox view parses the exchange's own outgoing mail (receipts, digests), never a submission. */
const OWN_MAIL_VIEWS = new Set(['web/console/admin/outbox-message.ts']);

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(p);
    else if (entry.name.endsWith('.ts')) yield p;
  }
}

describe('triage and the console read the analysis record, not the raw mail', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  let client: ConsoleClient;
  let sub: Submission;
  /** Blob ids the console and the API read from the vault while the test watches. */
  const reads: string[] = [];

  before(async () => {
    env = await startConsoleEnv({ api: true });
    client = (await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now)).client;
    sub = await ingestAndAnalyse(env, {
      subject: '=?ISO-2022-JP?B?GyRCQGBKXD1xGyhC?= invoice',
      text: 'Dear Taro,\nplease pay at https://invoice-portal.top/pay?id=77\n',
    });
    expect(sub.status).to.equal('awaiting-triage');
    // Watched from here on: analysis is done, only readers run.
    const vault = env.ctx.vault as { get: Vault['get'] };
    const get = vault.get.bind(env.ctx.vault);
    vault.get = async (sha256: string) => {
      reads.push(sha256);
      return get(sha256);
    };
  });
  after(() => env?.close());

  const tokens = new Map<string, string>();
  async function api(p: Principal, method: 'GET' | 'POST', route: string, body?: unknown, id = sub.id): Promise<Response> {
    let token = tokens.get(p.id);
    if (!token) tokens.set(p.id, (token = (await issueToken(env.ctx.store, env.ctx.tokenSettings, p, 3600_000, 'test', env.now())).token));
    const headers = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    return fetch(`${env.origin}/api/v1/submissions/${id}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  it('shows the original (decoded headers, text body) on the submission page from the sealed evidence, without reading the raw mail', async function () {
    const page = await client.get(`/console/submissions/${sub.id}`);
    expect(page.status).to.equal(200);
    const original = /<section id="original">[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(original).to.include('data-testid="headers"');
    expect(original).to.match(/<span class="decoded">[^<]*invoice<\/span>/);
    expect(original).to.match(/data-testid="text-body">Dear Taro,\s+please pay at/);
    const read = readAnalysisRecord(sub.details);
    if (read.kind !== 'record' || !read.record.evidence) throw new Error(`no analysis record with evidence: ${read.kind}`);
    expect(reads, 'the evidence blob was read').to.include(read.record.evidence.sha256);
    expect(reads, 'the raw mail was not read').to.not.include(sub.rawSha256);
  });

  it('blocks REST approval on the victim’s display name, known only from the mail, and approves once acknowledged, without reading the raw mail', async function () {
    const analyst = env.analyst.principal;
    // "Taro Yamada" is the display name written with the victim's address in the original's To:
    // the registry does not know it; only the analysis's recorded evidence does.
    expect((await api(analyst, 'POST', '/campaign', { campaign: 'Taro Yamada invoices' })).status).to.equal(200);
    const refused = await api(analyst, 'POST', '/approve');
    expect(refused.status).to.equal(409);
    expect(((await refused.json()) as { code: string }).code).to.equal('VICTIM_CHECK_REQUIRED');
    const check = (await (await api(analyst, 'GET', '/victim-check')).json()) as { findings: { field: string; reasons: string[] }[]; fingerprint: string };
    expect(check.findings.map((f) => f.field)).to.deep.equal(['campaign']);
    expect(check.findings[0]!.reasons.join(' ')).to.match(/recipient|victim/i);
    expect((await api(analyst, 'POST', '/victim-check/acknowledge', { fingerprint: check.fingerprint })).status).to.equal(200);
    expect((await api(analyst, 'POST', '/approve')).status).to.equal(200);
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('published');
    expect(reads, 'the raw mail was not read').to.not.include(sub.rawSha256);
  });

  it('says a submission analysed before the record existed must be re-analysed, and still checks the registry’s names', async function () {
    const legacy = await ingestAndAnalyse(env, { subject: 'Legacy record' });
    const { version: _version, evidence: _evidence, ...old } = legacy.details['analysis'] as Record<string, unknown>;
    await env.ctx.store.updateSubmission(legacy.id, { details: { ...legacy.details, analysis: old } }, env.now().toISOString());
    reads.length = 0;
    const page = await client.get(`/console/submissions/${legacy.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('data-testid="original-legacy"');
    expect(page.text).to.include('re-run the analysis');
    // The analysis's other parts are still shown.
    expect(/<section id="verdict">[\s\S]*?<\/section>/.exec(page.text)![0]).to.not.include('not-analysed');
    const analyst = env.analyst.principal;
    expect((await api(analyst, 'POST', '/campaign', { campaign: `${env.participantOrg.name} lure` }, legacy.id)).status).to.equal(200);
    const check = (await (await api(analyst, 'GET', '/victim-check', undefined, legacy.id)).json()) as {
      findings: { field: string }[];
      blocks_approval: boolean;
    };
    expect(check.findings.map((f) => f.field)).to.deep.equal(['campaign']);
    expect(check.blocks_approval).to.equal(true);
    expect(reads, 'the raw mail was not read').to.not.include(legacy.rawSha256);
  });

  it('has no module of the console or sharing that calls the forward unwrapper or the MIME parser', function () {
    const offenders: string[] = [];
    for (const folder of ['web', 'sharing']) {
      for (const file of sourceFiles(path.join(ROOT, folder))) {
        const text = readFileSync(file, 'utf8');
        if (
          /\b(?:unwrapForward|parseMime|simpleParser|MailParser)\s*\(/.test(text) ||
          /from '[^']*core\/mail\/forward\/(?:index|parse-mime)\.ts'/.test(text.replace(/import type [^;]*;/g, ''))
        )
          if (!OWN_MAIL_VIEWS.has(path.relative(ROOT, file))) offenders.push(path.relative(ROOT, file));
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
