// Authentication for the API and TAXII: the JWT is checked by core/tokens.ts (one algorithm, expiry
// required, issuer and audience, jti not revoked, principal active). It comes as a bearer token
// (RFC 6750) or as the password of HTTP Basic (RFC 7617, which TAXII 2.1 §1.6.9 requires servers
// to accept; many TAXII clients are configured with a user name and a password): the user name is
// free, the token alone says who calls. Anything else is 401 with a problem-details body and both
// challenges.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { C4Error } from '../../core/errors.ts';
import type { Clock } from '../../core/ids.ts';
import type { Store } from '../../core/store/port.ts';
import { verifyToken, type TokenCheck, type TokenSettings } from '../../core/tokens.ts';
import type { ApiToken } from '../../core/types.ts';
import { loadViewer, type Viewer } from '../viewer.ts';

export interface AuthContext {
  readonly viewer: Viewer;
  readonly token: ApiToken;
}

export interface AuthDeps {
  readonly store: Store;
  readonly tokenSettings: TokenSettings;
  readonly clock: Clock;
}

type Refusal = Extract<TokenCheck, { ok: false }>['reason'];

const REFUSALS: Readonly<Record<Refusal, string>> = {
  malformed: 'the bearer token is malformed',
  'bad-signature': 'the bearer token signature or algorithm is not accepted',
  expired: 'the bearer token has expired',
  claims: 'the bearer token was not issued for this API (issuer, audience or claims)',
  revoked: 'the bearer token was revoked',
  unknown: 'the bearer token is not known',
  disabled: 'the principal of this token is disabled',
};

function refuse(res: Response, detail: string, error: 'invalid_request' | 'invalid_token'): C4Error {
  res.set('WWW-Authenticate', [`Bearer realm="c4tap", error="${error}"`, 'Basic realm="c4tap", charset="UTF-8"']);
  return new C4Error('UNAUTHENTICATED', detail);
}

const TOKEN = /^[A-Za-z0-9_\-.=]+$/;

/** The token of an Authorization header: `Bearer <token>` or `Basic base64(<any user>:<token>)`. */
export function tokenOf(header: string): string | null {
  const m = /^(Bearer|Basic) +(\S+)$/i.exec(header.trim());
  if (!m) return null;
  if (m[1]!.toLowerCase() === 'bearer') return TOKEN.test(m[2]!) ? m[2]! : null;
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return TOKEN.test(password) ? password : null;
}

export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const token = tokenOf(header);
    if (token === null)
      return next(refuse(res, 'an API token is required (Authorization: Bearer <token>, or HTTP Basic with the token as password)', 'invalid_request'));
    const check = await verifyToken(deps.store, deps.tokenSettings, token, deps.clock());
    if (!check.ok) return next(refuse(res, REFUSALS[check.reason], 'invalid_token'));
    const viewer = await loadViewer(deps.store, check.principal);
    if (!viewer) return next(refuse(res, REFUSALS.unknown, 'invalid_token'));
    const auth: AuthContext = { viewer, token: check.token };
    res.locals['auth'] = auth;
    next();
  };
}

/** The authenticated caller of this request (set by `authenticate`). */
export function authOf(res: Response): AuthContext {
  const auth = res.locals['auth'] as AuthContext | undefined;
  if (!auth) throw new C4Error('INTERNAL', 'route reached without authentication');
  return auth;
}
