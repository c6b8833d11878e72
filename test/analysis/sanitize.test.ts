import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { IndicatorType, InfoKind } from '../../core/types.ts';
import { buildSanitizeContext, exchangeIdentity, sanitize, SUBMITTER_LOOKALIKE, type SanitizeContext } from '../../analysis/sanitize/index.ts';
import type { CandidateIndicator } from '../../analysis/types.ts';
import { analyse, CORP, EXCHANGE, FIXTURES, ORGS, RAIL, RULES, VICTIM, WARNING_LISTS } from './indicators-fixtures.ts';

function ctx(overrides: Partial<SanitizeContext> = {}): SanitizeContext {
  return {
    organisations: ORGS,
    submitterOrgId: CORP.id,
    victims: [{ name: VICTIM.name, address: VICTIM.address }],
    otherRecipients: [],
    submitters: [{ name: 'SOC Team', address: 'soc@corp.example' }],
    exchange: EXCHANGE,
    warningLists: WARNING_LISTS,
    rules: RULES,
    ...overrides,
  };
}

function cand(type: IndicatorType, value: string, kind: InfoKind = 'network', unicode?: string): CandidateIndicator {
  return { type, value, kind, origins: [{ field: 'test' }], warningLists: [], ...(unicode ? { unicode } : {}) };
}

const values = (cs: readonly CandidateIndicator[]) => cs.map((c) => c.value);
const fixture = (name: string) => FIXTURES.find((f) => f.name === name)!;

describe('sanitizer', function () {
  describe('values that are never indicators', function () {
    it("drops victims, the submitter and the exchange's own addresses, and records why", function () {
      const s = sanitize(
        [
          cand('email-addr', 'T.Yamada@corp.example'),
          cand('email-addr', 'soc@corp.example'),
          cand('email-addr', 'report@c4tap.example'),
          cand('email-addr', 'attacker@evil-lure.xyz'),
        ],
        null,
        ctx(),
      );
      expect(values(s.indicators)).to.deep.equal(['attacker@evil-lure.xyz']);
      expect(s.redactions.map((r) => r.reason)).to.deep.equal([
        'victim address: never an indicator',
        'submitter address: never an indicator',
        'exchange address: never an indicator',
      ]);
      expect(s.redactions[0]).to.include({ field: 'indicator:email-addr', before: 'T.Yamada@corp.example', after: '' });
    });

    it('drops registered domains of any organisation and their subdomains, in addresses and URLs too', function () {
      const s = sanitize(
        [
          cand('domain-name', 'mail.corp.example'),
          cand('domain-name', 'tokyo-rail.example'),
          cand('email-addr', 'ceo@corp-group.example'),
          cand('url', 'https://intranet.tokyo-rail.example/login'),
          cand('email-message-id-domain', 'corp.example'),
          cand('domain-name', 'notcorp.example'),
        ],
        null,
        ctx(),
      );
      expect(values(s.indicators)).to.deep.equal(['notcorp.example']);
      expect(s.redactions.every((r) => r.reason === 'registered domain of an organisation: never an indicator')).to.equal(true);
    });

    it('drops addresses in registered networks (IPv4 and IPv6) and URLs on them', function () {
      const s = sanitize(
        [cand('ipv4-addr', '198.51.100.77'), cand('ipv6-addr', '2001:db8:c0:1::9'), cand('url', 'http://192.0.2.200/x'), cand('ipv4-addr', '192.0.2.1')],
        null,
        ctx(),
      );
      expect(values(s.indicators)).to.deep.equal(['192.0.2.1']);
    });

    it('drops hosts and addresses of internal relays wherever else they appear', function () {
      const s = sanitize(
        [cand('domain-name', 'relay.outsourced-filter.xyz'), cand('ipv4-addr', '100.80.1.2')],
        null,
        ctx({ internalHops: { internalHosts: ['relay.outsourced-filter.xyz'], internalIps: ['100.80.1.2'] } }),
      );
      expect(s.indicators).to.deep.equal([]);
      expect(s.redactions.map((r) => r.reason)).to.deep.equal(['internal relay host: never an indicator', 'internal relay address: never an indicator']);
    });
  });

  describe('the context of a submission', function () {
    it('protects the victims at registered domains and the submitter, but takes no attacker for a submitter when nothing was forwarded', async function () {
      const a = await analyse(fixture('mass mailing'));
      const forwarded = buildSanitizeContext({
        headers: a.item.headers,
        forward: a.unwrapped,
        organisations: ORGS,
        submitterOrgId: CORP.id,
        exchange: EXCHANGE,
        warningLists: WARNING_LISTS,
        rules: RULES,
      });
      expect(forwarded.submitters.map((p) => p.address)).to.deep.equal(['soc@corp.example']);
      expect(forwarded.victims.map((p) => p.address)).to.deep.equal(['t.yamada@corp.example']);
      const direct = buildSanitizeContext({
        headers: a.item.headers,
        forward: { ...a.unwrapped, note: null },
        envelope: { mailFrom: 'mta@corp.example' },
        organisations: ORGS,
        submitterOrgId: CORP.id,
        exchange: EXCHANGE,
        warningLists: WARNING_LISTS,
        rules: RULES,
      });
      expect(direct.submitters.map((p) => p.address)).to.deep.equal(['mta@corp.example']);
      expect(direct.victims.map((p) => p.address)).to.deep.equal(['t.yamada@corp.example']);
    });

    it('knows the exchange by its configured drop address and host name', function () {
      expect(exchangeIdentity({ dropAddress: 'Report@C4TAP.example', hostname: 'mx.c4tap.example' })).to.deep.equal({
        domains: ['c4tap.example', 'mx.c4tap.example'],
        addresses: ['report@c4tap.example'],
        networks: [],
      });
      expect(exchangeIdentity({ dropAddress: 'report@c4tap.example', hostname: 'localhost' }).domains).to.deep.equal(['c4tap.example']);
    });
  });

  describe('victim identifiers inside URLs', function () {
    it('replaces the address base64-encoded in the query, percent-encoded in the path and in the fragment', async function () {
      const { sanitized } = await analyse(fixture('victim identifiers in URLs'));
      const urls = values(sanitized.indicators.filter((c) => c.type === 'url'));
      expect(urls).to.include.members([
        'https://mailbox-verify-portal.xyz/login?u=victim%40example.invalid&lang=ja',
        'https://files-share-portal.top/victim%40example.invalid/view',
        'https://mailbox-verify-portal.xyz/s/',
        'https://mailbox-verify-portal.xyz/l/victim%40example.invalid',
        'https://trk.mailbox-verify-portal.xyz/o.gif?h=victim%40example.invalid',
        'https://news-lure-mailer.xyz/u/%5Bvictim%5D?c=spring',
      ]);
      const reasons = sanitized.redactions.filter((r) => r.field === 'indicator:url').map((r) => r.reason);
      expect(reasons).to.include.members([
        'address at a registered domain (base64)',
        'address at a registered domain (plain)',
        'victim address (digest)',
        'victim display name (plain)',
      ]);
    });

    it('removes every fragment from published URLs and records it', function () {
      const s = sanitize([cand('url', 'https://lure.example.xyz/a#section-2'), cand('url', 'https://lure.example.xyz/a')], null, ctx());
      expect(values(s.indicators)).to.deep.equal(['https://lure.example.xyz/a']);
      expect(s.indicators[0]!.origins).to.have.length(1);
      expect(s.redactions).to.deep.equal([
        {
          field: 'indicator:url',
          before: 'https://lure.example.xyz/a#section-2',
          after: 'https://lure.example.xyz/a',
          reason: 'URL fragment: never published (client-side only, where victim ids hide)',
        },
      ]);
    });

    it('finds the address upper-cased, in base64url without padding, double percent-encoded and as a SHA-256', function () {
      const addr = VICTIM.address;
      const sha = createHash('sha256').update(addr).digest('hex');
      const s = sanitize(
        [
          cand('url', `https://lure.example.xyz/a?e=${Buffer.from(addr.toUpperCase()).toString('base64url')}`),
          cand('url', `https://lure.example.xyz/b?e=${encodeURIComponent(encodeURIComponent(addr))}`),
          cand('url', `https://lure.example.xyz/c/${sha}`),
          cand('url', `https://lure.example.xyz/d?d=${Buffer.from(JSON.stringify({ mail: addr, id: 7 })).toString('base64')}`),
        ],
        null,
        ctx(),
      );
      expect(values(s.indicators)).to.deep.equal([
        'https://lure.example.xyz/a?e=victim%40example.invalid',
        'https://lure.example.xyz/b?e=victim%40example.invalid',
        'https://lure.example.xyz/c/victim%40example.invalid',
        'https://lure.example.xyz/d?d=victim%40example.invalid',
      ]);
    });

    it('drops a URL whose host carries a victim identifier and keeps its registrable domain', function () {
      const s = sanitize(
        [cand('url', 'https://t-yamada.corp.example.login-check.xyz/'), cand('domain-name', 't-yamada.corp.example.login-check.xyz')],
        null,
        ctx(),
      );
      expect(values(s.indicators)).to.deep.equal(['login-check.xyz']);
      expect(s.redactions.map((r) => r.after)).to.deep.equal(['', '']);
    });

    it('leaves URLs without identifiers untouched', function () {
      const url = 'https://lure.example.xyz/path/Invoice%20Q1.pdf?id=4411&lang=ja';
      const s = sanitize([cand('url', url)], null, ctx());
      expect(values(s.indicators)).to.deep.equal([url]);
      expect(s.redactions).to.deep.equal([]);
    });
  });

  describe('subjects and text values', function () {
    it("redacts the recipient's display name, local part, address and the organisation's name from the subject", function () {
      const s = sanitize([], 'RE: Taro Yamada / t.yamada: Corp Example Inc. payroll for TARO YAMADA (t.yamada@corp.example)', ctx());
      expect(s.subject).to.equal('RE: [victim] / [victim]: [org] payroll for [victim] (victim@example.invalid)');
      expect(s.redactions).to.have.length(1);
      expect(s.redactions[0]).to.include({ field: 'subject', after: s.subject });
    });

    it("redacts a Japanese organisation's core name and a full-width spelling of the name", function () {
      const s = sanitize([], '東京レール様 請求書 ｔａｒｏ　ｙａｍａｄａ', ctx({ submitterOrgId: RAIL.id }));
      expect(s.subject).to.equal('[org]様 請求書 [victim]');
    });

    it('matches short local parts only as whole words, and never a generic one on its own', function () {
      const c = ctx({
        victims: [
          { name: '', address: 'ito@corp.example' },
          { name: '', address: 'info@corp.example' },
        ],
      });
      expect(sanitize([], 'Deposito for ito様 from info desk', c).subject).to.equal('Deposito for [victim]様 from info desk');
    });

    it("never takes the exchange's own drop addresses for a person to protect", function () {
      const c = ctx({
        victims: [
          { name: 'C4TAP Amber', address: 'amber@c4tap.example' },
          { name: '', address: 'report+green@c4tap.example' },
        ],
      });
      expect(sanitize([], '[TLP:AMBER] Amber alert: report green light', c).subject).to.equal('[TLP:AMBER] Amber alert: report green light');
    });

    it('redacts victim names inside file names and keeps the rest', function () {
      const s = sanitize([cand('file-name', 'Invoice_Taro_Yamada.pdf.lnk', 'file')], null, ctx());
      expect(values(s.indicators)).to.deep.equal(['Invoice_[victim].pdf.lnk']);
    });

    it('keeps an indicator found in a file whose name carries a victim, with the name redacted in its origin', function () {
      const c: CandidateIndicator = { ...cand('url', 'https://cdn.payload.xyz/a.ps1'), origins: [{ field: 'attachment', detail: 'Invoice_Taro_Yamada.lnk' }] };
      expect(sanitize([c], null, ctx()).indicators[0]?.origins).to.deep.equal([{ field: 'attachment', detail: 'Invoice_[victim].lnk' }]);
    });
  });

  describe('flags', function () {
    it('flags warning-listed indicators and keeps them', function () {
      const s = sanitize(
        [cand('domain-name', 'gmail.com', 'mail'), cand('email-addr', 'lure.sender@gmail.com', 'mail'), cand('ipv4-addr', '10.1.2.3', 'mail')],
        null,
        ctx(),
      );
      expect(s.indicators.map((c) => [c.value, c.warningLists])).to.deep.equal([
        ['gmail.com', ['webmail-providers', 'misp/google', 'misp/tranco10k']],
        ['lure.sender@gmail.com', []],
        ['10.1.2.3', ['rfc-special-ranges', 'misp/rfc1918', 'misp/rfc5735']],
      ]);
    });

    it('publishes a full URL with a path on a popular host with a warning, and withholds the bare host', function () {
      const s = sanitize(
        [
          cand('url', 'https://docs.google.com/forms/d/e/1FAIpQLSf-lure/viewform'),
          cand('url', 'https://www.microsoft.com/'),
          cand('domain-name', 'docs.google.com'),
        ],
        null,
        ctx(),
      );
      const byValue = new Map(s.indicators.map((c) => [c.value, c]));
      const form = byValue.get('https://docs.google.com/forms/d/e/1FAIpQLSf-lure/viewform')!;
      expect(form.warningLists).to.deep.equal([]);
      expect(form.advisories).to.include('misp/tranco10k');
      expect(byValue.get('https://www.microsoft.com/')!.warningLists).to.not.deep.equal([]);
      expect(byValue.get('docs.google.com')!.warningLists).to.not.deep.equal([]);
    });

    it('withholds document namespace URIs in every form', function () {
      const s = sanitize([cand('url', 'http://schemas.openxmlformats.org/officeDocument/2006/relationships')], null, ctx());
      expect(s.indicators[0]!.warningLists).to.include('document-namespaces');
    });

    it("flags look-alikes of the submitter's own domains, not of other organisations', and reports all of them", function () {
      const s = sanitize([cand('domain-name', 'xn--rp-emcl.xyz', 'network', 'соrp.xyz'), cand('domain-name', 'tokyo-rai1.xyz')], null, ctx());
      expect(s.indicators.map((c) => [c.value, c.warningLists])).to.deep.equal([
        ['xn--rp-emcl.xyz', [SUBMITTER_LOOKALIKE]],
        ['tokyo-rai1.xyz', []],
      ]);
      expect(s.lookAlikes.map((l) => [l.domain, l.of, l.orgId, l.techniques])).to.deep.equal([
        ['xn--rp-emcl.xyz', 'corp.example', CORP.id, ['homoglyph', 'tld-swap']],
        ['tokyo-rai1.xyz', 'tokyo-rail.example', RAIL.id, ['homoglyph', 'edit-distance', 'tld-swap']],
      ]);
    });

    it('reports an IDN look-alike of a participant domain found in a mail', async function () {
      const { sanitized } = await analyse(fixture('IDN look-alike'));
      const homoglyph = sanitized.lookAlikes.find((l) => l.domain === 'xn--rp-emcl.example');
      expect(homoglyph).to.deep.equal({
        domain: 'xn--rp-emcl.example',
        unicode: 'соrp.example',
        of: 'corp.example',
        orgId: CORP.id,
        techniques: ['homoglyph'],
      });
      const from = sanitized.indicators.find((c) => c.type === 'email-addr' && c.value === 'keiri@xn--rp-emcl.example');
      expect(from?.unicode).to.equal('keiri@соrp.example');
      expect(from?.warningLists).to.include(SUBMITTER_LOOKALIKE);
    });
  });
});
