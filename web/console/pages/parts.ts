// Small pieces shared by several pages: class badges, status names, dates, definition lists.
import { KINDS, type ClassByKind, type JobStatus, type Role, type SharingClass, type SubmissionStatus, type Tier } from '../../../core/types.ts';
import { auditActionName } from '../i18n/audit-actions.ts';
import type { RequestContext } from '../context.ts';
import { html, visibleText, type HtmlValue, type SafeHtml } from '../html.ts';
import { formatDateTime, type MessageKey } from '../i18n/index.ts';

export function classBadge(cls: SharingClass): SafeHtml {
  return html`<span class="cls cls-${cls.toLowerCase()}">${cls}</span>`;
}

export function classesBadges(rc: RequestContext, classes: ClassByKind): SafeHtml {
  return html`<span class="classes">${KINDS.map((k) => html`<span class="kind" title="${rc.t(`kind.${k}` as MessageKey)}">${rc.t(`kindShort.${k}` as MessageKey)}</span>${classBadge(classes[k])} `)}</span>`;
}

export function statusName(rc: RequestContext, status: SubmissionStatus): string {
  return rc.t(`status.${status}` as MessageKey);
}

export function when(rc: RequestContext, iso: string | null | undefined): SafeHtml {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}">${formatDateTime(iso, rc.lang, rc.timeZone)}</time>`;
}

/** Mail-derived text shown as text, with hidden characters made visible. */
export function mailText(text: string | null | undefined, max = 0): SafeHtml {
  if (text === null || text === undefined) return html`<span class="muted">—</span>`;
  const shown = visibleText(max > 0 && text.length > max ? `${text.slice(0, max)}…` : text);
  return html`<span class="mailtext">${shown}</span>`;
}

export function definitionList(rows: readonly (readonly [string, HtmlValue])[]): SafeHtml {
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

export function notAnalysed(rc: RequestContext): SafeHtml {
  return html`<p class="muted not-analysed">${rc.t('sub.notAnalysed')}</p>`;
}

/** A span of time in the largest unit that fits (minutes, hours, days), e.g. "3 時間" / "3 h". */
export function duration(rc: RequestContext, ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 60) return rc.t('time.minutes', { n: m });
  const h = Math.round(m / 60);
  if (h < 48) return rc.t('time.hours', { n: h });
  return rc.t('time.days', { n: Math.round(h / 24) });
}

export function roleName(rc: RequestContext, role: Role): string {
  return rc.t(`roles.${role}` as MessageKey);
}

export function rolesText(rc: RequestContext, roles: readonly Role[]): string {
  return roles.map((r) => roleName(rc, r)).join(rc.lang === 'ja' ? '、' : ', ');
}

export function tierName(rc: RequestContext, tier: Tier): string {
  return rc.t(`tier.${tier}` as MessageKey);
}

export function jobStatusName(rc: RequestContext, status: JobStatus): string {
  return rc.t(`job.${status}` as MessageKey);
}

/** An audit action: its name in the console's language with the code beside it, or the code alone. */
export function auditAction(rc: RequestContext, action: string): SafeHtml {
  const name = auditActionName(rc.lang, action);
  return name ? html`${name} <code class="small muted">${action}</code>` : html`<code>${action}</code>`;
}

/** Data typed by people (sector names, organisation names): marked so the language check skips it. */
export function dataText(text: string): SafeHtml {
  return html`<span class="data">${text}</span>`;
}
