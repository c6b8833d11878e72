// The participant page, mounted at PARTICIPANT_PATH: a participating organisation's principals
// (submitters, readers) sign in with password + TOTP and see their organisation's reports — never
// another organisation's (404) — narrow a class at once, consent to a wider class an analyst
// proposed, manage their own API tokens and their organisation's points of contact.
//
// It reuses the console's auth modules (server-side sessions, TOTP, recovery codes, CSRF, login
// limits) with its own session surface, cookies and sign-in rule, and is not behind the console's
// network allow-list: participants reach it from their own networks, as they reach the API.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadSanitizationRules } from '../../analysis/sanitize/index.ts';
import { contactsFromRows, editOrganisation } from '../../core/directory.ts';
import { C4Error, ERROR_MAP, isC4Error } from '../../core/errors.ts';
import { PARTICIPANT_PATH } from '../../core/participant-links.ts';
import { issueAuditedToken, revokeAuditedToken } from '../../core/tokens.ts';
import { CLASSES, type Principal, type SharingClass } from '../../core/types.ts';
import * as triage from '../../sharing/triage/index.ts';
import { loadViewer, type Viewer } from '../../sharing/viewer.ts';
import { httpErrorOf } from '../http-errors.ts';
import { csrfToken, CSRF_FIELD, verifyCsrf } from '../console/auth/csrf.ts';
import { consoleKeys } from '../console/auth/keys.ts';
import { checkPassword, checkSecondFactor, completeEnrolment, type LoginDeps } from '../console/auth/login.ts';
import { createLoginLimits } from '../console/auth/login-limits.ts';
import { advanceSession, endSession, lookupSession, PENDING_MS, startSession, type SessionDeps } from '../console/auth/sessions.ts';
import { decryptTotpSecret, encryptTotpSecret, newTotpSecret, qrDataUrl, totpUri } from '../console/auth/totp.ts';
import type { ConsoleDeps } from '../console/context.ts';
import { clearCookie, readCookie, setCookie } from '../console/cookies.ts';
import { DEFAULT_TIME_ZONE, pickLanguage } from '../console/i18n/index.ts';
import { loadReport } from './report.ts';
import * as pages from './pages.ts';
import { texts, type TextKey } from './text.ts';

export { PARTICIPANT_PATH } from '../../core/participant-links.ts';
export type ParticipantDeps = ConsoleDeps;

const P = PARTICIPANT_PATH;
const SESSION_COOKIE = 'c4tap_participant';
const PRELOGIN_COOKIE = 'c4tap_participant_pre';
const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

/** Who may sign in here: an active principal of an organisation that submits or reads, with a password. */
export function mayUseParticipantPage(p: Pick<Principal, 'status' | 'roles' | 'passwordHash'>): boolean {
  return p.status === 'active' && p.passwordHash !== null && p.roles.some((r) => r === 'submitter' || r === 'reader');
}

interface Who {
  readonly principal: Principal;
  readonly viewer: Viewer | null;
  readonly stage: string;
  readonly sessionId: string;
  readonly session: Parameters<typeof advanceSession>[2];
}

interface Ctx {
  readonly pc: pages.PageContext;
  readonly who: Who | null;
  readonly address: string;
}

const ctxOf = (res: Response): Ctx => res.locals.participant as Ctx;

/** The signed-in viewer of an active session (routes behind the active gate). */
function viewerOf(res: Response): Viewer {
  const v = ctxOf(res).who?.viewer;
  if (!v) throw new C4Error('FORBIDDEN', 'no active participant session');
  return v;
}

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, 4000) : '';
}

function fields(req: Request, name: string): string[] {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, 4000));
}

/** Where to go after sign-in: a page of this site under PARTICIPANT_PATH (the receipt's report link), else the report list. */
function safeNext(v: unknown): string {
  return typeof v === 'string' && v.length < 300 && v.startsWith(`${P}/`) && !v.includes('//') && !v.includes('\\') && !v.startsWith(`${P}/login`)
    ? v
    : `${P}/`;
}

const NOTICES: readonly TextKey[] = ['notice.narrowed', 'notice.consented', 'notice.saved', 'notice.revoked'];

function noticeOf(req: Request, res: Response): pages.Notice {
  const key = req.query.notice;
  if (typeof key !== 'string' || !NOTICES.includes(key as TextKey)) return null;
  const n = typeof req.query.n === 'string' && /^\d{1,6}$/.test(req.query.n) ? Number(req.query.n) : 0;
  return { kind: 'ok', text: ctxOf(res).pc.t(key as TextKey, { n }) };
}

export function createParticipantRouter(deps: ParticipantDeps): Router {
  const cfg = deps.config.console;
  const keys = consoleKeys(deps.secrets);
  const limits = createLoginLimits(
    {
      failuresPerUser: cfg.loginFailuresPerUser,
      failuresPerAddress: cfg.loginFailuresPerAddress,
      failuresPerUserFromElsewhere: cfg.loginFailuresPerUserFromElsewhere,
      windowSeconds: cfg.loginWindowSeconds,
    },
    deps.store,
  );
  const sessions: SessionDeps = {
    store: deps.store,
    clock: deps.clock,
    settings: { idleMs: cfg.sessionIdleMinutes * 60_000, absoluteMs: cfg.sessionAbsoluteHours * 3600_000 },
    surface: 'participant',
    mayUse: mayUseParticipantPage,
  };
  const loginDeps: LoginDeps = { store: deps.store, audit: deps.audit, clock: deps.clock, log: deps.log, keys, limits, mayUse: mayUseParticipantPage };
  const triageDeps: triage.TriageDeps = {
    store: deps.store,
    audit: deps.audit,
    clock: deps.clock,
    events: deps.events,
    vault: deps.vault,
    dropAddress: deps.config.exchange.dropAddress,
    hostname: deps.config.exchange.hostname,
    rules: loadSanitizationRules(deps.config.policiesDir),
  };
  const tokenSettings = { ...deps.config.jwt, secret: deps.secrets.jwtSecret };
  const router = express.Router();

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use('/static', express.static(STATIC_DIR, { index: false, dotfiles: 'deny', fallthrough: true }));
  router.use('/static', (_req, res) => void res.status(404).type('text/plain').send('Not found'));
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));

  // Who is asking, in which language, and the CSRF binding of this browser.
  router.use(async (req, res, next) => {
    const sessionId = readCookie(req, SESSION_COOKIE);
    const found = await lookupSession(sessions, sessionId);
    let who: Who | null = null;
    let binding: string;
    if (found.kind === 'ok' && sessionId) {
      binding = sessionId;
      who = {
        principal: found.principal,
        viewer: await loadViewer(deps.store, found.principal),
        stage: found.session.stage,
        sessionId,
        session: found.session,
      };
    } else {
      binding = readCookie(req, PRELOGIN_COOKIE) ?? '';
      if (!binding) {
        binding = randomBytes(24).toString('base64url');
        setCookie(req, res, PRELOGIN_COOKIE, binding, P);
      }
    }
    const lang = who ? who.principal.language : pickLanguage(req.query.lang, req.headers['accept-language']);
    const ctx: Ctx = {
      pc: {
        lang,
        timeZone: who?.principal.timeZone ?? DEFAULT_TIME_ZONE,
        t: texts(lang),
        csrf: csrfToken(keys.csrf, binding),
        signedInAs: who?.stage === 'active' ? who.principal.displayName : null,
      },
      who,
      address: req.ip ?? 'unknown',
    };
    res.locals.participant = ctx;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const token = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!verifyCsrf(keys.csrf, binding, token)) {
        deps.log.warn({ event: 'participant.csrf_refused', path: req.path, address: req.ip }, 'state change without a valid CSRF token');
        return void res
          .status(403)
          .type('html')
          .send(pages.errorPage(ctx.pc, ctx.pc.t('error.csrf')));
      }
    }
    next();
  });

  const stagePath = (stage: string) => (stage === 'active' ? `${P}/` : stage === 'enrol' ? `${P}/login/enrol` : `${P}/login/second-factor`);
  const locked = (res: Response, ms: number) => ctxOf(res).pc.t('login.locked', { minutes: Math.max(1, Math.ceil(ms / 60_000)) });

  function atStage(res: Response, stage: string): Who | null {
    const who = ctxOf(res).who;
    if (who?.stage === stage) return who;
    res.redirect(303, who ? stagePath(who.stage) : `${P}/login`);
    return null;
  }

  async function activate(req: Request, res: Response, who: Who): Promise<void> {
    const started = await advanceSession(sessions, who.sessionId, who.session, 'active');
    setCookie(req, res, SESSION_COOKIE, started.id, P);
    await limits.succeeded(who.principal.name, ctxOf(res).address);
    await deps.audit({ actor: who.principal.id, action: 'participant.login', target: who.principal.id, data: { address: ctxOf(res).address } });
  }

  router.get('/login', (req, res) => {
    const { pc, who } = ctxOf(res);
    if (who) return void res.redirect(303, stagePath(who.stage));
    res.type('html').send(pages.loginPage(pc, null, '', safeNext(req.query.next)));
  });
  router.post('/login', async (req, res) => {
    const { pc, who, address } = ctxOf(res);
    const name = field(req, 'name');
    const outcome = await checkPassword(loginDeps, name, field(req, 'password'), address);
    const next = safeNext(field(req, 'next'));
    if (outcome.kind === 'locked')
      return void res
        .status(429)
        .type('html')
        .send(pages.loginPage(pc, { kind: 'error', text: locked(res, outcome.retryAfterMs) }, name, next));
    if (outcome.kind === 'refused')
      return void res
        .status(401)
        .type('html')
        .send(pages.loginPage(pc, { kind: 'error', text: pc.t('login.refused') }, name, next));
    const p = outcome.principal;
    const enrolling = p.totpSecret === null;
    if (who) await endSession(sessions, who.sessionId);
    await deps.store.deleteConsoleSessions({ lastSeenBefore: new Date(deps.clock().getTime() - Math.max(sessions.settings.idleMs, PENDING_MS)).toISOString() });
    const started = await startSession(sessions, p.id, enrolling ? 'enrol' : 'second-factor', address, {
      next,
      ...(enrolling ? { pendingTotp: encryptTotpSecret(keys.totp, p.id, newTotpSecret()) } : {}),
    });
    setCookie(req, res, SESSION_COOKIE, started.id, P);
    clearCookie(req, res, PRELOGIN_COOKIE, P);
    res.redirect(303, stagePath(started.session.stage));
  });
  router.get('/login/second-factor', (_req, res) => {
    if (atStage(res, 'second-factor')) res.type('html').send(pages.secondFactorPage(ctxOf(res).pc, null));
  });
  router.post('/login/second-factor', async (req, res) => {
    const who = atStage(res, 'second-factor');
    if (!who) return;
    const { pc, address } = ctxOf(res);
    const outcome = await checkSecondFactor(loginDeps, who.principal, field(req, 'code'), address);
    if (outcome.kind === 'locked')
      return void res
        .status(429)
        .type('html')
        .send(pages.secondFactorPage(pc, { kind: 'error', text: locked(res, outcome.retryAfterMs) }));
    if (outcome.kind === 'refused')
      return void res
        .status(401)
        .type('html')
        .send(pages.secondFactorPage(pc, { kind: 'error', text: pc.t('factor.refused') }));
    await activate(req, res, who);
    res.redirect(303, safeNext(who.session.data.next));
  });
  const pendingSecret = (who: Who) => {
    const secret = decryptTotpSecret(keys.totp, who.principal.id, (who.session.data.pendingTotp as string | undefined) ?? null);
    if (!secret) throw new Error('enrolment session without a pending secret');
    return secret;
  };
  const showEnrol = async (res: Response, who: Who, status: number, notice: pages.Notice) => {
    const secret = pendingSecret(who);
    const qr = await qrDataUrl(totpUri(deps.config.exchange.name, who.principal.name, secret));
    res
      .status(status)
      .type('html')
      .send(pages.enrolPage(ctxOf(res).pc, notice, secret, qr));
  };
  router.get('/login/enrol', async (_req, res) => {
    const who = atStage(res, 'enrol');
    if (who) await showEnrol(res, who, 200, null);
  });
  router.post('/login/enrol', async (req, res) => {
    const who = atStage(res, 'enrol');
    if (!who) return;
    const { pc, address } = ctxOf(res);
    const outcome = await completeEnrolment(loginDeps, who.principal, pendingSecret(who), field(req, 'code'), address);
    if (outcome.kind === 'locked') return void (await showEnrol(res, who, 429, { kind: 'error', text: locked(res, outcome.retryAfterMs) }));
    if (outcome.kind === 'refused') return void (await showEnrol(res, who, 400, { kind: 'error', text: pc.t('enrol.refused') }));
    await activate(req, res, who);
    res.type('html').send(pages.recoveryCodesPage({ ...pc, signedInAs: who.principal.displayName }, outcome.recoveryCodes, safeNext(who.session.data.next)));
  });
  router.post('/logout', async (req, res) => {
    const { who } = ctxOf(res);
    if (who) {
      await endSession(sessions, who.sessionId);
      await deps.audit({ actor: who.principal.id, action: 'participant.logout', target: who.principal.id, data: {} });
    }
    clearCookie(req, res, SESSION_COOKIE, P);
    res.redirect(303, `${P}/login`);
  });

  // Everything below needs an active session of a principal whose organisation is registered.
  router.use((req, res, next) => {
    const who = ctxOf(res).who;
    if (who?.stage === 'active' && who.viewer) return next();
    res.redirect(303, who ? stagePath(who.stage) : `${P}/login?next=${encodeURIComponent(req.originalUrl.slice(0, 300))}`);
  });

  router.get('/', async (_req, res) => {
    const v = viewerOf(res);
    const page = await deps.store.listSubmissions({ orgId: v.org.id }, { limit: 200 });
    res.type('html').send(pages.reportsPage(ctxOf(res).pc, v.org, page.items));
  });

  async function showReport(req: Request, res: Response, status: number, notice: pages.Notice): Promise<void> {
    const v = viewerOf(res);
    const id = String(req.params['id'] ?? '');
    const view = await loadReport(deps.store, v, id);
    if (!view) throw new C4Error('NOT_FOUND', `no report ${id}`);
    res
      .status(status)
      .type('html')
      .send(pages.reportPage(ctxOf(res).pc, view, notice));
    // The report page shows the organisation's own RED information (subject, classes): each view is audited.
    await deps.audit({ actor: v.principal.id, action: 'participant.report-viewed', target: id, data: { orgId: v.org.id } });
  }

  router.get('/reports/:id', (req, res) => showReport(req, res, 200, noticeOf(req, res)));

  /** A triage step's outcome: back to the report with a notice, or the report again with the reason. */
  async function afterStep(req: Request, res: Response, outcome: triage.Outcome<triage.ClassChange>, notice: TextKey): Promise<void> {
    const id = String(req.params['id'] ?? '');
    if (!outcome.ok)
      return showReport(req, res, ERROR_MAP[triage.refusalError(outcome.refusal).code].http, {
        kind: 'error',
        text: ctxOf(res).pc.t('error.refused', { reason: triage.describeRefusal(outcome.refusal) }),
      });
    const n = outcome.value.appended.filter((e) => e.action === 'retract').length;
    res.redirect(303, `${P}/reports/${encodeURIComponent(id)}?notice=${notice}&n=${n}`);
  }

  router.post('/reports/:id/narrow', async (req, res) => {
    const v = viewerOf(res);
    const id = String(req.params['id'] ?? '');
    if (!(await loadReport(deps.store, v, id))) throw new C4Error('NOT_FOUND', `no report ${id}`);
    const kind = triage.parseKind(field(req, 'kind'));
    const cls = CLASSES.find((c) => c === field(req, 'class')) as SharingClass | undefined;
    if (!kind || !cls) throw new C4Error('VALIDATION_FAILED', 'kind and class must be named');
    await afterStep(req, res, await triage.narrowClass(triageDeps, v, id, kind, cls), 'notice.narrowed');
  });
  router.post('/reports/:id/consent', async (req, res) => {
    const v = viewerOf(res);
    const id = String(req.params['id'] ?? '');
    if (!(await loadReport(deps.store, v, id))) throw new C4Error('NOT_FOUND', `no report ${id}`);
    const kind = triage.parseKind(field(req, 'kind'));
    if (!kind) throw new C4Error('VALIDATION_FAILED', 'kind must be named');
    await afterStep(req, res, await triage.consentToWidening(triageDeps, v, id, kind), 'notice.consented');
  });

  async function showTokens(res: Response, status: number, notice: pages.Notice, fresh: string | null = null): Promise<void> {
    const v = viewerOf(res);
    const tokens = await deps.store.listTokens(v.principal.id);
    res
      .status(status)
      .type('html')
      .send(pages.tokensPage(ctxOf(res).pc, tokens, deps.clock().toISOString(), notice, fresh));
  }
  router.get('/tokens', (req, res) => showTokens(res, 200, noticeOf(req, res)));
  router.post('/tokens', async (req, res) => {
    const v = viewerOf(res);
    const days = Number(field(req, 'days'));
    try {
      if (!Number.isInteger(days) || days < 1) throw new C4Error('VALIDATION_FAILED', 'token lifetime must be a whole number of days');
      const issued = await issueAuditedToken(deps, tokenSettings, v.principal.id, v.principal, days * 24 * 3600_000, field(req, 'label'));
      await showTokens(res, 200, null, issued.token);
    } catch (err) {
      if (!isC4Error(err, 'VALIDATION_FAILED')) throw err;
      await showTokens(res, 400, { kind: 'error', text: ctxOf(res).pc.t('error.refused', { reason: err.message }) });
    }
  });
  router.post('/tokens/:jti/revoke', async (req, res) => {
    const v = viewerOf(res);
    const jti = String(req.params['jti'] ?? '');
    const token = await deps.store.getToken(jti);
    // Only the principal's own tokens: another's is "not found", like another organisation's report.
    if (!token || token.principalId !== v.principal.id) throw new C4Error('NOT_FOUND', `no token ${jti}`);
    await revokeAuditedToken(deps, v.principal.id, jti);
    res.redirect(303, `${P}/tokens?notice=notice.revoked`);
  });

  router.get('/contacts', (req, res) => void res.type('html').send(pages.contactsPage(ctxOf(res).pc, viewerOf(res).org, noticeOf(req, res))));
  router.post('/contacts', async (req, res) => {
    const v = viewerOf(res);
    const names = fields(req, 'contactName');
    const means = fields(req, 'contactMeans');
    try {
      const contacts = contactsFromRows(
        names.map((name, i) => ({ name, means: means[i] ?? '' })),
        fields(req, 'removeContact'),
      );
      await editOrganisation(deps, v.principal.id, v.org.id, { contacts });
    } catch (err) {
      if (!isC4Error(err) || !['VALIDATION_FAILED', 'CONFLICT', 'NOT_FOUND'].includes(err.code)) throw err;
      return void res
        .status(400)
        .type('html')
        .send(pages.contactsPage(ctxOf(res).pc, v.org, { kind: 'error', text: ctxOf(res).pc.t('error.refused', { reason: err.message }) }));
    }
    res.redirect(303, `${P}/contacts?notice=notice.saved`);
  });

  router.use((_req, res) => {
    const pc = ctxOf(res).pc;
    res
      .status(404)
      .type('html')
      .send(pages.errorPage(pc, pc.t('error.notFound')));
  });
  // Express needs four parameters to see an error handler.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = httpErrorOf(err);
    const status = ERROR_MAP[e.code].http;
    if (status >= 500)
      deps.log.error(
        { event: 'participant.error', requestId: res.locals.requestId as unknown, code: e.code, path: req.path, err: e.cause ?? e },
        'participant page request failed',
      );
    else deps.log.info({ event: 'participant.refused', code: e.code, path: req.path, message: e.message }, 'participant page request refused');
    const lang = pickLanguage(req.query.lang, req.headers['accept-language']);
    const pc = (res.locals.participant as Ctx | undefined)?.pc ?? { lang, timeZone: DEFAULT_TIME_ZONE, t: texts(lang), csrf: '', signedInAs: null };
    res
      .status(status)
      .type('html')
      .send(
        pages.errorPage(pc, status === 404 ? pc.t('error.notFound') : status >= 500 ? pc.t('error.internal') : pc.t('error.refused', { reason: e.message })),
      );
  });
  return router;
}
