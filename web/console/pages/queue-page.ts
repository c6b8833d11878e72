// The queue: counts per status as tabs, the filter form, one page of submissions, paging links.
import { CLASSES, KINDS, SUBMISSION_STATUSES, type Organisation, type Submission, type SubmissionStatus } from '../../../core/types.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { consoleUrl, html } from '../html.ts';
import type { MessageKey } from '../i18n/index.ts';
import { VERDICTS, withParams, type QueueQuery } from '../queue-query.ts';
import { renderPage } from './layout.ts';
import { classesBadges, mailText, statusName, when } from './parts.ts';

export interface QueueView {
  readonly query: QueueQuery;
  readonly counts: Readonly<Record<SubmissionStatus, number>>;
  readonly items: readonly Submission[];
  readonly nextCursor: string | null;
  readonly orgs: ReadonlyMap<string, Organisation>;
  readonly sectors: readonly string[];
  readonly refreshSeconds: number;
  readonly notice: string | null;
  /** Arrivals after this time are announced by the auto-refresh (the newest shown, or now). */
  readonly now: string;
}

function tabs(rc: RequestContext, v: QueueView) {
  const total = SUBMISSION_STATUSES.reduce((n, s) => n + v.counts[s], 0);
  const tab = (status: SubmissionStatus | 'all', label: string, count: number) => {
    const current = (v.query.status ?? 'all') === status;
    return html`<a class="tab${current ? ' current' : ''}" href="${consoleUrl(`${CONSOLE_PATH}/queue`, withParams(v.query.params, { status }))}">${label} <span class="count" data-count-status="${status}">${count}</span></a>`;
  };
  return html`<nav class="tabs">${SUBMISSION_STATUSES.map((s) => tab(s, statusName(rc, s), v.counts[s]))}${tab('all', rc.t('queue.all'), total)}</nav>`;
}

function select(name: string, current: string | undefined, options: readonly (readonly [string, string])[], anyLabel: string | null) {
  return html`<select name="${name}">${anyLabel === null ? null : html`<option value="">${anyLabel}</option>`}${options.map(([value, label]) => html`<option value="${value}"${value === current ? html` selected` : null}>${label}</option>`)}</select>`;
}

function filters(rc: RequestContext, v: QueueView) {
  const p = v.query.params;
  const any = rc.t('queue.any');
  return html`<form class="filters" method="get" action="${CONSOLE_PATH}/queue">
    <input type="hidden" name="status" value="${v.query.status ?? 'all'}">
    <label>${rc.t('queue.text')} <input name="q" value="${p.q ?? ''}" placeholder="${rc.t('queue.textHint')}"></label>
    <label>${rc.t('queue.class')} ${select('kind', p.kind ?? 'network', KINDS.map((k) => [k, rc.t(`kind.${k}` as MessageKey)] as const), null)}
      ${select('class', p.class, CLASSES.map((c) => [c, c] as const), any)}</label>
    <label>${rc.t('queue.verdict')} ${select('verdict', p.verdict, VERDICTS.map((x) => [x, rc.t(`verdict.${x}` as MessageKey)] as const), any)}</label>
    <label>${rc.t('queue.sector')} ${select('sector', p.sector, v.sectors.map((s) => [s, s] as const), any)}</label>
    <label>${rc.t('queue.from')} <input type="date" name="from" value="${p.from ?? ''}"></label>
    <label>${rc.t('queue.to')} <input type="date" name="to" value="${p.to ?? ''}"></label>
    <label>${rc.t('queue.yara')} <input name="yara" value="${p.yara ?? ''}"></label>
    <label>${rc.t('queue.av')} <input name="av" value="${p.av ?? ''}"></label>
    <label>${rc.t('queue.order')} ${select('order', p.order ?? 'newest', [['newest', rc.t('queue.newest')], ['oldest', rc.t('queue.oldest')]], null)}</label>
    <button type="submit">${rc.t('queue.apply')}</button>
    <a href="${consoleUrl(`${CONSOLE_PATH}/queue`, { status: v.query.status ?? 'all' })}">${rc.t('queue.reset')}</a>
  </form>`;
}

function row(rc: RequestContext, s: Submission, orgs: ReadonlyMap<string, Organisation>) {
  const org = orgs.get(s.orgId);
  return html`<tr data-submission="${s.id}">
    <td>${when(rc, s.receivedAt)}</td>
    <td><a href="${CONSOLE_PATH}/submissions/${encodeURIComponent(s.id)}">${mailText(s.subject, 120)}</a><br><span class="id">${s.id}</span></td>
    <td>${org?.name ?? s.orgId}<br><span class="muted">${org?.sector ?? ''}</span></td>
    <td>${classesBadges(rc, s.classes)}</td>
    <td>${statusName(rc, s.status)}</td>
    <td>${s.verdict ? rc.t(`verdict.${s.verdict}` as MessageKey) : html`<span class="muted">—</span>`}</td>
    <td>${s.campaign ?? ''}</td>
  </tr>`;
}

export function queuePage(rc: RequestContext, v: QueueView): string {
  const p = v.query.params;
  const pollQuery = consoleUrl(`${CONSOLE_PATH}/queue.json`, withParams(p, { status: v.query.status ?? 'all' }));
  // Only the first page in newest-first order announces arrivals (elsewhere they would not show up).
  const newest = v.query.order === 'newest' && !v.query.cursor ? (v.items[0]?.receivedAt ?? v.now) : '';
  return renderPage(rc, {
    title: rc.t('queue.title'),
    notice: v.notice ? { kind: 'ok', text: v.notice } : null,
    data: v.refreshSeconds > 0 ? { 'poll-url': pollQuery, 'poll-since': newest, 'poll-seconds': String(v.refreshSeconds) } : {},
    body: html`<h1>${rc.t('queue.title')}</h1>
      ${tabs(rc, v)}
      ${filters(rc, v)}
      <p id="queue-new" class="notice ok" hidden data-template="${rc.t('queue.newArrived')}"><a href="${consoleUrl(`${CONSOLE_PATH}/queue`, withParams(p, {}))}"></a></p>
      ${v.items.length === 0
        ? html`<p class="muted">${rc.t('queue.empty')}</p>`
        : html`<table class="queue"><thead><tr>
            <th>${rc.t('queue.received')}</th><th>${rc.t('queue.subject')}</th><th>${rc.t('queue.org')}</th><th>${rc.t('queue.classes')}</th>
            <th>${rc.t('queue.status')}</th><th>${rc.t('queue.verdict')}</th><th>${rc.t('queue.campaign')}</th>
          </tr></thead><tbody>${v.items.map((s) => row(rc, s, v.orgs))}</tbody></table>`}
      <p class="paging">
        ${v.query.cursor ? html`<a href="${consoleUrl(`${CONSOLE_PATH}/queue`, withParams(p, { status: v.query.status ?? 'all' }))}">${rc.t('queue.firstPage')}</a>` : null}
        ${v.nextCursor ? html`<a rel="next" href="${consoleUrl(`${CONSOLE_PATH}/queue`, { ...withParams(p, { status: v.query.status ?? 'all' }), cursor: v.nextCursor })}">${rc.t('queue.nextPage')}</a>` : null}
      </p>`,
  });
}
