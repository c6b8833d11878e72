// The class banner of a digest: the narrowest class the message carries, with that class's sharing
// rule, in the recipient's language first; the same class in the subject tag and C4TAP-Class
// header; each line with its own class; a digest holding a class it may not carry is refused.
import { expect } from 'chai';
import { isC4Error } from '../../core/errors.ts';
import type { SharingClass } from '../../core/types.ts';
import { bannerLines, digestFiles, renderDigest } from '../../sharing/digests/content/index.ts';
import type { DigestInput } from '../../sharing/digests/content/types.ts';
import { LIVE, idOf, digestEnvSuite } from './helpers/digest-content-env.ts';

const JA_RULE = 'の範囲内でのみ共有できます';
const EN_RULE = 'share only within';

function textLines(text: string): string[] {
  return text.split('\n');
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('digest content: class banner', function () {
  this.timeout(30_000);
  const f = digestEnvSuite();

  it('opens the text with the banner in Japanese then English for a Japanese reader', async () => {
    const mail = await renderDigest(f.env.input({ language: 'ja' }));
    const [first, second] = textLines(mail.text);
    expect(first)
      .to.match(/^C⁴TAP:YELLOW — /)
      .and.include(JA_RULE);
    expect(second)
      .to.match(/^C⁴TAP:YELLOW — /)
      .and.include(EN_RULE);
  });

  it('opens the text with the banner in English then Japanese for an English reader', async () => {
    const mail = await renderDigest(f.env.input({ language: 'en' }));
    const [first, second] = textLines(mail.text);
    expect(first)
      .to.match(/^C⁴TAP:YELLOW — /)
      .and.include(EN_RULE);
    expect(second)
      .to.match(/^C⁴TAP:YELLOW — /)
      .and.include(JA_RULE);
  });

  it('puts the banner first in the HTML body, in the same language order', async () => {
    for (const language of ['ja', 'en'] as const) {
      const html = (await renderDigest(f.env.input({ language }))).html!;
      const body = html.slice(html.indexOf('<body'));
      const [a, b] = bannerLines('YELLOW', language);
      const firstText = body
        .replace(/<[^>]+>/g, '\n')
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      expect(firstText.slice(0, 2)).to.deep.equal([a, b]);
    }
  });

  it('states the narrowest class carried: YELLOW when YELLOW and GREEN items are mixed', async () => {
    const mail = await renderDigest(f.env.input());
    expect(mail.subject).to.match(/^\[C4TAP:YELLOW\] /);
    expect(mail.headers?.['C4TAP-Class']).to.equal('YELLOW');
  });

  it('states GREEN, with the affiliates in its rule, when only GREEN items are carried', async () => {
    const green = f.env.entries.filter((e) => e.view.class === 'GREEN' && e.view.sources.every((s) => s.class === 'GREEN'));
    expect(green.length).to.be.greaterThan(0);
    const mail = await renderDigest(f.env.input({ language: 'en' }, { entries: green }));
    expect(mail.subject).to.match(/^\[C4TAP:GREEN\] /);
    expect(mail.headers?.['C4TAP-Class']).to.equal('GREEN');
    expect(textLines(mail.text)[0])
      .to.match(/^C⁴TAP:GREEN — /)
      .and.include('affiliated parties');
    const yellow = textLines((await renderDigest(f.env.input({ language: 'en' }))).text)[0]!;
    expect(yellow).not.to.include('affiliated parties');
  });

  it('falls back to the narrowest class the schedule allows when there is nothing to carry', async () => {
    const empty = { entries: [], stixContext: { latest: [], sightings: [] } };
    expect((await renderDigest(f.env.input({}, empty))).headers?.['C4TAP-Class']).to.equal('YELLOW');
    expect((await renderDigest(f.env.input({}, { ...empty, classes: ['GREEN', 'WHITE'] }))).headers?.['C4TAP-Class']).to.equal('GREEN');
  });

  it('writes the sharing rule of each class from its audience', () => {
    const en = (cls: SharingClass) => bannerLines(cls, 'en')[0]!;
    expect(en('WHITE')).to.include('published openly');
    expect(en('GREEN')).to.include('participating organisations').and.include('observers').and.include('affiliated parties');
    expect(en('YELLOW')).to.include('observers').and.not.include('affiliated');
    expect(en('AMBER')).to.include('participating organisations').and.not.include('observers');
    expect(en('RED')).to.include('the submitting organisation').and.not.include('participating');
  });

  it('shows each indicator line with its own class', async () => {
    const lines = textLines((await renderDigest(f.env.input({ language: 'en' }))).text);
    const lineOf = (needle: string) => lines.find((l) => l.includes(needle)) ?? '';
    expect(lineOf('evil-bank[.]example  (')).to.match(/^\s+\[YELLOW\] /);
    expect(lineOf('hxxp://cdn[.]other[.]example')).to.match(/^\s+\[GREEN\] /);
  });

  it('refuses with DIGEST_CLASS_VIOLATION a digest holding a class it may not carry', async () => {
    const greenOnly: Partial<DigestInput> = { classes: ['GREEN', 'WHITE'] };
    const err = await rejection(renderDigest(f.env.input({}, greenOnly)));
    expect(isC4Error(err, 'DIGEST_CLASS_VIOLATION')).to.equal(true);
    expect(() => digestFiles(f.env.input({}, greenOnly)))
      .to.throw()
      .that.satisfies((e: unknown) => isC4Error(e, 'DIGEST_CLASS_VIOLATION'));
  });

  it('refuses an observer digest in which a view still holds an AMBER source', async () => {
    const entry = f.env.entries.find((e) => e.view.id === idOf('domain-name', LIVE.domain))!;
    const amberSource = { ...entry.view.sources[0]!, submissionId: 'other', class: 'AMBER' as const };
    const leaky = { ...entry, view: { ...entry.view, sources: [...entry.view.sources, amberSource] } };
    const err = await rejection(renderDigest(f.env.input({}, { entries: [leaky] })));
    expect(isC4Error(err, 'DIGEST_CLASS_VIOLATION')).to.equal(true);
  });
});
