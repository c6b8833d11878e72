// The budget of one submission (config analysis.budget) and hostile archives: a zip of 100,000
// members is refused from its central directory, and a submission that spends its budget ends as
// `incomplete: budget`, shown in the verdict's reasons, and is not retried.
import { expect } from 'chai';
import { expandArchives } from '../../analysis/archives/expand.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../../analysis/archives/limits.ts';
import { countMembersUpTo } from '../../analysis/archives/zip-directory.ts';
import { analyseSubmission } from '../../analysis/pipeline.ts';
import { startWorker, type RunningWorker } from '../../analysis/worker.ts';
import { createLogger } from '../../core/logger.ts';
import { buildForward } from '../fixtures/mail-builder.ts';
import { startAnalysisEnv, type AnalysisEnv } from './helpers/analysis-env.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';
import { manyMembersZip } from './helpers/many-members-zip.ts';

const MB = 1024 * 1024;

async function zipForward(subject: string, zip: Buffer): Promise<Buffer> {
  return buildForward(
    'rfc822',
    {
      from: 'billing@invoices-secure.example',
      to: 'taro@rail.example',
      subject,
      text: 'see attached',
      attachments: [{ filename: 'invoice.zip', content: zip, contentType: 'application/zip' }],
    },
    { submitter: 'soc@rail.example', note: 'FYI' },
  );
}

describe('hostile archives', function () {
  this.timeout(60_000);

  it('refuses a zip of 100,000 members as too-many-members from its central directory, without listing them', async () => {
    const zip = manyMembersZip(100_000);
    const heapBefore = process.memoryUsage().heapUsed;
    const out = await expandArchives(
      [{ content: zip, role: 'attachment', declaredName: 'many.zip', declaredType: 'application/zip', path: ['many.zip'], parentSha256: null }],
      [],
      DEFAULT_ARCHIVE_LIMITS,
    );
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.equal({ kind: 'too-many-members', members: 100_000 });
    // Listing 100,000 entries with zip.js takes hundreds of MB of heap; counting takes none.
    expect(grown).to.be.below(64 * MB);
  });

  it('counts members past the limit by walking the central directory, keeping only what a selection keeps', async () => {
    const zip = await buildZip([
      { name: 'a.txt', content: Buffer.from('a') },
      { name: 'b.txt', content: Buffer.from('b') },
      { name: 'c.txt', content: Buffer.from('c') },
    ]);
    expect(countMembersUpTo(zip, 5)).to.equal(3);
    expect(countMembersUpTo(zip, 2)).to.be.above(2);
    expect(countMembersUpTo(zip, 2, (name) => name !== 'c.txt')).to.equal(2);
    expect(countMembersUpTo(Buffer.from('not a zip at all'), 2)).to.equal(null);
  });
});

describe('analysis budget', function () {
  this.timeout(60_000);
  let env: AnalysisEnv;
  const workers: RunningWorker[] = [];
  beforeEach(async () => (env = await startAnalysisEnv()));
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close({ abandon: true });
    await env.close();
  });

  it('ends a submission that scanned its budget of files as incomplete: budget, named first in the verdict reasons, and does not retry it', async () => {
    const zip = await buildZip([1, 2, 3, 4].map((i) => ({ name: `invoice${i}.pdf.lnk`, content: buildLnk(`cmd /c echo ${i}`) })));
    const [submission] = await env.accept(await zipForward('Invoices', zip));
    const deps = { ...env.deps(), budget: { wallClockMs: 600_000, filesScanned: 3, clamdMs: 600_000 } };
    const worker = startWorker({
      store: env.ctx.store,
      clock: env.ctx.clock,
      log: createLogger({ level: 'silent' }),
      settings: { leaseMs: 60_000, maxAttempts: 3, pollMs: 10, retryBaseMs: 1000, retryMaxMs: 8000 },
      workerId: 'w-budget',
      analyse: (s, options) => analyseSubmission(deps, s, options),
    });
    workers.push(worker);
    let job = await env.ctx.store.getJobForSubmission(submission!.id, 'analyse');
    for (const until = Date.now() + 30_000; job?.status !== 'done' && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 50));
      job = await env.ctx.store.getJobForSubmission(submission!.id, 'analyse');
    }
    expect(job).to.include({ status: 'done', attempts: 1 });
    const after = (await env.ctx.store.getSubmission(submission!.id))!;
    expect(after.status).to.equal('awaiting-triage');
    const analysis = after.details.analysis as { incomplete: string[]; verdict: { reasons: string[] }; files: { yara: { kind: string; reason?: string } }[] };
    expect(analysis.incomplete[0]).to.match(
      /^incomplete: budget: 3 files scanned, the budget \(analysis\.budget\.filesScanned\); 3 file\(s\) scanned, \d+ not scanned$/,
    );
    expect(analysis.verdict.reasons[0]).to.equal(analysis.incomplete[0]);
    // The bodies were scanned first, then files until the budget ran out; the rest are named, never clean.
    const unscanned = analysis.files.filter((f) => f.yara.kind === 'not-scanned');
    expect(unscanned.length).to.be.greaterThan(0);
    for (const f of unscanned) expect(f.yara.reason).to.match(/analysis budget of this submission was spent/);
  });

  it('ends a submission over its wall-clock budget as incomplete: budget on its first attempt', async () => {
    const zip = await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }]);
    const [submission] = await env.accept(await zipForward('Invoice', zip));
    const slowYara = {
      ...env.yara,
      scan: async (c: Buffer) => {
        await new Promise((r) => setTimeout(r, 1200));
        return env.yara.scan(c);
      },
    };
    const deps = { ...env.deps({ yara: slowYara }), budget: { wallClockMs: 1000, filesScanned: 1000, clamdMs: 600_000 } };
    const result = await analyseSubmission(deps, submission!, { finalAttempt: false });
    expect(result.kind).to.equal('analysed');
    expect(result.summary.incomplete[0]).to.match(/^incomplete: budget: wall-clock budget of 1000 ms spent/);
    expect(result.summary.verdict!.reasons[0]).to.equal(result.summary.incomplete[0]);
  });
});
