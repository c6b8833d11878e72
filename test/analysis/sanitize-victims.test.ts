// Victims come from the registry, not from attacker-written headers (issue 12, measured on real
// phishing mail): each test is one of the ways a victim's address reached participants, or one of
// the ways an attacker-written recipient hid the attacker's own indicators.
import { expect } from 'chai';
import { analyse, CORP, SUBMITTER, type Analysed } from './indicators-fixtures.ts';
import type { MailSpec } from '../fixtures/mime-writer.ts';
import { findVictims, registeredDomains } from '../../analysis/sanitize/victims.ts';

const VICTIM = 'yamada.taro@ops.corp.example';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** What would be published of an analysed mail: indicator values, their Unicode forms and origins, the subject. */
function published(a: Analysed): string {
  return JSON.stringify([a.sanitized.subject, a.sanitized.indicators.map((i) => [i.value, i.unicode ?? '', i.origins])]);
}

function spec(over: Partial<MailSpec>): MailSpec {
  return { from: 'Billing <billing@invoice-lure.xyz>', to: 'Undisclosed recipients:;', subject: 'Invoice', text: 'Please pay.', ...over };
}

async function run(s: MailSpec): Promise<Analysed> {
  return analyse({ name: 'victim', spec: s, style: 'rfc822', options: { submitter: SUBMITTER } });
}

function expectNoVictim(a: Analysed, ...needles: string[]): void {
  const out = published(a).toLowerCase();
  for (const n of ['yamada', 'taro', 'corp.example', ...needles]) expect(out, `${n} published`).to.not.include(n.toLowerCase());
}

describe('sanitizer: victims from the registry, not from attacker-written headers', function () {
  it('replaces the whole victim address in a subject when To names nobody, local part included', async function () {
    const a = await run(spec({ subject: `RE: 2nd attempt for ${VICTIM}` }));
    expect(a.sanitized.subject).to.equal('RE: 2nd attempt for victim@example.invalid');
  });

  it("replaces a victim address glued between a tracker's digits in a click URL", async function () {
    const a = await run(spec({ to: '[to]', html: `<a href="https://click.lure-tracker.xyz/click/300${VICTIM}42/go">pay</a>` }));
    expectNoVictim(a);
    expect(a.sanitized.indicators.map((i) => i.value)).to.include('https://click.lure-tracker.xyz/click/victim%40example.invalid/go');
  });

  it('replaces a victim address glued to digits in a query parameter', async function () {
    const a = await run(spec({ to: 'garbage', text: `https://lure-tracker.xyz/o?x=1&uid=${VICTIM}001446&t=2` }));
    expectNoVictim(a);
  });

  it("drops an attacker address built around the victim's, and keeps the attacker's domain", async function () {
    const a = await run(spec({ text: `Write to s40${VICTIM}0@bounce-lure.xyz now` }));
    expectNoVictim(a);
    expect(a.sanitized.indicators.map((i) => i.value)).to.include('bounce-lure.xyz');
  });

  for (const [encoding, write] of [
    ['base64', (v: string) => `https://lure-tracker.xyz/t?e=${b64(v)}`],
    ['base64url at an odd offset', (v: string) => `https://lure-tracker.xyz/t?e=zz${b64url(`:${v}`)}`],
    ['percent-encoding', (v: string) => `https://lure-tracker.xyz/t?e=${encodeURIComponent(v)}`],
    ['a JSON escape', (v: string) => `https://lure-tracker.xyz/t?e=${v.replace('@', '\\u0040')}`],
    ['HTML entities in an href', (v: string) => `<a href="https://lure-tracker.xyz/t?e=${v.replace('@', '&#64;').replace(/\./g, '&#46;')}">x</a>`],
    ['quoted-printable left in a body', (v: string) => `https://lure-tracker.xyz/t?e=${v.replace('@', '=40')}`],
    ['upper case', (v: string) => `https://lure-tracker.xyz/t?e=${v.toUpperCase()}`],
  ] as const) {
    it(`finds the victim when the address appears only as ${encoding}, with garbage in To`, async function () {
      const body = `Open ${write(VICTIM)} today`;
      const a = await run(spec({ to: 'Undisclosed recipients:;', ...(body.includes('<a ') ? { html: body } : { text: body }) }));
      expect(a.context.victims.map((v) => v.address)).to.include(VICTIM);
      expectNoVictim(a);
    });
  }

  it('finds and withholds a victim address hex-encoded after a stray digit (every pair shifted), with garbage in To', async function () {
    const hex = Buffer.from(VICTIM, 'utf8').toString('hex');
    const a = await run(spec({ to: 'Undisclosed recipients:;', text: `Open https://lure-tracker.xyz/t?e=f${hex}&s=1 today` }));
    expect(a.context.victims.map((v) => v.address)).to.include(VICTIM);
    // The published text holds neither the address nor its hex (a reader would decode it at once).
    expectNoVictim(a, hex, hex.slice(0, 40));
  });

  it("takes the display name written with a victim address in the body for the victim's", async function () {
    const a = await run(spec({ text: `---\nTo: 山田 太郎 <${VICTIM}>\n---`, subject: '山田 太郎様 ご請求書' }));
    expect(a.context.victims).to.deep.include({ address: VICTIM, name: '山田 太郎' });
    expect(a.sanitized.subject).to.not.include('山田');
  });

  it("never lets an attacker-written To display name remove the attacker's own domains", async function () {
    const a = await run(
      spec({
        from: 'Aviso <aviso@notificandoavisos24.com>',
        to: '"Aviso Importante-" <aviso@notificandoavisos24.com>',
        subject: 'Aviso Importante',
        text: 'https://notificandoavisos24.com/aviso-importante/doc',
      }),
    );
    const values = a.sanitized.indicators.map((i) => i.value);
    expect(values).to.include.members(['notificandoavisos24.com', 'aviso@notificandoavisos24.com', 'https://notificandoavisos24.com/aviso-importante/doc']);
    expect(a.sanitized.subject).to.equal('Aviso Importante');
    expect(a.context.otherRecipients.map((r) => r.address)).to.include('aviso@notificandoavisos24.com');
  });

  it("never lets a third party's local part in To remove a domain that contains it", async function () {
    const a = await run(
      spec({ from: 'INSS <noreply@inss-beneficio.xyz>', to: 'inss@inss.gov.br', text: 'Veja https://inss.gov.br.consulta-beneficio.xyz/login' }),
    );
    const values = a.sanitized.indicators.map((i) => i.value);
    expect(values).to.include('inss.gov.br.consulta-beneficio.xyz');
    expect(values).to.include('https://inss.gov.br.consulta-beneficio.xyz/login');
  });

  it('finds a victim on a sub-domain of a registered domain, also when characters are glued to the domain', function () {
    const reg = registeredDomains(CORP.domains);
    const found = findVictims({ texts: ['mail to K-Suzuki@mail.hq.corp-group.example2 and j.smith@corp.example-p, not x@notcorp.example'] }, reg);
    expect(found.map((v) => v.address)).to.deep.equal(['k-suzuki@mail.hq.corp-group.example', 'j.smith@corp.example']);
  });

  it('finds a victim address only base64-encoded, whatever byte it starts on and whatever stray characters precede the run', function () {
    const reg = registeredDomains(CORP.domains);
    for (const lead of ['', ':', '::'])
      for (const stray of ['', 'z', 'zz', 'zzz'])
        for (const encode of [b64, b64url]) {
          const text = `open https://lure-tracker.xyz/t?e=${stray}${encode(lead + VICTIM)} today`;
          expect(
            findVictims({ texts: [text] }, reg).map((v) => v.address),
            `${lead.length} byte(s) before the address, ${stray.length} stray character(s)`,
          ).to.deep.equal([VICTIM]);
        }
  });

  it('finds a victim address only hex-encoded, also after a stray digit that shifts every pair', function () {
    const reg = registeredDomains(CORP.domains);
    for (const stray of ['', 'f', 'ff', 'fff'])
      for (const tail of ['', '0']) {
        const text = `id=${stray}${Buffer.from(VICTIM, 'utf8').toString('hex')}${tail}&x=1`;
        expect(
          findVictims({ texts: [text] }, reg).map((v) => v.address),
          `stray ${JSON.stringify(stray)}, tail ${JSON.stringify(tail)}`,
        ).to.include(VICTIM);
      }
  });

  it('finds a victim address encoded thousands of characters into a long base64 or hex run, and in a short run beside it', function () {
    const reg = registeredDomains(CORP.domains);
    const blob = (at: number) => `{"pad":"${'q'.repeat(at)}","rcpt":"${VICTIM}","n":1}`;
    for (const at of [10, 3500, 4000, 6500]) {
      const other = 'sato.hanako@corp.example';
      const texts = [
        `u=https://lure-tracker.xyz/c?d=${b64(blob(at))}&k=${b64(other)}`,
        `u=https://lure-tracker.xyz/c?d=${b64url(blob(at))}`,
        `ref ${Buffer.from(blob(at), 'utf8').toString('hex')} end`,
      ];
      expect(
        findVictims({ texts: [texts[0]!] }, reg).map((v) => v.address),
        `base64, address at byte ${at}`,
      ).to.include.members([VICTIM, other]);
      expect(
        findVictims({ texts: [texts[1]!] }, reg).map((v) => v.address),
        `base64url, address at byte ${at}`,
      ).to.deep.equal([VICTIM]);
      expect(
        findVictims({ texts: [texts[2]!] }, reg).map((v) => v.address),
        `hex, address at byte ${at}`,
      ).to.deep.equal([VICTIM]);
    }
  });

  it('finds a victim at an internationalised registered domain written in Unicode or in punycode', function () {
    const reg = registeredDomains(['例え.jp']);
    const found = findVictims({ texts: ['宛先: 山田 <Taro@例え.JP>', 'u=hanako%40xn--r8jz45g.jp'] }, reg);
    expect(found.map((v) => v.address)).to.have.members(['taro@例え.jp', 'hanako@xn--r8jz45g.jp']);
  });

  it('drops an address at a registered domain with a hyphenated tail glued on, keeping nothing of it', async function () {
    const a = await run(spec({ text: `Bonjour ${VICTIM} ${VICTIM}-p, votre facture` }));
    expectNoVictim(a);
  });
});
