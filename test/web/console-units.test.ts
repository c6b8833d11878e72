// Small console pieces: TOTP secrets at rest, the client network allow-list, hand-typed
// indicators, the sanitized-versus-original diff.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { decryptTotpSecret, encryptTotpSecret, checkTotp, newTotpSecret } from '../../web/console/auth/totp.ts';
import { networkAllowList } from '../../web/console/auth/networks.ts';
import { parseIndicatorInput } from '../../sharing/triage/indicator-input.ts';
import { diffText } from '../../web/console/submission/diff.ts';
import { totpAt } from './helpers/http-client.ts';

describe('console building blocks', function () {
  it('stores TOTP secrets encrypted, bound to their principal; tampering or another row does not decrypt', function () {
    const key = randomBytes(32);
    const secret = newTotpSecret();
    const sealed = encryptTotpSecret(key, 'prn_a', secret);
    expect(sealed).to.not.include(secret);
    expect(decryptTotpSecret(key, 'prn_a', sealed)).to.equal(secret);
    expect(decryptTotpSecret(key, 'prn_b', sealed)).to.equal(null);
    expect(decryptTotpSecret(randomBytes(32), 'prn_a', sealed)).to.equal(null);
    const parts = sealed.split(':');
    parts[3] = Buffer.from(Buffer.from(parts[3]!, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64');
    expect(decryptTotpSecret(key, 'prn_a', parts.join(':'))).to.equal(null);
  });

  it('accepts the TOTP code of now and of the neighbouring step, not older ones', async function () {
    const secret = newTotpSecret();
    const now = new Date('2025-01-06T00:00:10Z');
    expect((await checkTotp(secret, await totpAt(secret, now), now)).ok).to.equal(true);
    expect((await checkTotp(secret, await totpAt(secret, new Date(now.getTime() - 30_000)), now)).ok).to.equal(true);
    expect((await checkTotp(secret, await totpAt(secret, new Date(now.getTime() - 120_000)), now)).ok).to.equal(false);
    expect((await checkTotp(secret, 'abcdef', now)).ok).to.equal(false);
  });

  it('allows every client with an empty network list, otherwise only listed networks (IPv4-mapped too)', function () {
    expect(networkAllowList([])('203.0.113.9')).to.equal(true);
    const allowed = networkAllowList(['192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
    expect(allowed('192.0.2.200')).to.equal(true);
    expect(allowed('::ffff:192.0.2.1')).to.equal(true);
    expect(allowed('2001:db8::1')).to.equal(true);
    expect(allowed('198.51.100.7')).to.equal(true);
    expect(allowed('198.51.100.8')).to.equal(false);
    expect(allowed('127.0.0.1')).to.equal(false);
    expect(allowed(undefined)).to.equal(false);
  });

  it('checks hand-typed indicators against their type and puts them in normal form', function () {
    expect(parseIndicatorInput('url', 'hxxps://EXAMPLE-evil[.]top/Path')).to.deep.equal({
      ok: true,
      type: 'url',
      value: 'https://example-evil.top/Path',
      kind: 'network',
    });
    expect(parseIndicatorInput('email-addr', 'Billing@Invoice-Portal.TOP')).to.deep.include({ ok: true, value: 'billing@invoice-portal.top', kind: 'mail' });
    expect(parseIndicatorInput('ipv4-addr', '2001:db8::1')).to.deep.equal({ ok: false, problem: 'invalid-value' });
    expect(parseIndicatorInput('file-sha256', 'ABC')).to.deep.equal({ ok: false, problem: 'invalid-value' });
    expect(parseIndicatorInput('file-md5', 'D41D8CD98F00B204E9800998ECF8427E')).to.deep.include({ value: 'd41d8cd98f00b204e9800998ecf8427e', kind: 'file' });
    expect(parseIndicatorInput('file-name', 'invoice\u202Efdp.exe')).to.deep.equal({ ok: false, problem: 'invalid-value' });
    expect(parseIndicatorInput('domain-name', 'evil.top', 'mail')).to.deep.include({ kind: 'mail' });
    expect(parseIndicatorInput('registry-key', 'x')).to.deep.equal({ ok: false, problem: 'unknown-type' });
  });

  it('diffs a redacted value word by word: one deleted run and one inserted run, never interleaved characters', function () {
    const url = diffText('https://x.top/?u=taro@rail.example&a=1', 'https://x.top/?u=victim%40example.invalid&a=1');
    expect(url.map((p) => p.op)).to.deep.equal(['same', 'del', 'ins', 'same']);
    expect(url[0]!.text).to.equal('https://x.top/?u=');
    expect(url[3]!.text).to.equal('&a=1');
    const parts = diffText('Invoice for Example Rail', 'Invoice for [org]');
    expect(parts).to.deep.equal([
      { op: 'same', text: 'Invoice for ' },
      { op: 'del', text: 'Example Rail' },
      { op: 'ins', text: '[org]' },
    ]);
    const long = 'lorem ipsum '.repeat(2000);
    expect(diffText(`${long}Taro ${long}`, `${long}[name] ${long}`)).to.deep.equal([
      { op: 'same', text: long },
      { op: 'del', text: 'Taro' },
      { op: 'ins', text: '[name]' },
      { op: 'same', text: ` ${long}` },
    ]);
  });
});
