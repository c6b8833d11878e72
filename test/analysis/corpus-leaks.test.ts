// Real phishing mail (../shared/corpus: 500 mails from a public honeypot, where the collectors wrote
// `phishing@pot` for the honeypot's address). Each mail gets a participant's victim planted where
// that placeholder stands — varied identities: Latin and Japanese names, dotted, hyphenated and
// underscored local parts, sub-domains of the registered domain — and goes through the real
// unwrapping, extraction and sanitizer. Nothing of the planted identities may survive in what would
// be published, and the receiving provider's hops, hosts without a public suffix and warning-listed
// infrastructure may not be published either. `npm run quality` measures the same end to end.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { domainToASCII } from 'node:url';
import { getDomain, parse } from 'tldts';
import { extractIndicators } from '../../analysis/indicators/index.ts';
import { buildSanitizeContext, infrastructureOf, sanitize, victimTextsOf, type OrganisationRecord } from '../../analysis/sanitize/index.ts';
import type { CandidateIndicator } from '../../analysis/types.ts';
import { unwrapForward } from '../../core/mail/forward/index.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { EXCHANGE, RULES, WARNING_LISTS } from './indicators-fixtures.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/phishing-pot-500.tar.xz');

const ORGS: readonly OrganisationRecord[] = [
  { id: 'org-denryoku', name: '北関東電力株式会社', domains: ['kitakanto-denryoku.co.jp'], networks: [] },
  { id: 'org-bank', name: 'Minato Trust Bank', domains: ['minato-trust.example.jp'], networks: [] },
  { id: 'org-water', name: 'Lakeside Water Works', domains: ['lakeside-water.org'], networks: [] },
];

interface Planted {
  readonly orgId: string;
  readonly address: string;
  readonly name: string;
  /** Strings that must not be published: address, local part and its pieces, name words, domain, org name. */
  readonly needles: readonly string[];
}

const VICTIMS: readonly Planted[] = [
  {
    orgId: 'org-denryoku',
    address: 'yamada.taro@ops.kitakanto-denryoku.co.jp',
    name: '山田 太郎',
    needles: ['yamada.taro', 'yamada', '山田', '太郎', 'kitakanto-denryoku', '北関東電力'],
  },
  {
    orgId: 'org-bank',
    address: 'k-suzuki@minato-trust.example.jp',
    name: 'Suzuki Kenji',
    needles: ['k-suzuki', 'suzuki', 'kenji', 'minato-trust', 'minato trust'],
  },
  {
    orgId: 'org-water',
    address: 'tanaka_hanako@mail.hq.lakeside-water.org',
    name: '田中花子',
    needles: ['tanaka_hanako', 'tanaka', 'hanako', '田中', '花子', 'lakeside-water', 'lakeside water'],
  },
  {
    orgId: 'org-denryoku',
    address: 'j.smith-jones@kitakanto-denryoku.co.jp',
    name: 'John Smith-Jones',
    needles: ['j.smith-jones', 'smith-jones', 'kitakanto-denryoku'],
  },
].map((v) => ({ ...v, needles: [v.address, ...v.needles] }));

/** The mail with the victim where the honeypot's address stood (also its display name in To:). */
function plant(raw: Buffer, v: Planted): Buffer {
  let text = raw.toString('latin1');
  const nameEncoded = `=?UTF-8?B?${Buffer.from(v.name, 'utf8').toString('base64')}?=`;
  text = text.replace(/^(To:[ \t]*)(?:"?phishing@pot"?\s*)?<?phishing@pot>?/im, `$1${nameEncoded} <${v.address}>`);
  // Inside a Q-encoded word an underscore is a space: write the address the way a mailer would there.
  text = text.replace(/=\?[^?\s]+\?Q\?[^?\s]*\?=/gi, (word) => word.replace(/phishing@pot/gi, v.address.replace(/_/g, '=5F')));
  text = text.replace(/phishing@pot/gi, v.address).replace(/phishing%40pot/gi, encodeURIComponent(v.address));
  return Buffer.from(text, 'latin1');
}

function published(indicators: readonly CandidateIndicator[], subject: string | null): string[] {
  return [
    subject ?? '',
    ...indicators.filter((i) => i.warningLists.length === 0).flatMap((i) => [i.value, i.unicode ?? '', ...i.origins.map((o) => o.detail ?? '')]),
  ];
}

interface Outcome {
  readonly file: string;
  readonly victim: Planted;
  readonly planted: boolean;
  readonly out: readonly string[];
  readonly indicators: readonly CandidateIndicator[];
  /** Domains of the From addresses that are a real public name and no participant's. */
  readonly senderDomains: readonly string[];
}

describe('real phishing corpus with planted participant victims (needs ../shared/corpus)', function () {
  this.timeout(600_000);
  let dir: string;
  const outcomes: Outcome[] = [];

  before(async function () {
    requireTool(this, existsSync(CORPUS) ? null : { why: `the corpus ${CORPUS} is missing`, fix: 'lay ../shared/corpus beside the repository (CI does)' });
    dir = mkdtempSync(path.join(tmpdir(), 'c4tap-corpus-'));
    execFileSync('tar', ['-xJf', CORPUS, '-C', dir]);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.eml') && files.push(path.join(d, e.name));
    };
    walk(dir);
    files.sort();
    for (const [i, file] of files.entries()) {
      const victim = VICTIMS[i % VICTIMS.length]!;
      const original = readFileSync(file);
      const raw = plant(original, victim);
      const unwrapped = await unwrapForward(raw);
      if (unwrapped.kind !== 'unwrapped') continue;
      const item = unwrapped.items[0]!;
      const ctx = buildSanitizeContext({
        headers: item.headers,
        forward: null,
        texts: victimTextsOf(item),
        organisations: ORGS,
        submitterOrgId: victim.orgId,
        exchange: EXCHANGE,
        warningLists: WARNING_LISTS,
        rules: RULES,
      });
      const extracted = extractIndicators({ item, files: [], infrastructure: infrastructureOf(ctx) });
      const s = sanitize(extracted.candidates, item.headers.subject, { ...ctx, internalHops: extracted.received });
      const senderDomains = item.headers.from
        .filter((a) => a.address.includes('@'))
        .map((a) => domainToASCII(a.address.slice(a.address.lastIndexOf('@') + 1).replace(/\.+$/, '')))
        .filter((d) => parse(d).isIcann === true && getDomain(d) !== null && !ORGS.some((o) => o.domains.some((r) => d === r || d.endsWith(`.${r}`))));
      outcomes.push({
        file: path.basename(file),
        victim,
        planted: !raw.equals(original),
        out: published(s.indicators, s.subject),
        indicators: s.indicators,
        senderDomains,
      });
    }
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('analyses every mail of the corpus, with a victim planted in most of them', function () {
    expect(outcomes.length).to.be.at.least(495);
    expect(outcomes.filter((o) => o.planted).length).to.be.at.least(400);
  });

  it('publishes no planted address, local part, name, registered domain or organisation name, in any case', function () {
    const leaks = outcomes.flatMap((o) => {
      const text = o.out.join('\n').toLowerCase();
      return o.victim.needles.filter((n) => text.includes(n.toLowerCase())).map((n) => `${o.file}: ${n}`);
    });
    expect(leaks).to.deep.equal([]);
  });

  it('publishes no host of the receiving Microsoft 365 mailbox, nor its internal IPv6 hops', function () {
    const junk = outcomes.flatMap((o) =>
      o.indicators
        .filter((i) => i.warningLists.length === 0 && i.origins.some((x) => x.field === 'received'))
        .filter((i) => /(?:^|\.)(?:outlook\.com|office365\.com|exchangelabs\.com|outlook\.office\.com)$/i.test(i.value) || /^2603:10|^2a01:111:/i.test(i.value))
        .map((i) => `${o.file}: ${i.value}`),
    );
    expect(junk).to.deep.equal([]);
  });

  it('publishes no host without a real public suffix, and no empty-file hash', function () {
    const junk = outcomes.flatMap((o) =>
      o.indicators
        .filter((i) => i.warningLists.length === 0)
        .filter((i) => {
          if (i.type === 'file-sha256') return i.value === 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
          const host =
            i.type === 'domain-name'
              ? i.value
              : i.type === 'email-addr'
                ? i.value.slice(i.value.lastIndexOf('@') + 1)
                : i.type === 'url'
                  ? parse(i.value).hostname
                  : null;
          if (!host || parse(host).isIp) return false;
          return !parse(host).isIcann || getDomain(host) === null;
        })
        .map((i) => `${o.file}: ${i.type} ${i.value}`),
    );
    expect(junk).to.deep.equal([]);
  });

  it("keeps every attacker's sender domain: nothing a recipient field says suppresses one", function () {
    const expected = outcomes.flatMap((o) =>
      o.senderDomains.map((d) => ({ file: o.file, d, found: o.indicators.some((i) => i.type === 'domain-name' && (i.value === d || i.unicode === d)) })),
    );
    expect(expected.length).to.be.at.least(400);
    expect(expected.filter((e) => !e.found).map((e) => `${e.file}: ${e.d}`)).to.deep.equal([]);
  });
});
