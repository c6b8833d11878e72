import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IndicatorType } from '../../core/types.ts';
import { loadWarningLists, matchWarningLists, type OwnWarningList, type WarningList } from '../../analysis/sanitize/warning-lists.ts';
import { WARNING_LISTS } from './indicators-fixtures.ts';

const match = (type: IndicatorType, value: string, lists: readonly WarningList[] = WARNING_LISTS) => matchWarningLists({ type, value }, lists);
// What our own lists say (the MISP lists shipped beside them are tested in warning-lists-misp.test.ts).
const own = (type: IndicatorType, value: string) => match(type, value).filter((name) => !name.startsWith('misp/'));

describe('warning lists', function () {
  describe('the shipped lists', function () {
    it('load, each with a unique name', function () {
      const names = WARNING_LISTS.map((l) => l.name);
      expect(names).to.include.members([
        'webmail-providers',
        'cloud-providers',
        'url-shorteners',
        'rfc-special-ranges',
        'rfc-special-names',
        'c4tap-exchange',
        'well-known-sites',
      ]);
      expect(new Set(names).size).to.equal(names.length);
      expect(WARNING_LISTS.filter((l) => l.format === 'misp')).to.have.length(41);
    });

    it('flag RFC 1918, 5737, 6598 and 3849 addresses and loopback, and leave public ones alone', function () {
      for (const ip of ['10.1.2.3', '172.16.0.9', '192.168.1.1', '192.0.2.5', '198.51.100.5', '203.0.113.5', '100.64.1.1', '127.0.0.1'])
        expect(own('ipv4-addr', ip), ip).to.deep.equal(['rfc-special-ranges']);
      for (const ip of ['2001:db8::1', 'fe80::1', 'fd00::5', '::1']) expect(own('ipv6-addr', ip), ip).to.deep.equal(['rfc-special-ranges']);
      expect(match('ipv4-addr', '9.9.9.9')).to.deep.equal([]);
      expect(match('ipv6-addr', '2a00:1450:4001::5')).to.deep.equal([]);
      expect(own('url', 'http://10.0.0.8/admin')).to.deep.equal(['rfc-special-ranges']);
    });

    it('flag special-use names in every form: example.com, .invalid, .test, localhost, home.arpa', function () {
      expect(own('domain-name', 'www.example.com')).to.deep.equal(['rfc-special-names']);
      expect(own('email-addr', 'victim@example.invalid')).to.deep.equal(['rfc-special-names']);
      expect(own('url', 'https://phish.test/login')).to.deep.equal(['rfc-special-names']);
      expect(own('domain-name', 'router.home.arpa')).to.deep.equal(['rfc-special-names']);
      expect(match('domain-name', 'example.com.evil-lure.xyz')).to.deep.equal([]);
    });

    it("flag a webmail domain but not an attacker's own address there", function () {
      expect(own('domain-name', 'gmail.com')).to.deep.equal(['webmail-providers']);
      expect(own('domain-name', 'docomo.ne.jp')).to.deep.equal(['webmail-providers']);
      expect(match('email-addr', 'ceo.private.mail@gmail.com')).to.deep.equal([]);
    });

    it("flag a URL shortener's domain but keep one shortened link as a real indicator", function () {
      expect(own('domain-name', 'bit.ly')).to.deep.equal(['url-shorteners']);
      expect(match('url', 'https://bit.ly/3xYzAbc')).to.deep.equal([]);
    });

    it("flag the exchange's own names in every form", function () {
      expect(match('email-addr', 'report@c4tap.example')).to.include('c4tap-exchange');
      expect(match('url', 'https://console.c4tap.example/s/1')).to.include('c4tap-exchange');
    });

    it('match subdomains but not names that merely end with the same letters', function () {
      expect(match('domain-name', 'mail-sor-f41.google.com')).to.include('mail-service-providers');
      expect(match('domain-name', 'notgoogle.com')).to.deep.equal([]);
      expect(own('domain-name', 'evil-bucket.s3.amazonaws.com')).to.deep.equal(['cloud-providers']);
    });
  });

  describe('loading', function () {
    let dir: string;
    beforeEach(function () {
      dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-wl-'));
      mkdirSync(path.join(dir, 'warninglists'));
    });
    afterEach(function () {
      rmSync(dir, { recursive: true, force: true });
    });
    const write = (file: string, body: unknown) => writeFileSync(path.join(dir, 'warninglists', file), JSON.stringify(body));
    const list = (name: string, over: Partial<OwnWarningList> = {}) => ({
      name,
      description: 'test',
      matching: 'domain',
      appliesTo: ['domain-name'],
      list: ['lure.example'],
      ...over,
    });

    it('matches IDN entries in Unicode against punycode indicators', function () {
      write('idn.json', list('idn', { list: ['例え.jp'] }));
      expect(match('domain-name', 'mail.xn--r8jz45g.jp', loadWarningLists(dir))).to.deep.equal(['idn']);
    });

    it('applies a list only to the indicator types it names', function () {
      write('exact.json', list('exact', { matching: 'exact', appliesTo: ['url'], list: ['https://lure.example/Known'] }));
      const lists = loadWarningLists(dir);
      expect(match('url', 'HTTPS://lure.example/known', lists)).to.deep.equal(['exact']);
      expect(match('domain-name', 'https://lure.example/known', lists)).to.deep.equal([]);
    });

    it('refuses a list with a bad entry, naming the file and the entry', function () {
      write('bad.json', list('bad', { matching: 'cidr', appliesTo: ['ipv4-addr'], list: ['10.0.0.0/8', '300.1.1.0/24'] }));
      expect(() => loadWarningLists(dir))
        .to.throw(/bad\.json[\s\S]*list\.1: not a cidr: 300\.1\.1\.0\/24/)
        .with.property('code', 'CONFIG_INVALID');
    });

    it('refuses two lists with the same name and an unknown indicator type', function () {
      write('a.json', list('dup'));
      write('b.json', list('dup'));
      expect(() => loadWarningLists(dir))
        .to.throw(/used twice/)
        .with.property('code', 'CONFIG_INVALID');
      rmSync(path.join(dir, 'warninglists', 'b.json'));
      write('c.json', list('typo', { appliesTo: ['domain' as IndicatorType] }));
      expect(() => loadWarningLists(dir))
        .to.throw(/c\.json[\s\S]*appliesTo/)
        .with.property('code', 'CONFIG_INVALID');
    });
  });
});
