import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { issueToken, parseTtl, verifyToken, type TokenSettings } from '../../core/tokens.ts';
import { addOrganisation, addPrincipal, setPrincipalStatus } from '../../core/directory.ts';
import { createAuditAppender } from '../../core/audit.ts';
import { newId } from '../../core/ids.ts';
import type { Principal } from '../../core/types.ts';
import { openTempSqlite, type TempSqlite } from './helpers/sqlite-temp.ts';

const SETTINGS: TokenSettings = { algorithm: 'HS256', issuer: 'c4tap', audience: 'c4tap-api', maxTtlDays: 365, secret: 'k'.repeat(44) };
const DAY = 24 * 3600 * 1000;
const NOW = new Date('2026-11-22T00:00:00Z');

describe('API tokens', function () {
  let temp: TempSqlite;
  let reader: Principal;
  let deps: Parameters<typeof addPrincipal>[0];

  beforeEach(async function () {
    temp = await openTempSqlite();
    const clock = () => NOW;
    deps = { store: temp.store, clock, newId, audit: createAuditAppender(temp.store, clock, Buffer.alloc(32, 1)) };
    const org = await addOrganisation(deps, 'test', {
      name: 'Water Works',
      tier: 'participant',
      sector: 'water',
      contacts: [
        {
          name: 'desk',
          means: [
            { kind: 'email', value: 'soc@water.example' },
            { kind: 'phone', value: '+81-3-1111-1111' },
          ],
        },
      ],
    });
    reader = (await addPrincipal(deps, 'test', { orgId: org.id, name: 'ww-reader', email: 'r@water.example', roles: ['reader'] })).principal;
  });
  afterEach(() => temp.cleanup());

  const verify = (token: string, at = NOW) => verifyToken(temp.store, SETTINGS, token, at);

  it('accepts a token it issued, naming its principal', async function () {
    const { token, record } = await issueToken(temp.store, SETTINGS, reader, 30 * DAY, 'pull', NOW);
    const check = await verify(token);
    expect(check.ok).to.equal(true);
    if (check.ok) expect(check.principal.id).to.equal(reader.id);
    expect(record.expiresAt).to.equal(new Date(NOW.getTime() + 30 * DAY).toISOString());
    expect(await temp.store.getToken(record.jti)).to.not.equal(null);
  });

  it('refuses an expired token', async function () {
    const { token } = await issueToken(temp.store, SETTINGS, reader, DAY, 'pull', NOW);
    expect(await verify(token, new Date(NOW.getTime() + 2 * DAY))).to.deep.equal({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another secret (forged)', async function () {
    const { token } = await issueToken(temp.store, { ...SETTINGS, secret: 'other-secret-'.repeat(4) }, reader, DAY, 'pull', NOW);
    expect(await verify(token)).to.deep.equal({ ok: false, reason: 'bad-signature' });
  });

  it('refuses alg:none and a switch to another algorithm', async function () {
    const { token } = await issueToken(temp.store, SETTINGS, reader, DAY, 'pull', NOW);
    const claims = jwt.decode(token) as jwt.JwtPayload;
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect((await verify(unsigned)).ok).to.equal(false);
    const switched = jwt.sign(claims, SETTINGS.secret, { algorithm: 'HS512' });
    expect((await verify(switched)).ok).to.equal(false);
  });

  it('refuses a token for another audience or issuer', async function () {
    const { token } = await issueToken(temp.store, { ...SETTINGS, audience: 'someone-else' }, reader, DAY, 'pull', NOW);
    expect(await verify(token)).to.deep.equal({ ok: false, reason: 'claims' });
    const other = await issueToken(temp.store, { ...SETTINGS, issuer: 'evil' }, reader, DAY, 'pull', NOW);
    expect(await verify(other.token)).to.deep.equal({ ok: false, reason: 'claims' });
  });

  it('refuses a token without expiry even when correctly signed', async function () {
    const token = jwt.sign({ sub: reader.id, jti: 'x' }, SETTINGS.secret, { algorithm: 'HS256', issuer: 'c4tap', audience: 'c4tap-api' });
    expect((await verify(token)).ok).to.equal(false);
  });

  it('refuses a revoked token and a token whose principal was disabled', async function () {
    const a = await issueToken(temp.store, SETTINGS, reader, DAY, 'a', NOW);
    await temp.store.revokeToken(a.record.jti, NOW.toISOString());
    expect(await verify(a.token)).to.deep.equal({ ok: false, reason: 'revoked' });
    const b = await issueToken(temp.store, SETTINGS, reader, DAY, 'b', NOW);
    await setPrincipalStatus(deps, 'test', 'ww-reader', 'disabled');
    expect(await verify(b.token)).to.deep.equal({ ok: false, reason: 'disabled' });
  });

  it('refuses to issue beyond the configured maximum lifetime', async function () {
    let code = '';
    await issueToken(temp.store, SETTINGS, reader, 400 * DAY, 'too long', NOW).catch((e) => (code = e.code));
    expect(code).to.equal('VALIDATION_FAILED');
  });

  it('reads lifetimes such as 90d, 12h and 30m', function () {
    expect(parseTtl('90d')).to.equal(90 * DAY);
    expect(parseTtl('12h')).to.equal(12 * 3600 * 1000);
    expect(parseTtl('30m')).to.equal(30 * 60 * 1000);
    expect(parseTtl('0d')).to.equal(null);
    expect(parseTtl('ever')).to.equal(null);
  });
});
