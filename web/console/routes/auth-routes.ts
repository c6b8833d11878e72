// The login steps and logout. A session is created only once the password is right, moved to a
// new id at each completed step, and becomes `active` after the second factor (and a new password
// when one is due).
import express, { type Request, type Response, type Router } from 'express';
import type { ConsoleSessionStage } from '../../../core/store/port.ts';
import type { Principal } from '../../../core/types.ts';
import { CONSOLE_PATH, requestContext, type RequestContext } from '../context.ts';
import { clearCookie, setCookie } from '../cookies.ts';
import { changePassword, checkPassword, checkSecondFactor, completeEnrolment, type LoginDeps } from '../auth/login.ts';
import { advanceSession, endSession, PENDING_MS, PRELOGIN_COOKIE, SESSION_COOKIE, startSession } from '../auth/sessions.ts';
import { decryptTotpSecret, encryptTotpSecret, newTotpSecret, qrDataUrl, totpUri } from '../auth/totp.ts';
import { changePasswordPage, enrolPage, loginPage, recoveryCodesPage, secondFactorPage } from '../pages/login-pages.ts';
import type { ConsoleServices } from '../router.ts';

export function stagePath(stage: ConsoleSessionStage): string {
  switch (stage) {
    case 'second-factor':
      return `${CONSOLE_PATH}/login/second-factor`;
    case 'enrol':
      return `${CONSOLE_PATH}/login/enrol`;
    case 'change-password':
      return `${CONSOLE_PATH}/login/change-password`;
    case 'active':
      return `${CONSOLE_PATH}/queue`;
  }
}

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, 1024) : '';
}

function lockedText(rc: RequestContext, retryAfterMs: number): string {
  return rc.t('login.locked', { minutes: Math.max(1, Math.ceil(retryAfterMs / 60_000)) });
}

export function authRoutes(services: ConsoleServices): Router {
  const { deps, keys, limits, sessions } = services;
  const loginDeps: LoginDeps = { store: deps.store, audit: deps.audit, clock: deps.clock, log: deps.log, keys, limits };
  const router = express.Router();

  /** The session of the request if it is at this login step; otherwise the answer was sent. */
  function atStage(res: Response, ...stages: ConsoleSessionStage[]) {
    const who = requestContext(res).who;
    if (who && stages.includes(who.session.stage)) return who;
    res.redirect(303, who ? stagePath(who.session.stage) : `${CONSOLE_PATH}/login`);
    return null;
  }

  /** After a completed step: the next one, under a new session id. */
  async function nextStep(req: Request, res: Response, principal: Principal, stage: ConsoleSessionStage, data: Record<string, unknown> = {}): Promise<string> {
    const who = requestContext(res).who!;
    const started = await advanceSession(sessions, who.sessionId, who.session, stage, data);
    setCookie(req, res, SESSION_COOKIE, started.id);
    if (stage === 'active') {
      await limits.succeeded(principal.name, requestContext(res).clientAddress);
      await deps.audit({ actor: principal.id, action: 'console.login', target: principal.id, data: { address: requestContext(res).clientAddress } });
    }
    return stagePath(stage);
  }

  function afterSecondFactor(p: Principal): ConsoleSessionStage {
    return p.mustChangePassword ? 'change-password' : 'active';
  }

  router.get('/login', (_req, res) => {
    const rc = requestContext(res);
    if (rc.who) return void res.redirect(303, stagePath(rc.who.session.stage));
    res.type('html').send(loginPage(rc, null));
  });

  router.post('/login', async (req, res) => {
    const rc = requestContext(res);
    const name = field(req, 'name');
    const outcome = await checkPassword(loginDeps, name, field(req, 'password'), rc.clientAddress);
    if (outcome.kind === 'locked')
      return void res
        .status(429)
        .type('html')
        .send(loginPage(rc, { kind: 'error', text: lockedText(rc, outcome.retryAfterMs) }, name));
    if (outcome.kind === 'refused')
      return void res
        .status(401)
        .type('html')
        .send(loginPage(rc, { kind: 'error', text: rc.t('login.refused') }, name));
    const p = outcome.principal;
    const enrolling = p.totpSecret === null;
    const data = enrolling ? { pendingTotp: encryptTotpSecret(keys.totp, p.id, newTotpSecret()) } : {};
    if (rc.who) await endSession(sessions, rc.who.sessionId);
    // Housekeeping: sessions nobody used for longer than any session may idle are dead anyway.
    const idleLimit = Math.max(sessions.settings.idleMs, PENDING_MS);
    await deps.store.deleteConsoleSessions({ lastSeenBefore: new Date(deps.clock().getTime() - idleLimit).toISOString() });
    const started = await startSession(sessions, p.id, enrolling ? 'enrol' : 'second-factor', rc.clientAddress, data);
    setCookie(req, res, SESSION_COOKIE, started.id);
    clearCookie(req, res, PRELOGIN_COOKIE);
    res.redirect(303, stagePath(started.session.stage));
  });

  router.get('/login/second-factor', (_req, res) => {
    if (!atStage(res, 'second-factor')) return;
    res.type('html').send(secondFactorPage(requestContext(res), null));
  });

  router.post('/login/second-factor', async (req, res) => {
    const who = atStage(res, 'second-factor');
    if (!who) return;
    const rc = requestContext(res);
    const outcome = await checkSecondFactor(loginDeps, who.principal, field(req, 'code'), rc.clientAddress);
    if (outcome.kind === 'locked')
      return void res
        .status(429)
        .type('html')
        .send(secondFactorPage(rc, { kind: 'error', text: lockedText(rc, outcome.retryAfterMs) }));
    if (outcome.kind === 'refused')
      return void res
        .status(401)
        .type('html')
        .send(secondFactorPage(rc, { kind: 'error', text: rc.t('factor.refused') }));
    res.redirect(303, await nextStep(req, res, who.principal, afterSecondFactor(who.principal)));
  });

  async function showEnrol(res: Response, status: number, notice: Parameters<typeof enrolPage>[1]): Promise<void> {
    const who = requestContext(res).who!;
    const secret = decryptTotpSecret(keys.totp, who.principal.id, (who.session.data.pendingTotp as string | undefined) ?? null);
    if (!secret) throw new Error('enrolment session without a pending secret');
    const qr = await qrDataUrl(totpUri(deps.config.exchange.name, who.principal.name, secret));
    res
      .status(status)
      .type('html')
      .send(enrolPage(requestContext(res), notice, secret, qr));
  }

  router.get('/login/enrol', async (_req, res) => {
    if (!atStage(res, 'enrol')) return;
    await showEnrol(res, 200, null);
  });

  router.post('/login/enrol', async (req, res) => {
    const who = atStage(res, 'enrol');
    if (!who) return;
    const rc = requestContext(res);
    const secret = decryptTotpSecret(keys.totp, who.principal.id, (who.session.data.pendingTotp as string | undefined) ?? null);
    if (!secret) throw new Error('enrolment session without a pending secret');
    const outcome = await completeEnrolment(loginDeps, who.principal, secret, field(req, 'code'), rc.clientAddress);
    if (outcome.kind === 'locked') return void (await showEnrol(res, 429, { kind: 'error', text: lockedText(rc, outcome.retryAfterMs) }));
    if (outcome.kind === 'refused') return void (await showEnrol(res, 400, { kind: 'error', text: rc.t('enrol.refused') }));
    const next = await nextStep(req, res, who.principal, afterSecondFactor(who.principal));
    res.type('html').send(recoveryCodesPage(rc, outcome.recoveryCodes, next));
  });

  router.get('/login/change-password', (_req, res) => {
    const who = atStage(res, 'change-password', 'active');
    if (!who) return;
    res.type('html').send(changePasswordPage(requestContext(res), null, who.session.stage !== 'active'));
  });

  router.post('/login/change-password', async (req, res) => {
    const who = atStage(res, 'change-password', 'active');
    if (!who) return;
    const rc = requestContext(res);
    const forced = who.session.stage !== 'active';
    const outcome = await changePassword(loginDeps, who.principal, {
      current: field(req, 'current'),
      next: field(req, 'next'),
      confirm: field(req, 'confirm'),
    });
    if (outcome.kind === 'invalid')
      return void res
        .status(400)
        .type('html')
        .send(changePasswordPage(rc, outcome.problem, forced));
    // Every session of the principal ended with the change; this browser continues in a new one.
    const started = await startSession(sessions, who.principal.id, 'active', rc.clientAddress, {}, forced ? who.session.createdAt : undefined);
    setCookie(req, res, SESSION_COOKIE, started.id);
    if (forced) {
      await limits.succeeded(who.principal.name, rc.clientAddress);
      await deps.audit({ actor: who.principal.id, action: 'console.login', target: who.principal.id, data: { address: rc.clientAddress } });
    }
    res.redirect(303, `${CONSOLE_PATH}/queue?notice=notice.passwordChanged`);
  });

  router.post('/logout', async (req, res) => {
    const rc = requestContext(res);
    if (rc.who) {
      await endSession(sessions, rc.who.sessionId);
      await deps.audit({ actor: rc.who.principal.id, action: 'console.logout', target: rc.who.principal.id, data: {} });
    }
    clearCookie(req, res, SESSION_COOKIE);
    res.redirect(303, `${CONSOLE_PATH}/login`);
  });

  return router;
}
