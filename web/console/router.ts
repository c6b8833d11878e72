// The analyst console: one Express router mounted at CONSOLE_PATH by the composition root. It
// owns its middleware — client network allow-list, no-store caching, static files, form bodies,
// session lookup, CSRF check on every state change — then the login steps, and behind an active
// session the queue, submission, triage, admin and dashboard pages.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ERROR_MAP, type ErrorCode } from '../../core/errors.ts';
import { httpErrorOf } from '../http-errors.ts';
import { CONSOLE_PATH, type ConsoleDeps, type RequestContext } from './context.ts';
import { readCookie, setCookie } from './cookies.ts';
import { csrfToken, CSRF_FIELD, CSRF_HEADER, verifyCsrf } from './auth/csrf.ts';
import { consoleKeys } from './auth/keys.ts';
import { createLoginLimits } from './auth/login-limits.ts';
import { networkAllowList } from './auth/networks.ts';
import { lookupSession, PRELOGIN_COOKIE, SESSION_COOKIE, type SessionDeps } from './auth/sessions.ts';
import { DEFAULT_TIME_ZONE, pickLanguage, translator, type MessageKey } from './i18n/index.ts';
import { errorPage } from './pages/login-pages.ts';
import { authRoutes, stagePath } from './routes/auth-routes.ts';
import { queueRoutes } from './routes/queue-routes.ts';
import { submissionRoutes } from './routes/submission-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { dashboardRoutes } from './routes/dashboard-routes.ts';
import { drillRoutes } from './routes/drill-routes.ts';
import { campaignRoutes } from './routes/campaign-routes.ts';

const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

export interface ConsoleServices {
  readonly deps: ConsoleDeps;
  readonly keys: ReturnType<typeof consoleKeys>;
  readonly limits: ReturnType<typeof createLoginLimits>;
  readonly sessions: SessionDeps;
}

const ERROR_KEYS: Partial<Record<ErrorCode, MessageKey>> = {
  NOT_FOUND: 'error.notFound',
  VALIDATION_FAILED: 'error.invalid',
  MESSAGE_TOO_LARGE: 'error.invalid',
  CONFLICT: 'error.conflict',
  FORBIDDEN: 'error.forbidden',
  VAULT_PURGED: 'error.purged',
  RATE_LIMITED: 'error.rateLimited',
};

export function createConsoleRouter(deps: ConsoleDeps): Router {
  const cfg = deps.config.console;
  const services: ConsoleServices = {
    deps,
    keys: consoleKeys(deps.secrets),
    limits: createLoginLimits(
      {
        failuresPerUser: cfg.loginFailuresPerUser,
        failuresPerAddress: cfg.loginFailuresPerAddress,
        failuresPerUserFromElsewhere: cfg.loginFailuresPerUserFromElsewhere,
        windowSeconds: cfg.loginWindowSeconds,
      },
      deps.store,
    ),
    sessions: { store: deps.store, clock: deps.clock, settings: { idleMs: cfg.sessionIdleMinutes * 60_000, absoluteMs: cfg.sessionAbsoluteHours * 3600_000 } },
  };
  const allowed = networkAllowList(cfg.allowedNetworks);
  const router = express.Router();

  router.use((req, res, next) => {
    if (!allowed(req.ip)) {
      deps.log.warn({ event: 'console.network_refused', address: req.ip }, 'console request from a network not allowed');
      res.status(403).type('text/plain').send('Forbidden');
      return;
    }
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use('/static', express.static(STATIC_DIR, { index: false, dotfiles: 'deny', fallthrough: true }));
  // A file that is not there is a 404, not an error (serve-static's own error went to the 500 handler).
  router.use('/static', (_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  router.use(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 200 }));

  // Who is asking, in which language, and the CSRF binding of this browser.
  router.use(async (req, res, next) => {
    const address = req.ip ?? 'unknown';
    const sessionId = readCookie(req, SESSION_COOKIE);
    const found = await lookupSession(services.sessions, sessionId);
    let binding: string;
    let who: RequestContext['who'] = null;
    if (found.kind === 'ok' && sessionId) {
      binding = sessionId;
      who = { principal: found.principal, org: await deps.store.getOrganisation(found.principal.orgId), session: found.session, sessionId };
    } else {
      binding = readCookie(req, PRELOGIN_COOKIE) ?? '';
      if (!binding) {
        binding = randomBytes(24).toString('base64url');
        setCookie(req, res, PRELOGIN_COOKIE, binding);
      }
    }
    const lang = who ? who.principal.language : pickLanguage(req.query.lang, req.headers['accept-language']);
    const rc: RequestContext = {
      lang,
      timeZone: who?.principal.timeZone ?? DEFAULT_TIME_ZONE,
      t: translator(lang),
      csrf: csrfToken(services.keys.csrf, binding),
      who,
      clientAddress: address,
    };
    res.locals.c4 = rc;
    res.locals.csrfBinding = binding;
    next();
  });

  // Every state change carries the CSRF token of this browser's session (or pre-login cookie).
  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = body[CSRF_FIELD] ?? req.get(CSRF_HEADER);
    if (!verifyCsrf(services.keys.csrf, res.locals.csrfBinding as string, token)) {
      const rc = res.locals.c4 as RequestContext;
      deps.log.warn({ event: 'console.csrf_refused', path: req.path, address: req.ip }, 'state change without a valid CSRF token');
      res
        .status(403)
        .type('html')
        .send(errorPage(rc, rc.t('error.csrfTitle'), rc.t('error.csrf')));
      return;
    }
    next();
  });

  router.use(authRoutes(services));

  // Everything below needs a session with both factors checked.
  router.use((req, res, next) => {
    const who = (res.locals.c4 as RequestContext).who;
    if (who?.session.stage === 'active') return next();
    if (req.path.endsWith('.json')) {
      res.status(401).json({ code: 'UNAUTHENTICATED' });
      return;
    }
    res.redirect(303, who ? stagePath(who.session.stage) : `${CONSOLE_PATH}/login`);
  });
  router.get('/', (_req, res) => res.redirect(303, `${CONSOLE_PATH}/queue`));
  router.use(queueRoutes(services));
  router.use(submissionRoutes(services));
  router.use(campaignRoutes(services));
  router.use(settingsRoutes(services));
  router.use(dashboardRoutes(services));
  router.use('/admin/drills', drillRoutes(services));
  router.use('/admin', adminRoutes(services));

  router.use((_req, res) => {
    const rc = res.locals.c4 as RequestContext;
    res
      .status(404)
      .type('html')
      .send(errorPage(rc, rc.t('error.notFoundTitle'), rc.t('error.notFound')));
  });
  // Express needs four parameters to see an error handler.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = httpErrorOf(err);
    const status = ERROR_MAP[e.code].http;
    const rc = (res.locals.c4 as RequestContext | undefined) ?? fallbackContext(req);
    if (status >= 500)
      deps.log.error(
        { event: 'console.error', requestId: res.locals.requestId as unknown, code: e.code, path: req.path, err: e.cause ?? e },
        'console request failed',
      );
    else deps.log.info({ event: 'console.refused', code: e.code, path: req.path, message: e.message }, 'console request refused');
    const key = ERROR_KEYS[e.code] ?? 'error.internal';
    res
      .status(status)
      .type('html')
      .send(errorPage(rc, rc.t('error.title'), rc.t(key)));
  });
  return router;
}

function fallbackContext(req: Request): RequestContext {
  const lang = pickLanguage(req.query.lang, req.headers['accept-language']);
  return { lang, timeZone: DEFAULT_TIME_ZONE, t: translator(lang), csrf: '', who: null, clientAddress: req.ip ?? 'unknown' };
}
