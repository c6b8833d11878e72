// The council dashboard: figures of the last N days (default 90) as SVG charts.
import express, { type Router } from 'express';
import { CLASSES, type Organisation, type Submission } from '../../../core/types.ts';
import type { DirectoryStore, PublicationLogStore, SubmissionStore } from '../../../core/store/port.ts';
import { CONSOLE_PATH, requestContext } from '../context.ts';
import { html } from '../html.ts';
import { dashboardStats, type DashboardStats } from '../dashboard/stats.ts';
import { renderPage } from '../pages/layout.ts';
import { barChart } from '../pages/svg-chart.ts';
import type { ConsoleServices } from '../router.ts';
import type { RequestContext } from '../context.ts';

const PERIODS = [30, 90, 365] as const;
/** Upper bounds on what one dashboard view reads. */
const MAX_SUBMISSIONS = 100_000;
const MAX_LOG_ENTRIES = 500_000;

async function submissionsSince(store: DirectoryStore & SubmissionStore & PublicationLogStore, from: string): Promise<Submission[]> {
  const out: Submission[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listSubmissions({ receivedFrom: from }, { limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < MAX_SUBMISSIONS);
  return out;
}

/** First publish entry of each submission in the publication log. */
async function firstPublications(store: DirectoryStore & SubmissionStore & PublicationLogStore): Promise<Map<string, string>> {
  const first = new Map<string, string>();
  let after = 0;
  for (let read = 0; read < MAX_LOG_ENTRIES;) {
    const page = await store.listPublications({ afterSeq: after, limit: 5000 });
    if (page.length === 0) break;
    for (const e of page) if (e.action === 'publish' && !first.has(e.submissionId)) first.set(e.submissionId, e.publishedAt);
    after = page[page.length - 1]!.seq;
    read += page.length;
  }
  return first;
}

function hours(ms: number): string {
  return (ms / 3600_000).toFixed(1);
}

function dashboardPage(rc: RequestContext, days: number, s: DashboardStats): string {
  const t = rc.t;
  return renderPage(rc, {
    title: t('dash.title'),
    body: html`<h1>${t('dash.title')}</h1>
      <p>${PERIODS.map((d) => (d === days ? html`<strong>${t('dash.days', { n: d })}</strong> ` : html`<a href="${CONSOLE_PATH}/dashboard?days=${d}">${t('dash.days', { n: d })}</a> `))}</p>
      <p>${t('dash.total', { n: s.total })}</p>
      <div class="charts">
        ${barChart(
          t('dash.bySector'),
          s.bySector.map((r) => ({ label: r.sector, value: r.total, parts: CLASSES.map((c) => ({ key: c, value: r.byClass[c] })) })),
        )}
        ${barChart(t('dash.reach'), [
          { label: t('dash.targeted'), value: s.reach.targeted, parts: [{ key: 'targeted', value: s.reach.targeted, label: t('dash.targeted') }] },
          { label: t('dash.mass'), value: s.reach.mass, parts: [{ key: 'mass', value: s.reach.mass, label: t('dash.mass') }] },
          {
            label: t('reach.undetermined'),
            value: s.reach.undetermined,
            parts: [{ key: 'undetermined', value: s.reach.undetermined, label: t('reach.undetermined') }],
          },
          { label: t('dash.unknown'), value: s.reach.unknown, parts: [{ key: 'unknown', value: s.reach.unknown, label: t('dash.unknown') }] },
        ])}
        ${barChart(
          t('dash.campaigns'),
          s.campaigns.map((c) => ({ label: c.campaign, value: c.count })),
        )}
      </div>
      <h2>${t('dash.latency')}</h2>
      ${
        s.latency
          ? html`<table class="stats"><tr><th>${t('dash.published')}</th><td>${s.latency.count}</td></tr>
            <tr><th>${t('dash.median')}</th><td data-testid="median">${t('dash.hours', { n: hours(s.latency.medianMs) })}</td></tr>
            <tr><th>${t('dash.p90')}</th><td data-testid="p90">${t('dash.hours', { n: hours(s.latency.p90Ms) })}</td></tr></table>`
          : html`<p class="muted">${t('dash.noneYet')}</p>`
      }
      <h2>${t('dash.pulls')}</h2>
      <p class="muted">${t('dash.pullsNotRecorded')}</p>`,
  });
}

export function dashboardRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();
  router.get('/dashboard', async (req, res) => {
    const rc = requestContext(res);
    const days = PERIODS.find((d) => String(d) === req.query.days) ?? 90;
    const from = new Date(deps.clock().getTime() - days * 24 * 3600_000).toISOString();
    const [subs, orgList, first] = await Promise.all([submissionsSince(deps.store, from), deps.store.listOrganisations(), firstPublications(deps.store)]);
    const stats = dashboardStats(subs, new Map<string, Organisation>(orgList.map((o) => [o.id, o])), first);
    res.type('html').send(dashboardPage(rc, days, stats));
  });
  return router;
}
