import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IndicatorType } from '../../core/types.ts';
import { classifyWarnings, loadWarningLists, matchInfrastructure, matchWarningLists, type WarningList } from '../../analysis/sanitize/warning-lists.ts';
import { WARNING_LISTS } from './indicators-fixtures.ts';

const classify = (type: IndicatorType, value: string, lists: readonly WarningList[] = WARNING_LISTS) => classifyWarnings({ type, value }, lists);
const MISP_ONLY = WARNING_LISTS.filter((l) => l.format === 'misp');

describe('MISP warning lists', function () {
  describe('the 41 shipped lists (policies/warninglists/misp)', function () {
    it('load beside our own lists, each named misp/<file name>', function () {
      expect(MISP_ONLY.map((l) => l.name)).to.include.members(['misp/microsoft-office365-ip', 'misp/empty-hashes', 'misp/tranco10k', 'misp/tlds']);
      expect(MISP_ONLY).to.have.length(41);
    });

    it('cidr: withholds an address inside an Office 365 IPv6 block and an AWS IPv4 block', function () {
      expect(classify('ipv6-addr', '2603:1036:1::5').withhold).to.include('misp/microsoft-office365-ip');
      expect(classify('ipv6-addr', '2603:1036:0001:0000::5').withhold).to.include('misp/microsoft-office365-ip');
      expect(classify('ipv4-addr', '104.47.0.1').withhold).to.include('misp/microsoft-office365-ip');
      expect(classify('ipv4-addr', '9.9.9.9').withhold).to.deep.equal([]);
      expect(classify('ipv6-addr', '2a00:1450:4001::5').withhold).not.to.include('misp/microsoft-office365-ip');
    });

    it("string: withholds the empty file's SHA-256, SHA-1 and MD5 as file hashes only", function () {
      expect(classify('file-sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855').withhold).to.include('misp/empty-hashes');
      expect(classify('file-sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855').withhold).to.include('misp/empty-hashes');
      expect(classify('file-sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709').withhold).to.include('misp/empty-hashes');
      expect(classify('file-md5', 'd41d8cd98f00b204e9800998ecf8427e').withhold).to.include('misp/empty-hashes');
      expect(classify('email-subject', 'd41d8cd98f00b204e9800998ecf8427e').withhold).to.deep.equal([]);
      expect(classify('file-sha256', '0'.repeat(64)).withhold).to.deep.equal([]);
    });

    it("hostname: withholds a dynamic-DNS provider's subdomain, not a name merely ending in its letters", function () {
      expect(classify('domain-name', 'phish-portal.duckdns.org').withhold).to.include('misp/dynamic-dns');
      expect(classify('domain-name', 'notduckdns.org').withhold).not.to.include('misp/dynamic-dns');
    });

    it("withholds a top site's host, but only advises on a full URL with a path on it", function () {
      expect(classify('domain-name', 'wikipedia.org').withhold).to.include('misp/tranco10k');
      expect(classify('url', 'https://www.wikipedia.org/').withhold).to.include('misp/tranco10k');
      expect(classify('url', 'https://www.wikipedia.org/some/path?x=1')).to.deep.equal({ withhold: [], advise: ['misp/tranco10k'] });
      expect(classify('url', 'https://www.wikipedia.org/?x=1').advise).to.include('misp/tranco10k');
      expect(matchWarningLists({ type: 'url', value: 'https://www.wikipedia.org/some/path?x=1' }, WARNING_LISTS)).to.deep.equal([]);
    });

    it('advises on a shortened link (bit.ly/abc) and withholds the shortener itself', function () {
      const link = classify('url', 'https://bit.ly/abc');
      expect(link.withhold).to.deep.equal([]);
      expect(link.advise).to.include('misp/url-shortener');
      expect(classify('url', 'https://bit.ly/').withhold).to.include('misp/url-shortener');
      expect(classify('domain-name', 'bit.ly').withhold).to.include('misp/url-shortener');
    });

    it('advises on a URL whose IP-literal host is in a cloud block, withholds the bare address URL', function () {
      expect(classify('url', 'http://52.95.1.1/a.exe')).to.deep.equal({ withhold: [], advise: ['misp/amazon-aws'] });
      expect(classify('url', 'http://52.95.1.1/').withhold).to.include('misp/amazon-aws');
    });

    it('string with leading-dot entries (google, microsoft): matches names under them, host-level for URLs', function () {
      expect(classify('domain-name', 'docs.google.com').withhold).to.include('misp/google');
      expect(classify('url', 'https://docs.google.com/forms/d/e/1FAIpQL/viewform').advise).to.include('misp/google');
      expect(classify('domain-name', 'google.com.evil-lure.xyz').withhold).to.deep.equal([]);
    });

    it('applies a list only to the indicator types its matching_attributes map to', function () {
      // microsoft-office365 names domain and hostname, not url
      expect(classify('domain-name', 'outlook.office365.com').withhold).to.include('misp/microsoft-office365');
      const url = classify('url', 'https://outlook.office365.com/');
      expect([...url.withhold, ...url.advise]).not.to.include('misp/microsoft-office365');
      // dynamic-dns names no e-mail type: an attacker's address there is not withheld by it
      expect(classify('email-addr', 'x@foo.duckdns.org').withhold).not.to.include('misp/dynamic-dns');
    });

    it('substring: withholds an address at a disposable-mail domain, not the domain alone (no domain attribute)', function () {
      expect(classify('email-addr', 'boss.urgent@mailinator.com').withhold).to.include('misp/disposable-email');
      expect(classify('email-addr', 'boss.urgent@MAILINATOR.com').withhold).to.include('misp/disposable-email');
      expect(classify('domain-name', 'mailinator.com').withhold).not.to.include('misp/disposable-email');
      expect(classify('email-addr', 'boss@attacker-owned.xyz').withhold).to.deep.equal([]);
    });

    it('the TLD lists match only a name equal to a top-level or second-level suffix', function () {
      expect(classify('domain-name', 'co.jp').withhold).to.deep.equal(['misp/second-level-tlds']);
      expect(classify('domain-name', 'login.example-lure.co.jp').withhold).to.deep.equal([]);
    });
  });

  describe('matchInfrastructure (Received hops)', function () {
    it('names Exchange Online hosts under prod.outlook.com through the microsoft list', function () {
      expect(matchInfrastructure('sa1pr04mb1234.namprd04.prod.outlook.com', MISP_ONLY)).to.equal('misp/microsoft');
      expect(matchInfrastructure('mail-bn8nam12on2101.outbound.protection.outlook.com', MISP_ONLY)).to.equal('misp/microsoft');
      expect(matchInfrastructure('SA1PR04MB1234.namprd04.PROD.OUTLOOK.COM.', MISP_ONLY)).to.equal('misp/microsoft');
    });

    it('names a Microsoft 365 address through the Office 365 ranges', function () {
      expect(matchInfrastructure('104.47.0.1', MISP_ONLY)).to.equal('misp/microsoft-office365-ip');
      expect(matchInfrastructure('[IPv6:2603:1036:1::5]', MISP_ONLY)).to.equal('misp/microsoft-office365-ip');
    });

    it('prefers our own lists, which come first', function () {
      expect(matchInfrastructure('sa1pr04mb1234.namprd04.prod.outlook.com', WARNING_LISTS)).to.equal('mail-service-providers');
    });

    it('never calls a host infrastructure because of the TLD lists alone', function () {
      expect(classify('domain-name', 'co.jp').withhold).to.include('misp/second-level-tlds');
      expect(matchInfrastructure('co.jp', WARNING_LISTS)).to.equal(null);
      expect(matchInfrastructure('mail.attacker-relay.co.jp', WARNING_LISTS)).to.equal(null);
      expect(matchInfrastructure('198.18.7.7', MISP_ONLY)).to.equal('misp/rfc5735');
      expect(matchInfrastructure('203.0.114.9', WARNING_LISTS)).to.equal(null);
    });
  });

  describe('loading operator-dropped MISP files', function () {
    let dir: string;
    beforeEach(function () {
      dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-wl-misp-'));
      mkdirSync(path.join(dir, 'warninglists', 'misp'), { recursive: true });
    });
    afterEach(function () {
      rmSync(dir, { recursive: true, force: true });
    });
    const write = (file: string, body: unknown) => {
      mkdirSync(path.dirname(path.join(dir, 'warninglists', 'misp', file)), { recursive: true });
      writeFileSync(path.join(dir, 'warninglists', 'misp', file), JSON.stringify(body));
    };
    const misp = (over: Record<string, unknown>) => ({
      name: 'Test list',
      version: 1,
      description: 'test',
      type: 'string',
      list: [],
      matching_attributes: ['domain'],
      ...over,
    });

    it('regex: matches a pattern given as /pattern/flags or bare', function () {
      write(
        'lures.json',
        misp({ type: 'regex', list: ['/^login-[0-9]+\\.example\\.net$/i', 'portal\\.example\\.org$'], matching_attributes: ['domain', 'hostname'] }),
      );
      const lists = loadWarningLists(dir);
      expect(classify('domain-name', 'LOGIN-42.example.net', lists).withhold).to.deep.equal(['misp/lures']);
      expect(classify('domain-name', 'x.portal.example.org', lists).withhold).to.deep.equal(['misp/lures']);
      expect(classify('domain-name', 'login-x.example.net', lists).withhold).to.deep.equal([]);
      expect(matchInfrastructure('login-7.example.net', lists)).to.equal('misp/lures');
    });

    it('string with url: the exact URL is withheld even with a path', function () {
      write('known-urls.json', misp({ list: ['https://lure.example/Known/Page'], matching_attributes: ['url'] }));
      const lists = loadWarningLists(dir);
      expect(classify('url', 'https://lure.example/known/page', lists)).to.deep.equal({ withhold: ['misp/known-urls'], advise: [] });
      expect(classify('url', 'https://lure.example/other', lists)).to.deep.equal({ withhold: [], advise: [] });
    });

    it('substring with url: a match inside the URL itself is withheld', function () {
      write('sandbox.json', misp({ type: 'substring', list: ['sandbox-report'], matching_attributes: ['url'] }));
      const lists = loadWarningLists(dir);
      expect(classify('url', 'https://vendor.example/sandbox-report/123', lists).withhold).to.deep.equal(['misp/sandbox']);
    });

    it('hostname with an e-mail attribute: matches the domain of an address', function () {
      write('relays.json', misp({ type: 'hostname', list: ['.relay.example'], matching_attributes: ['email-src'] }));
      const lists = loadWarningLists(dir);
      expect(classify('email-addr', 'bounce@eu.relay.example', lists).withhold).to.deep.equal(['misp/relays']);
      expect(classify('domain-name', 'eu.relay.example', lists).withhold).to.deep.equal([]);
    });

    it('reads the MISP repository layout (<list>/list.json) and ignores unknown attribute types and keys', function () {
      write('parked/list.json', misp({ type: 'cidr', list: ['203.0.113.0/24'], matching_attributes: ['ip-dst', 'AS'], category: 'known', future_key: 1 }));
      const lists = loadWarningLists(dir);
      expect(lists.map((l) => l.name)).to.deep.equal(['misp/parked']);
      expect(classify('ipv4-addr', '203.0.113.77', lists).withhold).to.deep.equal(['misp/parked']);
    });

    it('refuses a malformed MISP file, naming the file and the position', function () {
      write('bad-type.json', misp({ type: 'wildcard' }));
      expect(() => loadWarningLists(dir))
        .to.throw(/bad-type\.json[\s\S]*type/)
        .with.property('code', 'CONFIG_INVALID');
      rmSync(path.join(dir, 'warninglists', 'misp', 'bad-type.json'));
      write('bad-cidr.json', misp({ type: 'cidr', list: ['10.0.0.0/8', '300.1.1.0/24'], matching_attributes: ['ip-src'] }));
      expect(() => loadWarningLists(dir))
        .to.throw(/bad-cidr\.json[\s\S]*list\.1: not a cidr: 300\.1\.1\.0\/24/)
        .with.property('code', 'CONFIG_INVALID');
      rmSync(path.join(dir, 'warninglists', 'misp', 'bad-cidr.json'));
      write('no-list.json', { name: 'x', description: 'y', type: 'string' });
      expect(() => loadWarningLists(dir))
        .to.throw(/no-list\.json[\s\S]*list/)
        .with.property('code', 'CONFIG_INVALID');
    });

    it('refuses a regex list whose pattern does not compile', function () {
      write('bad-regex.json', misp({ type: 'regex', list: ['/ok/', '/(unclosed/'] }));
      expect(() => loadWarningLists(dir))
        .to.throw(/bad-regex\.json[\s\S]*list\.1: not a regex/)
        .with.property('code', 'CONFIG_INVALID');
    });
  });
});
