// Drills in the console, secretariat only (mounted at /admin/drills behind an active session):
// the list with the start form (CSRF-checked like every form), one drill's report and its CSV.
import express, { type Request, type Response, type Router } from 'express';
import { drillTokenKey } from '../../../core/drills.ts';
import { C4Error, isC4Error } from '../../../core/errors.ts';
import type { DirectoryStore, DrillStore } from '../../../core/store/port.ts';
import { drillReport, drillReportCsv, resendDrill, startDrill, type DrillDeps } from '../../../sharing/drills/index.ts';
import { requestContext, signedIn } from '../context.ts';
import { DRILLS_PATH, drillPage, drillsPage, type DrillListItem } from '../pages/drill-pages.ts';
import type { ConsoleServices } from '../router.ts';
import { noticeFrom } from './queue-routes.ts';

/** Drills shown on the list page (each one's notices are read for its figures). */
const LISTED_DRILLS = 50;

function chosenOrgIds(req: Request): string[] {
  const v = (req.body as Record<string, unknown> | undefined)?.['orgIds'];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

async function nameOf(store: DirectoryStore & DrillStore, actor: string): Promise<string> {
  if (actor.startsWith('cli:')) return actor;
  return (await store.getPrincipal(actor))?.name ?? actor;
}

export function drillRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();
  const drillDeps: DrillDeps = {
    store: deps.store,
    mailer: deps.mailer,
    audit: deps.audit,
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    tokenKey: drillTokenKey(deps.secrets),
    exchange: deps.config.exchange,
  };

  router.use((_req, res, next) => {
    if (!signedIn(res).principal.roles.includes('secretariat')) throw new C4Error('FORBIDDEN', 'secretariat only');
    next();
  });

  async function showList(res: Response, status: number, notice: Parameters<typeof drillsPage>[3]) {
    const [drills, orgs] = await Promise.all([deps.store.listDrills(LISTED_DRILLS), deps.store.listOrganisations()]);
    const items: DrillListItem[] = await Promise.all(
      drills.map(async (drill) => ({
        drill,
        summary: drillReport(drill, await deps.store.listDrillNotices(drill.id)).summary,
        startedBy: await nameOf(deps.store, drill.startedBy),
      })),
    );
    res
      .status(status)
      .type('html')
      .send(drillsPage(requestContext(res), items, orgs, notice));
  }

  router.get('/', async (req, res) => {
    const text = noticeFrom(req.query.notice, requestContext(res).t);
    await showList(res, 200, text ? { kind: 'ok', text } : null);
  });

  router.post('/', async (req, res) => {
    const rc = requestContext(res);
    const field = (req.body as Record<string, unknown> | undefined)?.['title'];
    let started;
    try {
      started = await startDrill(drillDeps, { actor: signedIn(res).principal.id, title: typeof field === 'string' ? field : '', orgIds: chosenOrgIds(req) });
    } catch (err) {
      if (!isC4Error(err, 'VALIDATION_FAILED')) throw err;
      return showList(res, 400, { kind: 'error', text: `${rc.t('admin.refused')} ${err.message}` });
    }
    // The notices go out after this answer; each outcome is recorded on its notice.
    void started.sending;
    res.redirect(303, `${DRILLS_PATH}/${encodeURIComponent(started.drill.id)}?notice=notice.drillStarted`);
  });

  async function reportOf(req: Request) {
    const drill = await deps.store.getDrill(String(req.params['id'] ?? ''));
    if (!drill) throw new C4Error('NOT_FOUND', 'no such drill');
    return drillReport(drill, await deps.store.listDrillNotices(drill.id));
  }

  router.get('/:id/report.csv', async (req, res) => {
    const report = await reportOf(req);
    res.type('text/csv; charset=utf-8; header=present').attachment(`drill-${report.drill.id}.csv`).send(drillReportCsv(report));
  });

  router.post('/:id/resend', async (req, res) => {
    const report = await reportOf(req);
    // Sent in the background like a start; each outcome is recorded on its notice.
    void resendDrill(drillDeps, report.drill.id, signedIn(res).principal.id).catch((err: unknown) =>
      deps.log.error({ event: 'drill.resend_failed', drillId: report.drill.id, err }, 'could not resend drill notices'),
    );
    res.redirect(303, `${DRILLS_PATH}/${encodeURIComponent(report.drill.id)}?notice=notice.drillResent`);
  });

  router.get('/:id', async (req, res) => {
    const rc = requestContext(res);
    const report = await reportOf(req);
    const text = noticeFrom(req.query.notice, rc.t);
    res.type('html').send(drillPage(rc, report, await nameOf(deps.store, report.drill.startedBy), text ? { kind: 'ok', text } : null));
  });

  return router;
}
