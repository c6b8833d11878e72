// The YARA-X scan pool (analysis/engines/yara-pool.ts): worker threads each holding their own
// compiled rules, so scans in flight use every core. What a user notices: the same matches as
// a single-threaded scan, scans given at once each get their own result, reloaded rules reach
// every thread, and the event loop keeps running during a long scan.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { createLogger } from '../../core/logger.ts';
import { createYaraScanner, type YaraScannerOptions } from '../../analysis/engines/yara.ts';
import type { YaraOutcome, YaraScanner } from '../../analysis/types.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';

const log = createLogger({ level: 'silent' });
const RULES_DIR = fileURLToPath(new URL('../../policies/yara/', import.meta.url));

function ruleNames(outcome: YaraOutcome): string[] {
  if (outcome.kind !== 'scanned') throw new Error(`not scanned: ${outcome.reason}`);
  return outcome.matches.map((m) => `${m.namespace}.${m.rule}`);
}

describe('YARA-X scan pool (analysis/engines/yara-pool.ts)', () => {
  const scanners: YaraScanner[] = [];
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'c4tap-yara-pool-'));
  });
  afterEach(async () => {
    for (const s of scanners.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  async function open(options: Partial<YaraScannerOptions> & { rulesDir?: string }): Promise<YaraScanner> {
    const s = await createYaraScanner({ rulesDir: dir, log, checkIntervalMs: 0, ...options });
    scanners.push(s);
    return s;
  }

  it('returns the same matches as a single-threaded scan, for samples scanned at once', async () => {
    const samples: Buffer[] = [
      buildLnk(),
      buildLnk('C:\\Windows\\System32\\cmd.exe /c start https://evil.example/'),
      await buildZip([{ name: '請求書.pdf.lnk', content: buildLnk() }], { password: 'infected', encryption: 'zipcrypto' }),
      await buildZip([{ name: 'minutes.txt', content: Buffer.from('minutes') }]),
      iconv.encode('至急：見積書のご確認をお願いします\r\n'.repeat(20), 'Shift_JIS'),
      Buffer.from('<html><head><HTA:APPLICATION id="x"></head><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></html>'),
      Buffer.from('Dear colleague, the minutes of the meeting are attached.'),
      randomBytes(512 * 1024),
      Buffer.alloc(0),
    ];
    const single = await open({ rulesDir: RULES_DIR, threads: 0 });
    const pooled = await open({ rulesDir: RULES_DIR, threads: 2 });
    const expected: YaraOutcome[] = [];
    for (const s of samples) expected.push(await single.scan(s));
    const repeated = [...samples, ...samples, ...samples];
    const got = await Promise.all(repeated.map((s) => pooled.scan(s)));
    expect(got).to.deep.equal([...expected, ...expected, ...expected]);
    expect(expected.filter((o) => ruleNames(o).length > 0).length, 'samples matching a starter rule').to.be.at.least(3);
  });

  it('gives each of many scans in flight its own result', async () => {
    await writeFile(
      path.join(dir, 'marks.yar'),
      Array.from({ length: 8 }, (_, i) => `rule Mark${i} { strings: $a = "MARK-${i}-END" condition: $a }\n`).join(''),
    );
    const s = await open({ threads: 2 });
    const inputs = Array.from({ length: 40 }, (_, i) => Buffer.concat([randomBytes(64 * 1024), Buffer.from(`MARK-${i % 8}-END`), randomBytes(1024)]));
    const outcomes = await Promise.all(inputs.map((b) => s.scan(b)));
    outcomes.forEach((o, i) => expect(ruleNames(o), `input ${i}`).to.deep.equal([`marks.Mark${i % 8}`]));
  });

  it('uses reloaded rules in every thread', async () => {
    const rule = (name: string, text: string) => `rule ${name} { strings: $a = "${text}" condition: $a }\n`;
    await writeFile(path.join(dir, 'one.yar'), rule('One', 'MARK-1'));
    const s = await open({ threads: 2 });
    const data = Buffer.from('MARK-1 MARK-2');
    const burst = async () => (await Promise.all(Array.from({ length: 8 }, () => s.scan(data)))).map(ruleNames);
    expect(await burst()).to.deep.equal(Array(8).fill(['one.One']));
    await writeFile(path.join(dir, 'two.yar'), rule('Two', 'MARK-2'));
    expect(await burst()).to.deep.equal(Array(8).fill(['one.One', 'two.Two']));
    await writeFile(path.join(dir, 'one.yar'), rule('One', 'MARK-9'));
    expect(await burst()).to.deep.equal(Array(8).fill(['two.Two']));
  });

  it('keeps the event loop turning while a long scan runs', async () => {
    await writeFile(path.join(dir, 'slow.yar'), 'rule Slow { strings: $a = /[a-z]{2,40}[0-9]{2,40}[a-z]{2,40}/ condition: #a > 1000000 }\n');
    const s = await open({ threads: 1 });
    const data = Buffer.alloc(48 * 1024 * 1024, 'ab12cd34');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    try {
      await s.scan(data);
    } finally {
      clearInterval(timer);
    }
    // a loop blocked by the scan would tick once at most
    expect(ticks, `${ticks} ticks in ${(performance.now() - started).toFixed(0)} ms`).to.be.at.least(5);
  });
});
