// Hostile message content must not make unwrapping slow: every pattern that looks at text from
// the mail has to stay linear. Each case would take minutes with a backtracking pattern.
import { expect } from 'chai';
import { unwrapForward } from '../../../core/mail/forward/index.ts';
import { decideClasses } from '../../../ingest/class-directives.ts';
import { buildMail } from '../../fixtures/mail-builder.ts';

const MB = 1024 * 1024;
const BUDGET_MS = 4000;

async function timed(raw: Buffer): Promise<number> {
  const start = performance.now();
  const result = await unwrapForward(raw);
  expect(result.kind).to.equal('unwrapped');
  return performance.now() - start;
}

const hostile: ReadonlyArray<readonly [string, string]> = [
  ['unclosed tags', '<div'.repeat(MB / 4)],
  ['unclosed angle brackets', '<'.repeat(MB)],
  ['unclosed comments and scripts', '<!--<script'.repeat(MB / 11)],
  ['a run of dashes', '-'.repeat(MB)],
  ['a run of spaces before a line break', ' '.repeat(MB) + '<br>x'],
  ['unclosed style attributes', '<div style="'.repeat(MB / 12)],
];

describe('unwrap-dos: hostile bodies are handled in linear time', function () {
  this.timeout(30_000);

  for (const [what, html] of hostile) {
    it(`unwraps an HTML-only message of ${what} within the budget`, async function () {
      const raw = await buildMail({ from: 'a@evil.example', to: 'v@corp.example', subject: 'x', html });
      expect(await timed(raw)).to.be.below(BUDGET_MS);
    });
  }

  it('unwraps a text body of separators each followed by an endless To: block within the budget', async function () {
    const text = '-----Original Message-----\nTo: a@b.example\nx@y.example\n'.repeat(20_000);
    const raw = await buildMail({ from: 'a@evil.example', to: 'v@corp.example', subject: 'x', text });
    expect(await timed(raw)).to.be.below(BUDGET_MS);
  });

  it('unwraps a text body of long and short dash lines that almost look like separators within the budget', async function () {
    const text = `${'-'.repeat(20_000)}x\n${`${'-'.repeat(110)}x\n`.repeat(20_000)}`;
    const raw = await buildMail({ from: 'a@evil.example', to: 'v@corp.example', subject: 'x', text });
    expect(await timed(raw)).to.be.below(BUDGET_MS);
  });

  it('answers header-too-large for a header block of 200,000 short fields within the budget', async function () {
    const raw = Buffer.from('X-A: 1\r\n'.repeat(200_000) + 'Subject: x\r\n\r\nbody', 'latin1');
    const start = performance.now();
    const result = await unwrapForward(raw);
    expect(result).to.include({ kind: 'failed', reason: 'header-too-large' });
    expect(performance.now() - start).to.be.below(BUDGET_MS);
  });

  it('unwraps a body of two million empty lines within the budget', async function () {
    const raw = Buffer.concat([Buffer.from('Subject: x\r\nContent-Type: text/plain\r\n\r\n'), Buffer.alloc(2 * MB, 0x0a)]);
    expect(await timed(raw)).to.be.below(BUDGET_MS);
  });

  it('decides classes for an enormous note and subject within the budget', function () {
    const start = performance.now();
    decideClasses({
      note: 'C4TAP-Class: ' + 'network=GREEN '.repeat(50_000) + '\n' + 'C4TAP-Class:\n'.repeat(10_000),
      subject: '[TLP:'.repeat(50_000) + 'TLP:' + '['.repeat(MB / 4),
      recipients: ['report@c4tap.example'],
      orgDefault: {},
    });
    expect(performance.now() - start).to.be.below(BUDGET_MS);
  });
});
