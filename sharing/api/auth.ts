// Bearer authentication for the API: the JWT is checked by core/tokens.ts (one algorithm, expiry
// required, issuer and audience, jti not revoked, principal active). Anything else is 401 with a
// problem-details body and a WWW-Authenticate challenge (RFC 6750).
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
  res.set('WWW-Authenticate', `Bearer realm="c4tap", error="${error}"`);
  return new C4Error('UNAUTHENTICATED', detail);
}

export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(header.trim());
    if (!m) return next(refuse(res, 'a bearer token is required (Authorization: Bearer <token>)', 'invalid_request'));
    const check = await verifyToken(deps.store, deps.tokenSettings, m[1]!, deps.clock());
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
