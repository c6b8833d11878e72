// The submission page, its triage actions (POST, CSRF-checked by the router, audited by the
// actions) and the sample download. A finished action redirects back with a notice key (so a
// reload does not repeat it); a refused one shows the page again with the reason.
import express, { type Request, type Response, type Router } from 'express';
import { C4Error } from '../../../core/errors.ts';
import { CONSOLE_PATH, requestContext, signedIn } from '../context.ts';
import { consoleUrl } from '../html.ts';
import { isMessageKey, type MessageParams } from '../i18n/index.ts';
import { submissionPage } from '../pages/submission-page.ts';
import { loadSubmissionView } from '../submission/load.ts';
import * as actions from '../triage/actions.ts';
import { sampleZip } from '../triage/sample-zip.ts';
import type { ConsoleServices } from '../router.ts';

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, 4000) : '';
}

function param(req: Request, name: string): string {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
}

/** Numeric parameters of a notice, carried in the query as p.<name>. */
function noticeParams(query: Request['query']): MessageParams {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(query)) if (k.startsWith('p.') && typeof v === 'string' && /^\d{1,9}$/.test(v)) out[k.slice(2)] = Number(v);
  return out;
}

export function submissionRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();
  const triageDeps = actions.consoleTriageDeps(deps);

  async function show(req: Request, res: Response, status: number, notice: Parameters<typeof submissionPage>[2]): Promise<void> {
    const rc = requestContext(res);
    const view = await loadSubmissionView(triageDeps, param(req, 'id'));
    if (!view) throw new C4Error('NOT_FOUND', `no submission ${param(req, 'id')}`);
    res
      .status(status)
      .type('html')
      .send(submissionPage(rc, view, notice));
  }

  router.get('/submissions/:id', async (req, res) => {
    const rc = requestContext(res);
    const key = req.query.notice;
    const notice =
      typeof key === 'string' && key.startsWith('notice.') && isMessageKey(key) ? { kind: 'ok' as const, text: rc.t(key, noticeParams(req.query)) } : null;
    // The page shows the original message and every source at RED level: each view is a RED read (SECURITY.md).
    const sub = await deps.store.getSubmission(param(req, 'id'));
    if (sub)
      await deps.audit({
        actor: signedIn(res).principal.id,
        action: 'red.read',
        target: sub.id,
        data: { surface: 'console.submission', classes: sub.classes },
      });
    await show(req, res, 200, notice);
  });

  type Handler = (req: Request, actor: ReturnType<typeof signedIn>['principal'], id: string) => Promise<actions.ActionOutcome>;
  const post = (path: string, handler: Handler) =>
    router.post(`/submissions/:id/${path}`, async (req, res) => {
      const outcome = await handler(req, signedIn(res).principal, param(req, 'id'));
      if (outcome.kind === 'refused') {
        const rc = requestContext(res);
        return show(req, res, 409, { kind: 'error', text: rc.t(outcome.message, outcome.params) });
      }
      const params = Object.fromEntries(Object.entries(outcome.params ?? {}).map(([k, v]) => [`p.${k}`, String(v)]));
      res.redirect(303, consoleUrl(`${CONSOLE_PATH}/submissions/${encodeURIComponent(param(req, 'id'))}`, { notice: outcome.notice, ...params }));
    });

  post('approve', (_req, actor, id) => actions.approve(triageDeps, actor, id));
  post('reject', (req, actor, id) => actions.reject(triageDeps, actor, id, field(req, 'reason')));
  post('reopen', (req, actor, id) => actions.reopen(triageDeps, actor, id, field(req, 'reason')));
  post('propose', (req, actor, id) =>
    actions.proposeWidening(triageDeps, actor, id, { kind: field(req, 'kind'), class: field(req, 'class'), note: field(req, 'note') }),
  );
  post('classes', (req, actor, id) => actions.changeClasses(triageDeps, actor, id, req.body as Record<string, unknown>));
  post('consent', (req, actor, id) =>
    actions.recordConsent(triageDeps, actor, id, { kind: field(req, 'kind'), class: field(req, 'class'), note: field(req, 'note') }),
  );
  post('campaign', (req, actor, id) => actions.setCampaign(triageDeps, actor, id, field(req, 'campaign')));
  post('verdict', (req, actor, id) => actions.setVerdict(triageDeps, actor, id, field(req, 'verdict')));
  post('acknowledge', (req, actor, id) => actions.acknowledgeVictimCheck(triageDeps, actor, id, field(req, 'fingerprint')));
  post('rerun', (_req, actor, id) => actions.rerunAnalysis(triageDeps, actor, id));
  post('assign', (req, actor, id) => actions.assign(triageDeps, actor, id, field(req, 'assignee')));
  post('unassign', (_req, actor, id) => actions.unassign(triageDeps, actor, id));
  post('notes', (req, actor, id) => actions.addNote(triageDeps, actor, id, field(req, 'text')));
  post('indicators/remove', (req, actor, id) => actions.removeIndicator(triageDeps, actor, id, field(req, 'indicator')));
  post('indicators/false-positive', (req, actor, id) => actions.setFalsePositive(triageDeps, actor, id, field(req, 'indicator'), field(req, 'value') !== 'no'));
  post('indicators/add', (req, actor, id) =>
    actions.addIndicator(triageDeps, actor, id, { type: field(req, 'type'), value: field(req, 'value'), kind: field(req, 'kind') }),
  );

  router.post('/submissions/:id/samples/:sha256/download', async (req, res) => {
    const rc = requestContext(res);
    if (field(req, 'confirm') !== 'yes') return show(req, res, 400, { kind: 'error', text: rc.t('sub.downloadConfirm') });
    const who = signedIn(res);
    if (!who.org) throw new C4Error('FORBIDDEN', 'principal without organisation');
    const zip = await sampleZip(deps, { principal: who.principal, org: who.org }, param(req, 'id'), param(req, 'sha256'));
    res.set('Content-Type', 'application/zip');
    res.set('Content-Disposition', `attachment; filename="${zip.fileName}"`);
    res.send(zip.content);
  });

  return router;
}
