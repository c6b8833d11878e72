// message/rfc822 nested 50 deep: analysis used to stop at the unwrap depth limit without a word,
// and the innermost URL was never seen. The cut is now a warning and makes the analysis incomplete.
import { expect } from 'chai';
import { findFiles } from '../../analysis/files/find-files.ts';
import { analyseSubmission } from '../../analysis/pipeline.ts';
import { unwrapForward, DEFAULT_UNWRAP_LIMITS, type OriginalItem } from '../../core/mail/forward/index.ts';
import { buildForward, buildMail, type MailSpec } from '../fixtures/mail-builder.ts';
import { SENDER } from '../ingest/helpers/smtp-env.ts';
import { startAnalysisEnv, type AnalysisEnv } from './helpers/analysis-env.ts';

/** A lure with the innermost URL, wrapped in `levels` messages, each attached to the next. */
async function nestedMessages(levels: number): Promise<MailSpec> {
  let current = await buildMail({
    from: 'x@lure.example',
    to: 'taro@rail.example',
    subject: 'level 0',
    text: 'login at https://innermost.lure.example/verify',
  });
  for (let i = 1; i < levels; i++) {
    current = await buildMail({
      from: 'x@lure.example',
      to: 'taro@rail.example',
      subject: `level ${i}`,
      text: `wrapped ${i}`,
      attachments: [{ filename: `level-${i - 1}.eml`, content: current, contentType: 'message/rfc822' }],
    });
  }
  return {
    from: 'Billing <x@lure.example>',
    to: 'taro@rail.example',
    subject: 'Fwd: nested',
    text: 'see attached',
    attachments: [{ filename: `level-${levels - 1}.eml`, content: current, contentType: 'message/rfc822' }],
  };
}

async function originalOf(raw: Buffer): Promise<OriginalItem> {
  const result = await unwrapForward(raw);
  if (result.kind !== 'unwrapped') throw new Error(`fixture did not unwrap: ${result.message}`);
  return result.items[0]!;
}

describe('message/rfc822 nested 50 deep', function () {
  this.timeout(60_000);
  let raw: Buffer;
  before(async () => (raw = await buildForward('rfc822', await nestedMessages(50), { note: 'nested', submitter: SENDER })));

  it('names the message where nesting was cut as not examined, with the depth limit', async () => {
    const found = await findFiles(await originalOf(raw));
    const depth = DEFAULT_UNWRAP_LIMITS.maxDepth;
    expect(found.notExamined).to.have.length(1);
    expect(found.notExamined[0]).to.match(new RegExp(`message nested deeper than ${depth} levels not opened`));
    expect(found.warnings).to.include(found.notExamined[0]);
    expect(found.bodies.map((b) => b.content).join('\n')).to.not.include('innermost.lure.example');
  });

  it('opens a message nested within the limit without any warning', async () => {
    const shallow = await buildForward('rfc822', await nestedMessages(2), { note: 'nested', submitter: SENDER });
    const found = await findFiles(await originalOf(shallow));
    expect(found.notExamined).to.deep.equal([]);
    expect(found.bodies.map((b) => b.content).join('\n')).to.include('innermost.lure.example');
  });

  describe('through the analysis pipeline', () => {
    let env: AnalysisEnv;
    before(async () => (env = await startAnalysisEnv()));
    after(async () => env.close());

    it('marks the analysis incomplete and warns, without asking for a pointless retry', async () => {
      const [submission] = await env.accept(raw);
      const result = await analyseSubmission(env.deps(), submission!, { finalAttempt: false });
      expect(result.kind).to.equal('analysed');
      expect(result.summary.incomplete.join('\n')).to.match(/message nested deeper than \d+ levels not opened/);
      expect(result.summary.warnings.join('\n')).to.match(/message nested deeper than \d+ levels not opened/);
    });
  });
});
