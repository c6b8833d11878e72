// The analysis of one submission end to end: forwards accepted by the real accept pipeline, the
// real SQLite store and vault, YARA-X over the project's rules, AV not configured unless said.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/logger.ts';
import type { Sample, Submission } from '../../core/types.ts';
import { createAvScanner } from '../../analysis/engines/clamav.ts';
import { analyseSubmission, type AnalysisResult, type AnalysisSummary } from '../../analysis/pipeline.ts';
import type { FileAnalysis } from '../../analysis/types.ts';
import { buildForward, type MailSpec } from '../fixtures/mail-builder.ts';
import { SENDER } from '../ingest/helpers/smtp-env.ts';
import { rulesScanner, startAnalysisEnv, type AnalysisEnv } from './helpers/analysis-env.ts';
import { buildLnk, buildWord, buildZip, gzip, nestedZips, withDeclaredSize } from './helpers/file-builders.ts';

const log = createLogger({ level: 'silent' });

function suspect(attachments: MailSpec['attachments'], text = 'Please check the attached file.', extra: Partial<MailSpec> = {}): MailSpec {
  return { from: 'Billing <billing@invoices-secure.example>', to: 'Taro Yamada <taro@rail.example>', subject: 'Invoice 4411', text, attachments, ...extra };
}

const forward = (s: MailSpec | readonly MailSpec[], note = 'Suspicious mail received today.') => buildForward('rfc822', s, { note, submitter: SENDER });

const named = (summary: AnalysisSummary, name: string): FileAnalysis => {
  const f = summary.files.find((x) => x.file.path[x.file.path.length - 1] === name);
  if (!f) throw new Error(`no file ${name} in ${summary.files.map((x) => x.file.path.join('/')).join(', ')}`);
  return f;
};

const rules = (f: FileAnalysis) => (f.yara.kind === 'scanned' ? f.yara.matches : []);

describe('analyseSubmission', function () {
  this.timeout(30_000);
  let env: AnalysisEnv;
  // One data directory for the suite: every test forwards its own mail, so they do not meet.
  before(async () => (env = await startAnalysisEnv()));
  after(async () => env.close());

  async function analyse(
    raw: Buffer,
    finalAttempt = false,
    deps = env.deps(),
  ): Promise<{ result: AnalysisResult; submission: Submission; samples: readonly Sample[] }> {
    const [submission] = await env.accept(raw);
    const result = await analyseSubmission(deps, submission!, { finalAttempt });
    return { result, submission: (await env.ctx.store.getSubmission(submission!.id))!, samples: await env.ctx.store.listSamples(submission!.id) };
  }

  it('flags the macro of a .docm, stores it and its VBA project as samples, and YARA names the macro', async () => {
    const docm = await buildWord({ macro: true });
    const { result, submission, samples } = await analyse(
      await forward(suspect([{ filename: '請求書.docm', content: docm, contentType: 'application/vnd.ms-word.document.macroEnabled.12' }])),
    );
    expect(result.kind).to.equal('analysed');
    expect(submission.status).to.equal('awaiting-triage');
    const doc = named(result.summary, '請求書.docm');
    expect(doc.facts).to.include({ detectedExt: 'docm' });
    expect(doc.facts.flags.macros).to.equal(true);
    const vba = named(result.summary, 'word/vbaProject.bin');
    expect(vba.file).to.include({ role: 'member', parentSha256: doc.facts.sha256 });
    expect(rules(vba).flatMap((m) => m.tags)).to.include('macro');
    expect(doc.av).to.deep.equal({ kind: 'not-configured' });

    const sample = samples.find((s) => s.sha256 === doc.facts.sha256)!;
    expect(sample).to.include({ role: 'attachment', declaredName: '請求書.docm', detectedType: doc.facts.detectedType, class: submission.classes.sample });
    expect((sample.details as { facts: { flags: { macros: boolean } } }).facts.flags.macros).to.equal(true);
    expect(samples.map((s) => s.role)).to.include.members(['raw', 'original', 'attachment', 'member']);
    expect(await env.ctx.vault.has(vba.facts.sha256)).to.equal(true);
    expect((submission.details.analysis as AnalysisSummary).files).to.have.length(2);
  });

  it('finds a .lnk in a zip: a member sample detected as a shortcut, with the LNK lure rule', async () => {
    const zip = await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }]);
    const { result, samples } = await analyse(await forward(suspect([{ filename: 'invoice.zip', content: zip, contentType: 'application/zip' }])));
    const lnk = named(result.summary, 'invoice.pdf.lnk');
    expect(lnk.facts.detectedExt).to.equal('lnk');
    expect(lnk.file.path).to.deep.equal(['invoice.zip', 'invoice.pdf.lnk']);
    expect(rules(lnk).flatMap((m) => m.tags)).to.include('lnk');
    expect(samples.find((s) => s.sha256 === lnk.facts.sha256)).to.include({ role: 'member', detectedType: 'application/x.ms.shortcut' });
  });

  it('opens a PPAP zip with the password written in the Japanese body and records which one', async () => {
    const payload = buildLnk();
    const zip = await buildZip([{ name: '見積書.lnk', content: payload }], { password: 'Xk9#pQ2w' });
    const body = 'いつもお世話になっております。\n見積書をお送りします。\n\n解凍パスワード：Ｘｋ９＃ｐＱ２ｗ\n\nよろしくお願いいたします。';
    const { result, submission, samples } = await analyse(
      await forward(
        suspect([{ filename: '見積書.zip', content: zip, contentType: 'application/zip' }], body, { charset: 'iso-2022-jp', subject: '見積書の件' }),
      ),
    );
    expect(named(result.summary, '見積書.zip').archive).to.deep.equal({ kind: 'expanded', members: 1, password: 'Xk9#pQ2w' });
    expect(named(result.summary, '見積書.zip').facts.flags.encrypted).to.equal(true);
    const member = named(result.summary, '見積書.lnk');
    expect(samples.find((s) => s.sha256 === member.facts.sha256)).to.include({ role: 'member', class: submission.classes.sample });
    expect((await env.ctx.vault.get(member.facts.sha256)).equals(payload)).to.equal(true);
  });

  it('takes the PPAP password from a second mail forwarded in the same message', async () => {
    const zip = await buildZip([{ name: 'doc.lnk', content: buildLnk() }], { password: 'Tr7$eW2q', encryption: 'aes' });
    const first = suspect([{ filename: 'doc.zip', content: zip, contentType: 'application/zip' }], '資料をお送りします。パスワードは別途お送りします。');
    const second = {
      ...suspect([], '先ほどの資料のパスワードをお知らせします。\n\nTr7$eW2q\n'),
      subject: 'パスワードのお知らせ',
      messageId: '<pw-2@invoices-secure.example>',
    };
    const [zipMail] = await env.accept(await forward([{ ...first, messageId: '<doc-1@invoices-secure.example>' }, second]));
    const result = await analyseSubmission(env.deps(), zipMail!, { finalAttempt: false });
    expect(named(result.summary, 'doc.zip').archive).to.deep.equal({ kind: 'expanded', members: 1, password: 'Tr7$eW2q' });
  });

  it('reports an encrypted zip without a password in the mail as encrypted, with no member samples', async () => {
    const zip = await buildZip([{ name: 'doc.lnk', content: buildLnk() }], { password: 'unknown-9' });
    const { result, samples } = await analyse(await forward(suspect([{ filename: 'doc.zip', content: zip, contentType: 'application/zip' }])));
    expect(named(result.summary, 'doc.zip').archive).to.deep.include({ kind: 'encrypted' });
    expect(samples.filter((s) => s.role === 'member')).to.deep.equal([]);
  });

  it('reports a zip bomb as a bomb and expands nothing of it', async () => {
    const bomb = withDeclaredSize(await buildZip([{ name: 'disk.img', content: Buffer.from('tiny') }], { level: 0 }), 0xfffffff0);
    const ratio = await buildZip([{ name: 'zeros.bin', content: Buffer.alloc(8 * 1024 * 1024) }], { level: 9 });
    const { result, samples } = await analyse(
      await forward(
        suspect([
          { filename: 'huge.zip', content: bomb, contentType: 'application/zip' },
          { filename: 'ratio.zip', content: ratio, contentType: 'application/zip' },
        ]),
      ),
    );
    expect(named(result.summary, 'huge.zip').archive).to.deep.include({ kind: 'bomb' });
    expect(named(result.summary, 'ratio.zip').archive).to.deep.include({ kind: 'bomb' });
    expect(result.summary.archives).to.deep.equal({ bomb: 2 });
    expect(samples.filter((s) => s.role === 'member')).to.deep.equal([]);
  });

  it('stops at nested zips beyond the depth limit and says so', async () => {
    const zip = await nestedZips(4, { name: 'deep.lnk', content: buildLnk() });
    const { result } = await analyse(
      await forward(suspect([{ filename: 'a1.zip', content: zip, contentType: 'application/zip' }])),
      false,
      env.deps({ limits: { maxArchiveDepth: 2 } }),
    );
    expect(named(result.summary, 'a3.zip').archive).to.deep.equal({ kind: 'too-deep', depth: 3 });
    expect(result.summary.files.map((f) => f.file.path.join('/'))).to.not.include('a1.zip/a2.zip/a3.zip/a4.zip');
  });

  it('expands a gzip attachment into a sample', async () => {
    const lnk = buildLnk();
    const { result, samples } = await analyse(await forward(suspect([{ filename: 'scan.lnk.gz', content: gzip(lnk), contentType: 'application/gzip' }])));
    const member = named(result.summary, 'scan.lnk');
    expect(member.facts.detectedExt).to.equal('lnk');
    expect(samples.some((s) => s.sha256 === member.facts.sha256 && s.role === 'member')).to.equal(true);
  });

  it('stores the file indicators with this submission as source, under the class chosen for files', async () => {
    const zip = await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }]);
    const { result, submission } = await analyse(
      await forward(suspect([{ filename: 'invoice.zip', content: zip, contentType: 'application/zip' }]), 'C4TAP-Class: file=AMBER network=GREEN'),
    );
    expect(submission.classes).to.include({ file: 'AMBER', network: 'GREEN' });
    const lnk = named(result.summary, 'invoice.pdf.lnk');
    const stored = await env.ctx.store.listIndicatorsForSubmission(submission.id);
    const hash = stored.find((i) => i.indicator.type === 'file-sha256' && i.indicator.value === lnk.facts.sha256);
    expect(hash, 'file-sha256 indicator of the shortcut').to.not.equal(undefined);
    expect(hash!.sources.find((s) => s.submissionId === submission.id)).to.include({ kind: 'file', class: 'AMBER' });
    expect(result.summary.indicators).to.equal(stored.length);
  });

  it('records the verdict suggestion, redactions, cluster and related submissions in the summary', async () => {
    const zip = await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk('powershell -enc UniqueForRelatedTest') }]);
    const mail = (n: number) =>
      forward(
        suspect([{ filename: 'invoice.zip', content: zip, contentType: 'application/zip' }], 'Taro Yamada様\nPlease open the invoice.', {
          subject: `Taro Yamada様 ご請求書 ${n}`,
          messageId: `<rel-${n}@invoices-secure.example>`,
        }),
      );
    await analyse(await mail(1));
    const { result, submission } = await analyse(await mail(2));
    const summary = submission.details.analysis as AnalysisSummary;
    expect(summary.verdict!.verdict).to.be.oneOf(['malicious', 'suspicious']);
    expect(summary.verdict!.reasons.join('\n')).to.match(/LNK|lnk/);
    expect(summary.sanitizedSubject).to.not.match(/Yamada/i);
    expect(summary.redactions.some((r) => /Yamada/i.test(r.before))).to.equal(true);
    expect(summary.related!.submissions).to.be.greaterThan(0);
    expect(summary.cluster).to.not.equal(null);
    expect(result.summary.indicators).to.be.greaterThan(0);
  });

  describe('scans that did not complete', () => {
    let dir: string;
    beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'c4tap-norules-'))));
    afterEach(async () => rm(dir, { recursive: true, force: true }));

    it('asks for a retry when YARA could not scan (no rules loaded), keeping the samples', async () => {
      const yara = await rulesScanner(log, dir);
      try {
        const { result, submission, samples } = await analyse(
          await forward(suspect([{ filename: 'a.lnk', content: buildLnk(), contentType: 'application/octet-stream' }])),
          false,
          env.deps({ yara }),
        );
        expect(result.kind).to.equal('retry');
        expect(result.kind === 'retry' && result.reason).to.match(/YARA not scanned/);
        expect(submission.status).to.not.equal('awaiting-triage');
        expect(samples.some((s) => s.role === 'attachment')).to.equal(true);
        expect((submission.details.analysis as AnalysisSummary).incomplete.length).to.be.greaterThan(0);
      } finally {
        await yara.close();
      }
    });

    it('on the last attempt goes to triage marked incomplete instead of clean', async () => {
      const yara = await rulesScanner(log, dir);
      try {
        const { result, submission } = await analyse(
          await forward(suspect([{ filename: 'a.lnk', content: buildLnk(), contentType: 'application/octet-stream' }])),
          true,
          env.deps({ yara }),
        );
        expect(result.kind).to.equal('analysed');
        expect(submission.status).to.equal('awaiting-triage');
        expect(result.summary.incomplete.join('\n')).to.match(/a\.lnk: YARA not scanned/);
        expect(named(result.summary, 'a.lnk').yara.kind).to.equal('not-scanned');
      } finally {
        await yara.close();
      }
    });

    it('asks for a retry when clamd cannot be reached (AV not scanned, transient)', async () => {
      const av = createAvScanner({ socket: path.join(dir, 'no-clamd.sock'), timeoutMs: 2000 } as Parameters<typeof createAvScanner>[0], log)!;
      const { result } = await analyse(
        await forward(suspect([{ filename: 'a.lnk', content: buildLnk(), contentType: 'application/octet-stream' }])),
        false,
        env.deps({ av }),
      );
      expect(result.kind).to.equal('retry');
      expect(named(result.summary, 'a.lnk').av).to.deep.include({ kind: 'not-scanned', transient: true });
    });
  });
});
