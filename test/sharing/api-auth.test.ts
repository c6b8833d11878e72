// Bearer tokens at the API: forged, expired, alg:none, wrong-audience, revoked and missing tokens
// are 401 with a problem-details body; a token's requests are rate limited.
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { issueToken } from '../../core/tokens.ts';
import { DAY_MS, openApiEnv, problem, TOKEN_SETTINGS, type ApiEnv } from './helpers/api-env.ts';

describe('REST API: authentication', function () {
  let env: ApiEnv;
  beforeEach(async () => (env = await openApiEnv({ rateLimitPoints: 5 })));
  afterEach(() => env.close());

  const withToken = (token: string) => fetch(`${env.base}/indicators`, { headers: { authorization: `Bearer ${token}` } });

  async function expect401(res: Response, detail: RegExp): Promise<void> {
    expect(res.status).to.equal(401);
    expect(res.headers.get('www-authenticate')).to.match(/^Bearer realm="c4tap", error="invalid_(token|request)", Basic realm="c4tap", charset="UTF-8"$/);
    const body = await problem(res);
    expect(body).to.deep.include({ status: 401, code: 'UNAUTHENTICATED', type: 'urn:c4tap:error:unauthenticated' });
    expect(body.detail).to.match(detail);
  }

  it('serves a reader with a valid token', async function () {
    const res = await env.get(env.people.railReader, '/indicators');
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ items: [], next_since: 0, more: false });
  });

  it('refuses a request without a token, and HTTP Basic whose password is not a token', async function () {
    await expect401(await env.get(null, '/indicators'), /API token is required/);
    await expect401(await env.get(null, '/indicators', { authorization: 'Basic dXNlcjpwYXNz' }), /malformed/);
    await expect401(await env.get(null, '/indicators', { authorization: 'Basic bm8tY29sb24=' }), /API token is required/);
  });

  it('accepts the token as the password of HTTP Basic, whatever the user name', async function () {
    const { token } = await issueToken(env.w.store, TOKEN_SETTINGS, env.people.railReader, DAY_MS, 'basic', env.w.clock());
    for (const user of ['rail-reader', 'anyone', '']) {
      const res = await fetch(`${env.base}/indicators`, { headers: { authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` } });
      expect(res.status, user).to.equal(200);
    }
  });

  it('refuses a forged token (signed with another secret)', async function () {
    const { token } = await issueToken(env.w.store, { ...TOKEN_SETTINGS, secret: 'x'.repeat(48) }, env.people.railReader, DAY_MS, 'forged', env.w.clock());
    await expect401(await withToken(token), /signature or algorithm/);
  });

  it('refuses an expired token', async function () {
    const { token } = await issueToken(env.w.store, TOKEN_SETTINGS, env.people.railReader, 3600_000, 'short', env.w.clock());
    expect((await withToken(token)).status).to.equal(200);
    env.w.tick(2 * 3600);
    await expect401(await withToken(token), /expired/);
  });

  it('refuses an alg:none token carrying valid claims', async function () {
    const good = await env.token(env.people.railReader);
    const claims = jwt.decode(good) as jwt.JwtPayload;
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expect401(await withToken(`${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`), /malformed|signature or algorithm/);
  });

  it('refuses a token issued for another audience', async function () {
    const { token } = await issueToken(env.w.store, { ...TOKEN_SETTINGS, audience: 'other-api' }, env.people.railReader, DAY_MS, 'aud', env.w.clock());
    await expect401(await withToken(token), /not issued for this API/);
  });

  it('refuses a revoked token', async function () {
    const { token, record } = await issueToken(env.w.store, TOKEN_SETTINGS, env.people.railReader, DAY_MS, 'revoke-me', env.w.clock());
    expect((await withToken(token)).status).to.equal(200);
    await env.w.store.revokeToken(record.jti, env.w.clock().toISOString());
    await expect401(await withToken(token), /revoked/);
  });

  it('answers 429 with Retry-After once a token exceeds its rate, without slowing other tokens', async function () {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await env.get(env.people.railReader, '/indicators')).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429]);
    const limited = await env.get(env.people.railReader, '/indicators');
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
    expect(await problem(limited)).to.deep.include({ status: 429, code: 'RATE_LIMITED' });
    expect((await env.get(env.people.waterReader, '/indicators')).status).to.equal(200);
  });

  it('serves its OpenAPI document without a token', async function () {
    const res = await env.get(null, '/openapi.json');
    expect(res.status).to.equal(200);
    expect(((await res.json()) as { openapi: string }).openapi).to.equal('3.1.0');
  });
});
