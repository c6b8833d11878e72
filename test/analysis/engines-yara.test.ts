// The YARA-X scanner: rule files on their own namespaces, broken files reported while the others
// load, reload without restart, and "not scanned" whenever the result is in doubt.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile, unlink, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/logger.ts';
import { createYaraScanner, type YaraScannerOptions } from '../../analysis/engines/yara.ts';
import type { YaraOutcome, YaraScanner } from '../../analysis/types.ts';

const log = createLogger({ level: 'silent' });

const rule = (name: string, text: string, extra = '') =>
  `rule ${name} : t_${name.toLowerCase()} {\n  meta:\n    severity = "high"\n    score = 7\n${extra}  strings:\n    $a = "${text}"\n  condition:\n    $a\n}\n`;

function ruleNames(outcome: YaraOutcome): string[] {
  if (outcome.kind !== 'scanned') throw new Error(`not scanned: ${outcome.reason}`);
  return outcome.matches.map((m) => `${m.namespace}.${m.rule}`);
}

describe('YARA-X scanner (analysis/engines/yara.ts)', () => {
  let dir: string;
  let scanner: YaraScanner | null;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'c4tap-yara-'));
    scanner = null;
  });
  afterEach(async () => {
    await scanner?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function open(options: Partial<YaraScannerOptions> = {}): Promise<YaraScanner> {
    scanner = await createYaraScanner({ rulesDir: dir, log, checkIntervalMs: 0, ...options });
    return scanner;
  }

  it('records rule, namespace (file name), tags and meta of each match', async () => {
    await writeFile(path.join(dir, 'lures.yar'), rule('Invoice', 'INVOICE-LURE'));
    await writeFile(path.join(dir, 'droppers.yar'), rule('Dropper', 'DROPPER-MARK'));
    const s = await open();
    const outcome = await s.scan(Buffer.from('xx INVOICE-LURE yy DROPPER-MARK'));
    expect(outcome).to.deep.equal({
      kind: 'scanned',
      matches: [
        { rule: 'Dropper', namespace: 'droppers', tags: ['t_dropper'], meta: { severity: 'high', score: 7 } },
        { rule: 'Invoice', namespace: 'lures', tags: ['t_invoice'], meta: { severity: 'high', score: 7 } },
      ],
    });
    expect(ruleNames(await s.scan(Buffer.from('nothing here')))).to.deep.equal([]);
  });

  it('reports a rule file that does not compile with its error, and still loads the others', async () => {
    await writeFile(path.join(dir, 'good.yar'), rule('Good', 'GOOD-MARK'));
    await writeFile(path.join(dir, 'broken.yar'), 'rule Broken { condition: undefined_thing }\n');
    const s = await open();
    const status = s.status();
    expect(status.loaded).to.deep.equal(['good.yar']);
    expect(status.errors).to.have.length(1);
    expect(status.errors[0]!.file).to.equal('broken.yar');
    expect(status.errors[0]!.error).to.match(/undefined_thing/);
    expect(ruleNames(await s.scan(Buffer.from('GOOD-MARK')))).to.deep.equal(['good.Good']);
  });

  it('keeps the same rule name in two files apart, each match under its own namespace', async () => {
    await writeFile(path.join(dir, 'team_a.yar'), rule('Shared', 'MARK-A'));
    await writeFile(path.join(dir, 'team_b.yar'), rule('Shared', 'MARK-B'));
    const s = await open();
    expect(s.status()).to.deep.equal({ loaded: ['team_a.yar', 'team_b.yar'], errors: [] });
    expect(ruleNames(await s.scan(Buffer.from('MARK-B')))).to.deep.equal(['team_b.Shared']);
    expect(ruleNames(await s.scan(Buffer.from('MARK-A MARK-B')))).to.deep.equal(['team_a.Shared', 'team_b.Shared']);
  });

  it('confines a global rule to its own file', async () => {
    await writeFile(path.join(dir, 'strict.yar'), `global rule OnlyBig { condition: filesize > 1000 }\n${rule('Strict', 'MARK')}`);
    await writeFile(path.join(dir, 'plain.yar'), rule('Plain', 'MARK'));
    const s = await open();
    expect(ruleNames(await s.scan(Buffer.from('MARK')))).to.deep.equal(['plain.Plain']);
    expect(ruleNames(await s.scan(Buffer.concat([Buffer.from('MARK'), Buffer.alloc(2000)])))).to.deep.equal(['plain.Plain', 'strict.OnlyBig', 'strict.Strict']);
  });

  it('refuses include statements (a rule file must not read other files)', async () => {
    await writeFile(path.join(dir, 'inc.yar'), `include "/etc/passwd"\n${rule('Inc', 'X')}`);
    const s = await open();
    expect(s.status().errors.map((e) => e.file)).to.deep.equal(['inc.yar']);
    expect(s.status().errors[0]!.error).to.match(/include/);
  });

  it('reports a rule file that is not UTF-8 instead of compiling mangled bytes', async () => {
    await writeFile(
      path.join(dir, 'latin1.yar'),
      Buffer.concat([Buffer.from('rule L { strings: $a = "caf'), Buffer.from([0xe9]), Buffer.from('" condition: $a }\n')]),
    );
    const s = await open();
    expect(s.status().errors).to.deep.equal([{ file: 'latin1.yar', error: 'rule file is not valid UTF-8 (write non-ASCII bytes as hex strings)' }]);
  });

  it('picks up added, changed, fixed and deleted rule files on the next scan, without restart', async function () {
    this.timeout(120_000); // six reloads, each on a compile thread of its own: slow on a loaded machine
    await writeFile(path.join(dir, 'one.yar'), rule('One', 'MARK-1'));
    const s = await open();
    const data = Buffer.from('MARK-1 MARK-2 MARK-3');
    expect(ruleNames(await s.scan(data))).to.deep.equal(['one.One']);

    await writeFile(path.join(dir, 'two.yar'), rule('Two', 'MARK-2'));
    expect(ruleNames(await s.scan(data))).to.deep.equal(['one.One', 'two.Two']);

    await writeFile(path.join(dir, 'one.yar'), rule('One', 'MARK-9'));
    expect(ruleNames(await s.scan(data))).to.deep.equal(['two.Two']);

    await writeFile(path.join(dir, 'two.yar'), 'rule Two { condition: nope }');
    expect(ruleNames(await s.scan(data))).to.deep.equal([]);
    expect(s.status().errors.map((e) => e.file)).to.deep.equal(['two.yar']);

    // an editor saving by rename: new inode, same name
    await writeFile(path.join(dir, 'two.yar.tmp'), rule('Two', 'MARK-3'));
    await rename(path.join(dir, 'two.yar.tmp'), path.join(dir, 'two.yar'));
    expect(ruleNames(await s.scan(data))).to.deep.equal(['two.Two']);
    expect(s.status().errors).to.deep.equal([]);

    await unlink(path.join(dir, 'one.yar'));
    expect(s.status().loaded).to.deep.equal(['one.yar', 'two.yar']);
    await s.scan(data);
    expect(s.status().loaded).to.deep.equal(['two.yar']);
  });

  it('looks at the rules directory at most once per checkIntervalMs', async () => {
    let clock = 1_000_000;
    await writeFile(path.join(dir, 'one.yar'), rule('One', 'MARK-1'));
    const s = await open({ checkIntervalMs: 5_000, now: () => clock });
    await writeFile(path.join(dir, 'two.yar'), rule('Two', 'MARK-2'));
    clock += 4_999;
    expect(ruleNames(await s.scan(Buffer.from('MARK-1 MARK-2')))).to.deep.equal(['one.One']);
    clock += 1;
    expect(ruleNames(await s.scan(Buffer.from('MARK-1 MARK-2')))).to.deep.equal(['one.One', 'two.Two']);
  });

  it('keeps the loaded rules when the directory becomes unreadable, and says so in status()', async () => {
    await writeFile(path.join(dir, 'one.yar'), rule('One', 'MARK-1'));
    const s = await open();
    await rename(dir, dir + '.away');
    try {
      expect(ruleNames(await s.scan(Buffer.from('MARK-1')))).to.deep.equal(['one.One']);
      expect(s.status().errors[0]!.file).to.equal(dir);
      expect(s.status().errors[0]!.error).to.match(/ENOENT/);
    } finally {
      await rename(dir + '.away', dir);
    }
    await s.scan(Buffer.from('MARK-1'));
    expect(s.status()).to.deep.equal({ loaded: ['one.yar'], errors: [] });
  });

  it('is not-scanned when no rule file loaded', async () => {
    await writeFile(path.join(dir, 'broken.yar'), 'rule { }');
    const s = await open();
    expect(await s.scan(Buffer.from('x'))).to.deep.equal({ kind: 'not-scanned', reason: 'no YARA rules loaded (1 rule file(s) failed to compile)' });
  });

  it('is not-scanned with "too many matches" when a pattern reaches maxMatchesPerPattern', async () => {
    await writeFile(path.join(dir, 'many.yar'), rule('Many', 'AB'));
    const s = await open({ maxMatchesPerPattern: 50 });
    expect(ruleNames(await s.scan(Buffer.from('AB '.repeat(49))))).to.deep.equal(['many.Many']);
    const flooded = await s.scan(Buffer.from('AB '.repeat(50)));
    expect(flooded).to.deep.equal({ kind: 'not-scanned', reason: 'too many matches: pattern $a of rule many.Many reached 50' });
  });

  it('is not-scanned when the scan misses its deadline', async () => {
    await writeFile(path.join(dir, 'slow.yar'), 'rule Slow { strings: $a = /[a-z]{2,40}[0-9]{2,40}[a-z]{2,40}/ condition: #a > 1000000 }\n');
    const s = await open({ timeoutMs: 5 });
    const started = Date.now();
    const outcome = await s.scan(Buffer.alloc(48 * 1024 * 1024, 'ab12cd34'));
    expect(outcome).to.deep.equal({ kind: 'not-scanned', reason: 'YARA scan did not finish within 5 ms' });
    expect(Date.now() - started).to.be.below(1000);
  });

  it('is not-scanned for input over maxBytes, and scans an empty input', async () => {
    await writeFile(path.join(dir, 'empty.yar'), 'rule Empty { condition: filesize == 0 }\n');
    const s = await open({ maxBytes: 10 });
    expect(await s.scan(Buffer.alloc(11))).to.deep.equal({ kind: 'not-scanned', reason: 'input of 11 bytes is over the YARA limit of 10 bytes' });
    expect(ruleNames(await s.scan(Buffer.alloc(0)))).to.deep.equal(['empty.Empty']);
  });

  it('is not-scanned after close()', async () => {
    await writeFile(path.join(dir, 'one.yar'), rule('One', 'MARK-1'));
    const s = await open();
    await s.close();
    expect(await s.scan(Buffer.from('MARK-1'))).to.deep.equal({ kind: 'not-scanned', reason: 'YARA scanner is closed' });
  });
});
