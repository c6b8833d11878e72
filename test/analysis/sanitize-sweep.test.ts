// SANITIZER SWEEP (DESIGN.md §2): over every fixture mail, no candidate indicator (value, Unicode
// form or origin detail) and no sanitized subject carries a recipient's address, local part or display
// name, the submitter's address, or a participant domain, in any encoding. The encodings are
// computed here independently of the sanitizer: plain (any case), percent-encoded (upper- and
// lower-case hex), and base64 / base64url at all three byte alignments.
import { expect } from 'chai';
import { FIXTURES, ORGS, analyse, type Analysed } from './indicators-fixtures.ts';

/** Base64 text that appears in any encoding of a buffer containing `bytes`, whatever its offset. */
function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const enc = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const complete = Math.floor((pad + bytes.length) / 3) * 4; // characters that depend on complete 3-byte groups only
    const skip = pad === 0 ? 0 : pad === 1 ? 2 : 3; // characters that still carry the padding bytes
    const core = enc.slice(skip, complete);
    if (core.length >= 4) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

interface Needle {
  readonly what: string;
  readonly plain: readonly string[];
  readonly exact: readonly string[];
}

function needlesFor(what: string, text: string): Needle {
  const cases = [...new Set([text, text.toLowerCase(), text.toUpperCase()])];
  const percent = cases.flatMap((c) => {
    const upper = encodeURIComponent(c);
    return [upper, upper.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())];
  });
  const exact = cases.flatMap((c) => base64Cores(Buffer.from(c, 'utf8')));
  return { what, plain: [...new Set([...cases, ...percent].map((s) => s.toLowerCase()))], exact: [...new Set(exact)] };
}

/** Everything that must never appear, for one analysed fixture. */
function needles(a: Analysed): Needle[] {
  const out: Needle[] = [];
  const people = [...a.context.victims, ...a.context.submitters].filter((p) => !/@c4tap\.example$/i.test(p.address));
  for (const p of people) {
    if (p.address) {
      out.push(needlesFor(`address ${p.address}`, p.address));
      out.push(needlesFor(`local part of ${p.address}`, p.address.slice(0, p.address.lastIndexOf('@'))));
    }
    if (p.name && !/undisclosed/i.test(p.name) && p.name !== 'SOC Team') {
      out.push(needlesFor(`display name ${p.name}`, p.name));
      if (p.name.includes(' ')) out.push(needlesFor(`display name ${p.name}`, p.name.replace(/ /g, '')));
    }
  }
  for (const d of ORGS.flatMap((o) => o.domains)) out.push(needlesFor(`participant domain ${d}`, d));
  return out;
}

function leaks(value: string, list: readonly Needle[]): string[] {
  const lower = value.toLowerCase();
  const found: string[] = [];
  for (const n of list) {
    if (n.plain.some((p) => lower.includes(p)) || n.exact.some((e) => value.includes(e))) found.push(n.what);
  }
  return found;
}

describe('sanitizer sweep over every fixture mail', function () {
  for (const fixture of FIXTURES) {
    it(`publishes no recipient, local part, display name or participant domain in any encoding: ${fixture.name}`, async function () {
      const a = await analyse(fixture);
      const list = needles(a);
      expect(list.length, 'the sweep has something to look for').to.be.greaterThan(5);
      expect(a.sanitized.indicators.length, 'the fixture yields indicators').to.be.greaterThan(3);
      const problems: string[] = [];
      for (const c of a.sanitized.indicators) {
        const texts = [c.value, c.unicode ?? '', ...c.origins.map((o) => o.detail ?? '')];
        for (const v of texts) for (const what of leaks(v, list)) problems.push(`${c.type} ${v}: ${what}`);
      }
      for (const what of leaks(a.sanitized.subject ?? '', list)) problems.push(`subject ${a.sanitized.subject}: ${what}`);
      expect(problems).to.deep.equal([]);
    });
  }

  it('would notice a leak: the unsanitized candidates of the fixtures do carry victim identifiers', async function () {
    let caught = 0;
    for (const fixture of FIXTURES) {
      const a = await analyse(fixture);
      const list = needles(a);
      caught += a.extracted.candidates.filter((c) => leaks(c.value, list).length > 0).length;
    }
    expect(caught).to.be.greaterThan(10);
  });

  it('recognises base64 of an address at every alignment, as the sweep relies on', function () {
    const n = needlesFor('x', 'taro@corp.example');
    for (const prefix of ['', 'a', 'ab', 'abc', '{"e":"']) {
      const encoded = Buffer.from(`${prefix}taro@corp.example","x":1}`).toString('base64');
      expect(
        n.exact.some((e) => encoded.includes(e)),
        `prefix ${JSON.stringify(prefix)}`,
      ).to.equal(true);
    }
  });
});
