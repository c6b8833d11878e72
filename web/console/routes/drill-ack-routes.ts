// The public drill acknowledgement page, mounted at DRILL_ACK_PATH outside the console (no login,
// no console network allow-list: points of contact open it from anywhere). The token in the URL is
// the only credential. A GET only shows the notice and a confirm button; the POST records the
// acknowledgement. Mail security scanners that open every link with GET therefore acknowledge
// nothing. The form needs no CSRF token: forging the POST needs the token itself, and whoever has
// it may acknowledge anyway. The page is in the organisation's language unless ?lang= says otherwise.
import express, { type Request, type Response, type Router } from 'express';
import type { AuditAppender } from '../../../core/audit.ts';
import { acknowledgeDrill, drillTokenKey, findDrillNotice, type DrillAckDeps } from '../../../core/drills.ts';
import type { Clock } from '../../../core/ids.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Secrets } from '../../../core/secrets.ts';
import type { DrillStore } from '../../../core/store/port.ts';
import type { Language } from '../../../core/types.ts';
import { DRILL_ACK_PATH } from '../../../sharing/drills/index.ts';
import type { RequestContext } from '../context.ts';
import { DEFAULT_TIME_ZONE, translator } from '../i18n/index.ts';
import { ackPage, type AckPageState } from '../pages/drill-pages.ts';

export { DRILL_ACK_PATH };

export interface DrillAckRouterDeps {
  readonly store: DrillStore;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly log: Logger;
  readonly secrets: Pick<Secrets, 'sessionSecret'>;
}

function pageContext(req: Request, fallback: Language): RequestContext {
  const q = req.query.lang;
  const lang: Language = q === 'en' || q === 'ja' ? q : fallback;
  return { lang, timeZone: DEFAULT_TIME_ZONE, t: translator(lang), csrf: '', who: null, clientAddress: req.ip ?? 'unknown' };
}

export function createDrillAckRouter(deps: DrillAckRouterDeps): Router {
  const ackDeps: DrillAckDeps = { store: deps.store, audit: deps.audit, clock: deps.clock, tokenKey: drillTokenKey(deps.secrets) };
  const router = express.Router();

  router.use((_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' });
    next();
  });

  function send(req: Request, res: Response, status: number, state: AckPageState, lang: Language): void {
    const action = `${DRILL_ACK_PATH}/${encodeURIComponent(String(req.params['token'] ?? ''))}`;
    res
      .status(status)
      .type('html')
      .send(ackPage(pageContext(req, lang), state, action));
  }

  router.get('/:token', async (req, res) => {
    const notice = await findDrillNotice(ackDeps, String(req.params['token']));
    if (!notice) return send(req, res, 404, { kind: 'unknown' }, 'ja');
    const drill = await deps.store.getDrill(notice.drillId);
    send(req, res, 200, { kind: 'confirm', notice, title: drill?.title ?? '' }, notice.language);
  });

  router.post('/:token', async (req, res) => {
    const ack = await acknowledgeDrill(ackDeps, String(req.params['token']), 'link', 'system');
    if (!ack) {
      deps.log.info({ event: 'drill.ack_refused', address: req.ip }, 'drill acknowledgement with an unknown token');
      return send(req, res, 404, { kind: 'unknown' }, 'ja');
    }
    deps.log.info({ event: 'drill.acknowledged', drillId: ack.notice.drillId, noticeId: ack.notice.id, via: 'link', first: ack.first }, 'drill acknowledged');
    send(req, res, 200, { kind: 'done', notice: ack.notice, first: ack.first }, ack.notice.language);
  });

  return router;
}
