// Drill pages: the secretariat's list with the start form, one drill's report (who acknowledged,
// when, how fast, how), and the public page a point of contact confirms receipt on.
import type { Drill, DrillNotice } from '../../../core/store/port.ts';
import type { Organisation } from '../../../core/types.ts';
import type { DrillReport, DrillSummary } from '../../../sharing/drills/index.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatDateTime, type MessageKey } from '../i18n/index.ts';
import { csrfField, renderPage } from './layout.ts';
import { when } from './parts.ts';

type Notice = { readonly kind: 'ok' | 'warn' | 'error'; readonly text: string } | null;
export const DRILLS_PATH = `${CONSOLE_PATH}/admin/drills`;

function summaryLine(rc: RequestContext, s: DrillSummary): SafeHtml {
  return html`<p data-testid="drill-summary">${rc.t('drill.summary', { notices: s.notices, acknowledged: s.acknowledged, missing: s.missing, notSent: s.notSent })}
    ${s.medianMinutes === null ? null : rc.t('drill.median', { minutes: s.medianMinutes.toFixed(1) })}</p>`;
}

export interface DrillListItem {
  readonly drill: Drill;
  readonly summary: DrillSummary;
  readonly startedBy: string;
}

export function drillsPage(rc: RequestContext, items: readonly DrillListItem[], orgs: readonly Organisation[], notice: Notice): string {
  const t = rc.t;
  return renderPage(rc, {
    title: t('drill.listTitle'),
    notice,
    body: html`<h1>${t('drill.listTitle')}</h1>
      ${items.length === 0 ? html`<p class="muted">${t('drill.none')}</p>` : null}
      <table><thead><tr><th>${t('drill.title')}</th><th>${t('drill.started')}</th><th>${t('drill.startedBy')}</th><th>${t('drill.notices')}</th><th>${t('drill.acknowledged')}</th><th>${t('drill.missing')}</th><th>${t('drill.notSent')}</th></tr></thead>
      <tbody>${items.map(
        ({
          drill,
          summary,
          startedBy,
        }) => html`<tr data-drill="${drill.id}"><td><a href="${DRILLS_PATH}/${encodeURIComponent(drill.id)}">${drill.title}</a></td>
          <td>${when(rc, drill.startedAt)}</td><td>${startedBy}</td><td>${summary.notices}</td><td>${summary.acknowledged}</td><td>${summary.missing}</td><td>${summary.notSent}</td></tr>`,
      )}</tbody></table>
      <form method="post" action="${DRILLS_PATH}" class="settings" data-testid="drill-start">${csrfField(rc)}
        <fieldset><legend>${t('drill.start')}</legend>
        <p class="muted">${t('drill.startExplain')}</p>
        <p><label>${t('drill.title')} <input name="title" maxlength="200" size="40" placeholder="${t('drill.titlePlaceholder')}"></label></p>
        <p>${t('drill.organisations')}<br>${orgs.map((o) => html`<label><input type="checkbox" name="orgIds" value="${o.id}"> ${o.name} <span class="muted small">(${o.contacts.length})</span></label>`)}</p>
        <button type="submit">${t('drill.startButton')}</button></fieldset>
      </form>`,
  });
}

export function drillPage(rc: RequestContext, report: DrillReport, startedBy: string, notice: Notice): string {
  const t = rc.t;
  const { drill } = report;
  return renderPage(rc, {
    title: drill.title,
    notice,
    body: html`<h1>${drill.title}</h1>
      <p>${t('drill.started')}: ${when(rc, drill.startedAt)} — ${t('drill.startedBy')}: ${startedBy} — <span class="id">${drill.id}</span></p>
      ${summaryLine(rc, report.summary)}
      <p><a href="${DRILLS_PATH}/${encodeURIComponent(drill.id)}/report.csv" data-testid="drill-csv">${t('drill.csv')}</a></p>
      ${
        report.rows.some((r) => r.status === 'not-sent' && r.address)
          ? html`<form method="post" action="${DRILLS_PATH}/${encodeURIComponent(drill.id)}/resend" data-testid="drill-resend">${csrfField(rc)}
            <button type="submit">${t('drill.resendButton')}</button></form>`
          : null
      }
      <table data-testid="drill-notices"><thead><tr><th>${t('drill.organisation')}</th><th>${t('drill.contact')}</th><th>${t('drill.address')}</th><th>${t('drill.status')}</th><th>${t('drill.sentAt')}</th><th>${t('drill.ackAt')}</th><th>${t('drill.minutes')}</th><th>${t('drill.via')}</th><th>${t('drill.problem')}</th></tr></thead>
      <tbody>${report.rows.map(
        (r) => html`<tr data-notice="${r.noticeId}" data-status="${r.status}"><td>${r.organisation}</td><td>${r.contact}</td><td>${r.address}</td>
          <td class="${r.status === 'acknowledged' ? null : 'warning'}">${t(`drill.status.${r.status}` as MessageKey)}</td>
          <td>${when(rc, r.sentAt)}</td><td>${when(rc, r.ackAt)}</td><td>${r.minutes === null ? '—' : r.minutes.toFixed(1)}</td>
          <td>${r.via ? t(`drill.via.${r.via}` as MessageKey) : '—'}</td><td class="small">${r.error ?? ''}</td></tr>`,
      )}</tbody></table>
      <p><a href="${DRILLS_PATH}">${t('drill.back')}</a></p>`,
  });
}

/** What the public acknowledgement page shows. */
export type AckPageState =
  | { readonly kind: 'confirm'; readonly notice: DrillNotice; readonly title: string }
  | { readonly kind: 'done'; readonly notice: DrillNotice; readonly first: boolean }
  | { readonly kind: 'unknown' };

export function ackPage(rc: RequestContext, state: AckPageState, action: string): string {
  const t = rc.t;
  const other = rc.lang === 'ja' ? 'en' : 'ja';
  const switcher = html`<p class="small"><a href="${action}?lang=${other}">${t('ack.otherLanguage')}</a></p>`;
  if (state.kind === 'unknown') {
    return renderPage(rc, {
      title: t('ack.unknownTitle'),
      bare: true,
      body: html`<div class="login"><h1>${t('ack.unknownTitle')}</h1><p>${t('ack.unknown')}</p></div>`,
    });
  }
  if (state.kind === 'done') {
    const at = formatDateTime(state.notice.ackAt, rc.lang, rc.timeZone);
    return renderPage(rc, {
      title: t('ack.title'),
      bare: true,
      body: html`<div class="login"><h1>${t('ack.title')}</h1><p class="notice ok" data-testid="ack-done">${state.first ? t('ack.done', { at }) : t('ack.already', { at })}</p></div>`,
    });
  }
  const n = state.notice;
  const done = n.ackAt
    ? html`<p class="notice ok" data-testid="ack-done">${t('ack.already', { at: formatDateTime(n.ackAt, rc.lang, rc.timeZone) })}</p>`
    : null;
  return renderPage(rc, {
    title: t('ack.title'),
    bare: true,
    body: html`<div class="login"><h1>${t('ack.title')}</h1>${switcher}
      <p>${t('ack.explain', { contact: n.contactName, organisation: n.orgName, title: state.title })}</p>
      ${done ?? html`<form method="post" action="${action}"><button type="submit" data-testid="ack-confirm">${t('ack.confirm')}</button></form>`}</div>`,
  });
}
