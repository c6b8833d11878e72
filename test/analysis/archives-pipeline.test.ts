// Archives nobody opened looked clean: ISO and RAR attachments were never opened, and a damaged
// archive showed "no detection". Through the real pipeline (accept, SQLite, vault, YARA-X rules):
// their members are samples and scanned; an archive that cannot be examined is named in the
// verdict and in the summary's incomplete list, and does not make the worker retry.
import { expect } from 'chai';
import { analyseSubmission } from '../../analysis/pipeline.ts';
import type { FileAnalysis } from '../../analysis/types.ts';
import { buildForward, type MailSpec } from '../fixtures/mail-builder.ts';
import { SENDER } from '../ingest/helpers/smtp-env.ts';
import { startAnalysisEnv, type AnalysisEnv } from './helpers/analysis-env.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';
import { build7zip, buildIso, buildRar } from './helpers/archive-builders.ts';

const suspect = (attachments: MailSpec['attachments']): MailSpec => ({
  from: 'Billing <billing@invoices-secure.example>',
  to: 'taro@rail.example',
  subject: 'Invoice 4411',
  text: 'See the attached invoice.',
  attachments,
});

describe('archives of other formats through the analysis pipeline', function () {
  this.timeout(60_000);
  let env: AnalysisEnv;
  before(async () => (env = await startAnalysisEnv()));
  after(async () => env.close());

  async function analyse(attachments: MailSpec['attachments']) {
    const [submission] = await env.accept(await buildForward('rfc822', suspect(attachments), { note: 'FYI', submitter: SENDER }));
    const result = await analyseSubmission(env.deps(), submission!, { finalAttempt: false });
    return { result, samples: await env.ctx.store.listSamples(submission!.id) };
  }
  const named = (files: readonly FileAnalysis[], path: string) => files.find((f) => f.file.path.join('/') === path);

  it('stores and scans the .lnk inside an ISO and inside a RAR: member samples with the LNK rule', async () => {
    const lure = [{ name: 'invoice.pdf.lnk', content: buildLnk() }];
    const { result, samples } = await analyse([
      { filename: 'invoice.iso', content: buildIso(lure), contentType: 'application/x-iso9660-image' },
      { filename: 'scan.rar', content: buildRar(lure), contentType: 'application/vnd.rar' },
    ]);
    expect(result.kind).to.equal('analysed');
    for (const path of ['invoice.iso/invoice.pdf.lnk', 'scan.rar/invoice.pdf.lnk']) {
      const f = named(result.summary.files, path);
      expect(f, path).to.not.equal(undefined);
      expect(f!.yara.kind === 'scanned' && f!.yara.matches.flatMap((m) => m.tags)).to.include('lnk');
      expect(samples.some((s) => s.sha256 === f!.facts.sha256 && s.role === 'member')).to.equal(true);
    }
    expect(result.summary.verdict!.verdict).to.equal('malicious');
  });

  it('lists a member that could not be read from an otherwise opened zip as not examined', async () => {
    const zip = await buildZip(
      [
        { name: 'good.txt', content: Buffer.from('good content') },
        { name: 'bad.lnk', content: Buffer.from('BBBBBBBBBBBBBBBB') },
      ],
      { level: 0 },
    );
    const at = zip.indexOf('BBBBBBBBBBBBBBBB', 0, 'latin1');
    zip[at] = 0x43; // the stored data no longer matches its CRC-32
    const { result } = await analyse([{ filename: 'pair.zip', content: zip, contentType: 'application/zip' }]);
    expect(result.kind).to.equal('analysed');
    expect(named(result.summary.files, 'pair.zip')!.archive).to.deep.include({ kind: 'expanded', members: 1 });
    expect(result.summary.incomplete.join('\n')).to.match(/pair\.zip: member not examined \(bad\.lnk: /);
  });

  it('names a damaged 7z as not examined in the verdict and the incomplete list, and finishes without a retry', async () => {
    const good = build7zip('7z', [{ name: 'a.lnk', content: buildLnk() }]);
    const damaged = Buffer.concat([good.subarray(0, 12), Buffer.alloc(good.length - 12, 0x41)]);
    const { result } = await analyse([{ filename: 'docs.7z', content: damaged, contentType: 'application/x-7z-compressed' }]);
    expect(result.kind).to.equal('analysed');
    expect(named(result.summary.files, 'docs.7z')!.archive).to.deep.include({ kind: 'unreadable' });
    const reasons = result.summary.verdict!.reasons;
    expect(
      reasons.some((r) => /^not examined: docs\.7z \(unreadable archive: .*\); its contents were not scanned$/.test(r)),
      reasons.join('\n'),
    ).to.equal(true);
    expect(reasons.join('\n')).to.not.match(/no detection/);
    expect(result.summary.incomplete.join('\n')).to.match(/docs\.7z: not examined \(unreadable archive/);
  });
});
