// The queue: counts per status as tabs, the filter form, one page of submissions, paging links.
import {
  CLASSES,
  KINDS,
  SUBMISSION_STATUSES,
  VERDICTS,
  type Organisation,
  type Principal,
  type Submission,
  type SubmissionStatus,
} from '../../../core/types.ts';
import { keysHelp } from './submission-work.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { consoleUrl, html } from '../html.ts';
import type { MessageKey } from '../i18n/index.ts';
import { analysisText } from '../i18n/analysis-text.ts';
import { REACHES, SORTS, withParams, type QueueQuery, type QueueSort } from '../queue-query.ts';
import { queueSignals, type QueueSignals } from '../submission/analysis-summary.ts';
import { csrfField, renderPage } from './layout.ts';
import { classesBadges, dataText, duration, mailText, statusName, when } from './parts.ts';

export interface QueueView {
  readonly query: QueueQuery;
  readonly counts: Readonly<Record<SubmissionStatus, number>>;
  readonly items: readonly Submission[];
  readonly nextCursor: string | null;
  readonly orgs: ReadonlyMap<string, Organisation>;
  /** Analysts and secretariat members by id (the assignee column). */
  readonly staff: ReadonlyMap<string, Principal>;
  readonly sectors: readonly string[];
  readonly refreshSeconds: number;
  readonly notice: string | null;
  /** Arrivals after this time are announced by the auto-refresh (the newest shown, or now). */
  readonly now: string;
  /** Offer one decision for every submission shown (a filter narrows the queue to a campaign). */
  readonly bulk: boolean;
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
    <label>${rc.t('queue.class')} ${select(
      'kind',
      p.kind ?? 'network',
      KINDS.map((k) => [k, rc.t(`kind.${k}` as MessageKey)] as const),
      null,
    )}
      ${select(
        'class',
        p.class,
        CLASSES.map((c) => [c, c] as const),
        any,
      )}</label>
    <label>${rc.t('queue.suggested')} ${select(
      'suggested',
      p.suggested,
      VERDICTS.filter((x) => x !== 'benign').map((x) => [x, rc.t(`verdict.${x}` as MessageKey)] as const),
      any,
    )}</label>
    <label>${rc.t('queue.reach')} ${select(
      'reach',
      p.reach,
      REACHES.map((x) => [x, rc.t(`reach.${x}` as MessageKey)] as const),
      any,
    )}</label>
    <label>${rc.t('queue.assigneeFilter')} ${select(
      'assignee',
      p.assignee,
      [
        ['mine', rc.t('queue.mine')],
        ['none', rc.t('queue.unassigned')],
      ],
      any,
    )}</label>
    <label>${rc.t('queue.verdict')} ${select(
      'verdict',
      p.verdict,
      VERDICTS.map((x) => [x, rc.t(`verdict.${x}` as MessageKey)] as const),
      any,
    )}</label>
    <label>${rc.t('queue.sector')} ${select(
      'sector',
      p.sector,
      v.sectors.map((s) => [s, s] as const),
      any,
    )}</label>
    <label>${rc.t('queue.from')} <input type="date" name="from" value="${p.from ?? ''}"></label>
    <label>${rc.t('queue.to')} <input type="date" name="to" value="${p.to ?? ''}"></label>
    <label>${rc.t('queue.yara')} <input name="yara" value="${p.yara ?? ''}"></label>
    <label>${rc.t('queue.av')} <input name="av" value="${p.av ?? ''}"></label>
    <label>${rc.t('queue.ioc')} <input name="ioc" id="queue-search" value="${p.ioc ?? ''}" placeholder="${rc.t('queue.iocHint')}"></label>
    <label>${rc.t('queue.order')} ${select(
      'order',
      p.order ?? 'newest',
      [
        ['newest', rc.t('queue.newest')],
        ['oldest', rc.t('queue.oldest')],
      ],
      null,
    )}</label>
    <label>${rc.t('queue.sort')} ${select(
      'sort',
      p.sort,
      SORTS.map((x) => [x, rc.t(`sort.${x}` as MessageKey)] as const),
      rc.t('sort.none'),
    )}</label>
    <button type="submit">${rc.t('queue.apply')}</button>
    <a href="${consoleUrl(`${CONSOLE_PATH}/queue`, { status: v.query.status ?? 'all' })}">${rc.t('queue.reset')}</a>
  </form>`;
}

interface Row {
  readonly sub: Submission;
  readonly signals: QueueSignals;
}

function suggestedCell(rc: RequestContext, sig: QueueSignals) {
  const v = sig.suggested;
  if (!v) return html`<span class="muted">${rc.t('queue.notAnalysed')}</span>`;
  return html`<span class="verdict v-${v.verdict}" data-testid="suggested">${rc.t(`verdict.${v.verdict}` as MessageKey)}</span> <span class="score">${v.score}</span>
    <ul class="reasons">${v.reasons.slice(0, 2).map((r) => html`<li>${analysisText(rc.lang, r)}</li>`)}</ul>`;
}

function hitsCell(rc: RequestContext, sig: QueueSignals) {
  const tags = [...sig.av.map((n) => html`<span class="tag av">${n}</span> `), ...sig.yara.map((n) => html`<span class="tag yara">${n}</span> `)];
  return html`${tags.length ? tags : html`<span class="muted">—</span>`}${sig.notExamined ? html`<br><span class="warning small">${rc.t('queue.notExamined', { n: sig.notExamined })}</span>` : null}`;
}

function reachCell(rc: RequestContext, sig: QueueSignals, id: string) {
  if (!sig.cluster) return html`<span class="muted">—</span>`;
  return html`<span class="reach reach-${sig.cluster.label}" data-testid="reach">${rc.t(`reach.${sig.cluster.label}` as MessageKey)}</span><br>
    <span class="small">${rc.t('queue.orgsSectors', { orgs: sig.cluster.organisations, sectors: sig.cluster.sectors })}</span><br>
    <a class="small" href="${CONSOLE_PATH}/campaigns/${encodeURIComponent(id)}" data-testid="campaign-link">${rc.t('campaign.link')}</a>`;
}

function row(rc: RequestContext, r: Row, orgs: ReadonlyMap<string, Organisation>, now: number, staff: ReadonlyMap<string, Principal>) {
  const s = r.sub;
  const sig = r.signals;
  const org = orgs.get(s.orgId);
  const age = now - Date.parse(s.receivedAt);
  const toPublish = s.status === 'published' ? Date.parse(s.updatedAt) - Date.parse(s.receivedAt) : null;
  return html`<tr data-submission="${s.id}" id="row-${s.id}">
    <td class="nowrap">${when(rc, s.receivedAt)}<br><span class="small muted">${rc.t('queue.age', { d: duration(rc, age) })}</span></td>
    <td class="subject"><a href="${CONSOLE_PATH}/submissions/${encodeURIComponent(s.id)}">${mailText(s.subject, 120)}</a><br><span class="small">${org?.name ?? s.orgId} <span class="muted">${dataText(org?.sector ?? '')}</span></span><br><span class="id">${s.id}</span></td>
    <td class="signal">${suggestedCell(rc, sig)}</td>
    <td>${hitsCell(rc, sig)}</td>
    <td class="nowrap">${sig.attachments > 0 ? html`<span data-testid="attachments">${rc.t('queue.files', { n: sig.attachments })}</span><br><span class="small">${sig.types.join(', ')}</span>` : html`<span class="muted">${rc.t('queue.noFiles')}</span>`}</td>
    <td class="nowrap">${reachCell(rc, sig, s.id)}</td>
    <td class="nowrap">${classesBadges(rc, s.classes)}</td>
    <td class="nowrap" data-cell="assignee">${s.assignee ? (staff.get(s.assignee.principalId)?.displayName ?? s.assignee.principalId) : html`<span class="muted">${rc.t('queue.nobody')}</span>`}</td>
    <td class="nowrap"><span data-cell="status">${statusName(rc, s.status)}</span>${toPublish !== null ? html`<br><span class="small muted">${rc.t('queue.toPublish', { d: duration(rc, toPublish) })}</span>` : null}
      ${s.verdict ? html`<br><span class="small">${rc.t('queue.handVerdict')}: ${rc.t(`verdict.${s.verdict}` as MessageKey)}</span>` : null}
      ${s.campaign ? html`<br><span class="small">${s.campaign}</span>` : null}</td>
  </tr>`;
}

const SORT_KEY: Readonly<Record<QueueSort, (r: Row) => number>> = {
  score: (r) => r.signals.suggested?.score ?? -1,
  hits: (r) => r.signals.av.length * 100 + r.signals.yara.length,
  attachments: (r) => r.signals.attachments,
  organisations: (r) => r.signals.cluster?.organisations ?? 0,
  age: (r) => -Date.parse(r.sub.receivedAt),
};

/** The page's rows with their signals, ordered by the chosen signal (highest first; stable). */
export function queueRows(items: readonly Submission[], sort: QueueSort | null): Row[] {
  const rows = items.map((sub) => ({ sub, signals: queueSignals(sub.details) }));
  if (!sort) return rows;
  const key = SORT_KEY[sort];
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => b.k - a.k || a.i - b.i)
    .map((x) => x.r);
}

/** One decision for every submission on this page (ids carried as hidden fields). */
function bulkForm(rc: RequestContext, v: QueueView) {
  const back = consoleUrl(`${CONSOLE_PATH}/queue`, withParams(v.query.params, { status: v.query.status ?? 'all' }));
  const ids = v.items.filter((s) => s.status === 'awaiting-triage');
  if (ids.length === 0) return null;
  return html`<form method="post" action="${CONSOLE_PATH}/queue/bulk" class="bulk" data-testid="bulk">${csrfField(rc)}
    <input type="hidden" name="back" value="${back}">
    ${ids.map((s) => html`<input type="hidden" name="ids" value="${s.id}">`)}
    <fieldset><legend>${rc.t('queue.bulkLegend', { n: ids.length })}</legend>
      <button type="submit" name="action" value="approve" data-testid="bulk-approve">${rc.t('queue.bulkApprove', { n: ids.length })}</button>
      <label>${rc.t('sub.rejectReason')} <input name="reason" maxlength="2000"></label>
      <button type="submit" name="action" value="reject">${rc.t('queue.bulkReject', { n: ids.length })}</button>
    </fieldset></form>`;
}

export function queuePage(rc: RequestContext, v: QueueView): string {
  const p = v.query.params;
  const pollQuery = consoleUrl(`${CONSOLE_PATH}/queue.json`, withParams(p, { status: v.query.status ?? 'all' }));
  // Only the first page in newest-first order announces arrivals (elsewhere they would not show up).
  const newest = v.query.order === 'newest' && !v.query.cursor ? (v.items[0]?.receivedAt ?? v.now) : '';
  return renderPage(rc, {
    title: rc.t('queue.title'),
    notice: v.notice ? { kind: 'ok', text: v.notice } : null,
    data: {
      'reject-prompt': rc.t('sub.rejectReason'),
      me: rc.who?.principal.displayName ?? '',
      ...(v.refreshSeconds > 0 ? { 'poll-url': pollQuery, 'poll-since': newest, 'poll-seconds': String(v.refreshSeconds) } : {}),
    },
    body: html`<h1>${rc.t('queue.title')}</h1>
      ${tabs(rc, v)}
      ${filters(rc, v)}
      <p id="queue-action" class="notice" role="status" hidden></p>
      <p class="small muted keys">${rc.t('queue.keys')}</p>
      ${keysHelp(rc)}
      <form id="queue-reject" class="notice" hidden data-testid="queue-reject"><fieldset><legend>${rc.t('queue.rejectReasonTitle')}</legend>
        <label>${rc.t('sub.rejectReason')} <input name="reason" required maxlength="2000"></label>
        <button type="submit">${rc.t('sub.reject')}</button> <button type="button" data-action="cancel">${rc.t('queue.rejectCancel')}</button></fieldset></form>
      <p id="queue-new" class="notice ok" hidden data-template="${rc.t('queue.newArrived')}"><a href="${consoleUrl(`${CONSOLE_PATH}/queue`, withParams(p, {}))}"></a></p>
      ${
        v.items.length === 0
          ? html`<p class="muted">${rc.t('queue.empty')}</p>`
          : html`<table class="queue"><thead><tr>
            <th>${rc.t('queue.received')}</th><th>${rc.t('queue.subject')}</th><th>${rc.t('queue.suggested')}</th><th>${rc.t('queue.hits')}</th>
            <th>${rc.t('queue.attachments')}</th><th>${rc.t('queue.reach')}</th><th>${rc.t('queue.classes')}</th><th>${rc.t('queue.assignee')}</th><th>${rc.t('queue.status')}</th>
          </tr></thead><tbody>${queueRows(v.items, v.query.sort).map((r) => row(rc, r, v.orgs, Date.parse(v.now), v.staff))}</tbody></table>`
      }
      ${v.items.length > 0 && v.bulk ? bulkForm(rc, v) : null}
      <p class="paging">
        ${v.query.cursor ? html`<a href="${consoleUrl(`${CONSOLE_PATH}/queue`, withParams(p, { status: v.query.status ?? 'all' }))}">${rc.t('queue.firstPage')}</a>` : null}
        ${v.nextCursor ? html`<a rel="next" href="${consoleUrl(`${CONSOLE_PATH}/queue`, { ...withParams(p, { status: v.query.status ?? 'all' }), cursor: v.nextCursor })}">${rc.t('queue.nextPage')}</a>` : null}
      </p>`,
  });
}
