import { expect } from 'chai';
import { suggestVerdict, yaraPoints, type VerdictFacts } from '../../analysis/verdict.ts';
import type { FileAnalysis, FileFlags, YaraMatch } from '../../analysis/types.ts';
import { analyse, fileAnalysisOf, FIXTURES } from './indicators-fixtures.ts';

const facts = (over: Partial<VerdictFacts> = {}): VerdictFacts => ({ files: [], lookAlikes: [], from: ['billing@lure.xyz'], replyTo: [], ...over });
const rule = (name: string, severity?: string | number): YaraMatch => ({
  rule: name,
  namespace: 'default',
  tags: [],
  meta: severity === undefined ? {} : { severity },
});

function file(name: string, over: Partial<Omit<FileAnalysis, 'facts'>> & { flags?: FileFlags } = {}): FileAnalysis {
  const base = fileAnalysisOf(name, Buffer.from(name));
  const { flags, ...rest } = over;
  return { ...base, ...rest, facts: { ...base.facts, flags: flags ?? {} } };
}

describe('verdict suggestion', function () {
  it('suggests malicious for an anti-virus detection and names it', function () {
    const v = suggestVerdict(facts({ files: [file('invoice.doc', { av: { kind: 'infected', name: 'Doc.Dropper.Agent-1' } })] }));
    expect(v).to.deep.include({ verdict: 'malicious', score: 100 });
    expect(v.reasons[0]).to.equal('anti-virus: Doc.Dropper.Agent-1 in invoice.doc');
  });

  it('weighs YARA matches by their severity', function () {
    expect(yaraPoints(rule('a', 'critical'))).to.equal(100);
    expect(yaraPoints(rule('a', 'High'))).to.equal(80);
    expect(yaraPoints(rule('a', 'medium'))).to.equal(40);
    expect(yaraPoints(rule('a', 'low'))).to.equal(10);
    expect(yaraPoints(rule('a'))).to.equal(20);
    expect(yaraPoints(rule('a', 8))).to.equal(80);
    expect(yaraPoints(rule('a', 45))).to.equal(40);
    const high = suggestVerdict(facts({ files: [file('a.lnk', { yara: { kind: 'scanned', matches: [rule('C4TAP_LNK_Lure', 'high')] } })] }));
    expect(high.verdict).to.equal('malicious');
    const medium = suggestVerdict(facts({ files: [file('a.txt', { yara: { kind: 'scanned', matches: [rule('C4TAP_JA_Lure_Keywords', 'medium')] } })] }));
    expect(medium).to.deep.include({ verdict: 'suspicious', score: 40 });
    expect(medium.reasons).to.include('YARA C4TAP_JA_Lure_Keywords (severity medium) in a.txt');
    const low = suggestVerdict(facts({ files: [file('a.txt', { yara: { kind: 'scanned', matches: [rule('Info', 'low')] } })] }));
    expect(low.verdict).to.equal('unknown');
  });

  it('suggests suspicious for macros, and more when the document also links an external template', function () {
    const macro = suggestVerdict(facts({ files: [file('invoice.docm', { flags: { macros: true } })] }));
    expect(macro).to.deep.include({ verdict: 'suspicious', score: 40 });
    expect(macro.reasons).to.deep.equal(['Office macros (VBA project) in invoice.docm']);
    const both = suggestVerdict(facts({ files: [file('invoice.docm', { flags: { macros: true, externalLinks: ['https://evil.xyz/t.dotm'] } })] }));
    expect(both).to.deep.include({ verdict: 'malicious', score: 80 });
  });

  it('names a PPAP zip opened with a password from the mail, and an encrypted zip it could not open', function () {
    const ppap = file('請求書.zip', { archive: { kind: 'expanded', members: 1, password: 'Kyuyo2024' } });
    const locked = file('other.zip', { archive: { kind: 'encrypted', triedPasswords: 3 } });
    const v = suggestVerdict(facts({ files: [ppap, locked] }));
    expect(v.reasons).to.include.members([
      'PPAP: encrypted archive 請求書.zip opened with a password found in the mail',
      'not examined: other.zip (encrypted, no password found (3 tried)); its contents were not scanned',
    ]);
    expect(v).to.deep.include({ verdict: 'suspicious', score: 60 });
    const plain = suggestVerdict(facts({ files: [file('plain.zip', { archive: { kind: 'expanded', members: 2, password: null } })] }));
    expect(plain.verdict).to.equal('unknown');
  });

  for (const [archive, words] of [
    [{ kind: 'unreadable', reason: 'Headers Error' }, /unreadable archive: Headers Error/],
    [{ kind: 'too-many-members', members: 5000 }, /5000 members, more than allowed/],
    [{ kind: 'unsupported', format: 'ace' }, /archive format ace cannot be opened/],
    [{ kind: 'bomb', reason: 'ratio 4000' }, /archive bomb: ratio 4000/],
    [{ kind: 'too-deep', depth: 4 }, /nested deeper than allowed/],
  ] as const) {
    it(`names a ${archive.kind} archive as not examined and never reports "no detection" for it`, function () {
      const v = suggestVerdict(facts({ files: [file('lure.iso', { archive, av: { kind: 'clean' }, yara: { kind: 'scanned', matches: [] } })] }));
      const reason = v.reasons.find((r) => r.startsWith('not examined: lure.iso ('));
      expect(reason, v.reasons.join('\n')).to.match(words);
      expect(reason).to.match(/its contents were not scanned$/);
      expect(v.reasons.join('\n')).to.not.match(/no detection/);
      expect(v.verdict).to.equal('suspicious');
    });
  }

  it('names a member stored under a zip-slip name and suspects the archive', function () {
    const member = file('x', {
      file: { role: 'member', declaredName: '../../Startup/run.lnk', declaredType: null, path: ['a.zip', 'Startup/run.lnk'], parentSha256: 'ab' },
    });
    const v = suggestVerdict(facts({ files: [member] }));
    expect(v.reasons).to.include(
      'archive member stored under a name that climbs out of the archive (zip-slip): ../../Startup/run.lnk in a.zip > Startup/run.lnk',
    );
    expect(v.verdict).to.equal('suspicious');
  });

  it('suspects an IDN look-alike of a participant domain and a Reply-To in another domain', async function () {
    const { sanitized, item } = await analyse(FIXTURES.find((f) => f.name === 'IDN look-alike')!);
    const v = suggestVerdict({
      files: [],
      lookAlikes: sanitized.lookAlikes,
      from: item.headers.from.map((a) => a.address),
      replyTo: item.headers.replyTo.map((a) => a.address),
    });
    expect(v.verdict).to.equal('malicious');
    expect(v.reasons).to.include('look-alike of registered domain corp.example: соrp.example (xn--rp-emcl.example) [homoglyph]');
    expect(v.reasons).to.include('Reply-To (quick-pay-transfer.xyz) differs from From (xn--rp-emcl.example)');
  });

  it("does not count a Reply-To in the sender's own registrable domain", function () {
    const v = suggestVerdict(facts({ from: ['news@mail.shop.example.co.jp'], replyTo: ['support@shop.example.co.jp'] }));
    expect(v.reasons.some((r) => r.startsWith('Reply-To'))).to.equal(false);
  });

  it('never suggests benign, and lists files that were not scanned instead of counting them clean', function () {
    const v = suggestVerdict(
      facts({
        files: [
          file('a.pdf', {
            av: { kind: 'not-scanned', reason: 'clamd unreachable', transient: true },
            yara: { kind: 'not-scanned', reason: 'too many matches' },
          }),
        ],
      }),
    );
    expect(v).to.deep.equal({
      verdict: 'unknown',
      score: 0,
      reasons: [
        'not scanned by anti-virus: a.pdf (clamd unreachable)',
        'not scanned by YARA: a.pdf (too many matches)',
        'no detection: not evidence of a benign mail',
      ],
    });
  });

  it('caps the score at 100', function () {
    const v = suggestVerdict(
      facts({
        files: [file('x.doc', { av: { kind: 'infected', name: 'A' }, flags: { macros: true }, yara: { kind: 'scanned', matches: [rule('r', 'critical')] } })],
      }),
    );
    expect(v.score).to.equal(100);
    expect(v.reasons).to.have.length(3);
  });
});
