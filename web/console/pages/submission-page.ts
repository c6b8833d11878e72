// The submission page: sanitized view first (what would be published, the sanitizer's changes,
// the victim-name check), the triage actions, the indicators, then the original as text,
// attachments and related submissions.
import { CLASSES, INDICATOR_TYPES, KINDS } from '../../../core/types.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html, visibleText, type SafeHtml } from '../html.ts';
import { formatDateTime, type MessageKey } from '../i18n/index.ts';
import { VERDICTS } from '../../../core/types.ts';
import { victimCheckBlocks, type SubmissionView } from '../submission/load.ts';
import type { IndicatorRow } from '../submission/preview.ts';
import { consentCeiling } from '../submission/triage-state.ts';
import { offeredSteps } from '../../../sharing/triage/index.ts';
import { csrfField, renderPage } from './layout.ts';
import { classBadge, classesBadges, dataText, definitionList, jobStatusName, mailText, statusName, tierName, when } from './parts.ts';
import {
  attachmentsSection,
  clusterSection,
  diffSection,
  notesSection,
  originalSection,
  previewSection,
  relatedSection,
  unstoredFilesSection,
  verdictSection,
  withheldReason,
} from './submission-sections.ts';
import { assignmentSection, internalNotesSection, keysHelp } from './submission-work.ts';

function action(v: SubmissionView, name: string): string {
  return `${CONSOLE_PATH}/submissions/${encodeURIComponent(v.submission.id)}/${name}`;
}

function header(rc: RequestContext, v: SubmissionView): SafeHtml {
  const s = v.submission;
  return html`<header class="submission">
    <h1>${mailText(s.subject)}</h1>
    ${definitionList([
      [rc.t('sub.id'), html`<code>${s.id}</code>`],
      [rc.t('queue.status'), html`<span data-testid="status">${statusName(rc, s.status)}</span>`],
      [rc.t('queue.received'), when(rc, s.receivedAt)],
      [
        rc.t('queue.org'),
        html`${v.org?.name ?? s.orgId} ${v.org ? html`<span class="muted">${dataText(v.org.sector)}, ${tierName(rc, v.org.tier)}</span>` : null}`,
      ],
      [rc.t('sub.submitter'), v.submitter ? `${v.submitter.displayName} <${v.submitter.email}>` : s.principalId],
      [rc.t('queue.classes'), classesBadges(rc, s.classes)],
      [
        rc.t('sub.classSources'),
        html`${s.classDecisions.map((d) => html`${rc.t(`kind.${d.kind}` as MessageKey)}: ${d.class} (${rc.t(`classSource.${d.source}` as MessageKey)}) `)}`,
      ],
      [rc.t('queue.verdict'), s.verdict ? rc.t(`verdict.${s.verdict}` as MessageKey) : '—'],
      [rc.t('queue.campaign'), s.campaign ?? '—'],
      [rc.t('sub.job'), v.job ? rc.t('sub.jobState', { status: jobStatusName(rc, v.job.status), n: v.job.attempts }) : '—'],
    ])}
  </header>`;
}

function victimWarning(rc: RequestContext, v: SubmissionView): SafeHtml | null {
  if (v.victim.findings.length === 0) return html`<p class="notice ok" data-testid="victim-check">${rc.t('sub.victimClear')}</p>`;
  const blocked = victimCheckBlocks(v);
  return html`<section class="notice ${blocked ? 'error' : 'warn'}" id="victim-check" data-testid="victim-check">
    <h2>${rc.t('sub.victimTitle')}</h2>
    <p>${rc.t('sub.victimExplain')}</p>
    <ul>${v.victim.findings.map((f) => html`<li><span class="type">${f.field}</span> <code>${visibleText(f.value)}</code> — ${f.reasons.join(', ')}</li>`)}</ul>
    ${
      blocked
        ? html`<form method="post" action="${action(v, 'acknowledge')}">${csrfField(rc)}<input type="hidden" name="fingerprint" value="${v.victim.fingerprint}">
          <button type="submit">${rc.t('sub.victimAcknowledge')}</button></form>`
        : html`<p>${rc.t('sub.victimAcknowledged', { at: formatDateTime(v.triage.victimAck?.at, rc.lang, rc.timeZone) })}</p>`
    }
  </section>`;
}

function classOptions(current: string): SafeHtml {
  return html`${CLASSES.map((c) => html`<option value="${c}"${c === current ? html` selected` : null}>${c}</option>`)}`;
}

function triageActions(rc: RequestContext, v: SubmissionView): SafeHtml {
  const s = v.submission;
  const blocked = victimCheckBlocks(v);
  // Only the steps the triage state machine allows from this status (a rejected submission offers reopen, not approve).
  const steps = offeredSteps(s.status);
  const ceiling = consentCeiling(s);
  const isSecretariat = rc.who?.principal.roles.includes('secretariat') ?? false;
  return html`<section id="triage"><h2>${rc.t('sub.triageTitle')}</h2>
    <div class="actions">
      ${
        steps.includes('approve')
          ? html`<form method="post" action="${action(v, 'approve')}" class="approve">${csrfField(rc)}
        <button type="submit" data-testid="approve"${blocked ? html` disabled` : null}>${rc.t('sub.approve')}</button>
        ${blocked ? html`<span class="warning">${rc.t('sub.approveBlocked')}</span>` : null}
      </form>`
          : null
      }
      ${
        steps.includes('reject')
          ? html`<form method="post" action="${action(v, 'reject')}" class="reject">${csrfField(rc)}
        <label>${rc.t('sub.rejectReason')} <input name="reason" required maxlength="2000"></label>
        <button type="submit">${rc.t('sub.reject')}</button>
      </form>`
          : null
      }
      ${
        steps.includes('reopen')
          ? html`<form method="post" action="${action(v, 'reopen')}" class="reopen">${csrfField(rc)}
        <label>${rc.t('sub.reopenReason')} <input name="reason" required maxlength="2000"></label>
        <button type="submit" data-testid="reopen">${rc.t('sub.reopen')}</button>
      </form>`
          : null
      }
      <form method="post" action="${action(v, 'classes')}" class="classes" data-testid="classes-form">${csrfField(rc)}
        <fieldset><legend>${rc.t('sub.classesLegend')}</legend>
        ${KINDS.map(
          (k) => html`<label>${rc.t(`kind.${k}` as MessageKey)} <select name="${k}" data-testid="class-${k}">${classOptions(s.classes[k])}</select>
          <span class="muted small">${rc.t('sub.ceiling')} ${ceiling[k] ?? s.classes[k]}</span></label>`,
        )}
        <button type="submit">${rc.t('sub.applyClasses')}</button></fieldset>
      </form>
      ${
        isSecretariat
          ? html`<form method="post" action="${action(v, 'consent')}" class="consent">${csrfField(rc)}
            <fieldset><legend>${rc.t('sub.consentLegend')}</legend>
            <label>${rc.t('sub.kind')} <select name="kind">${KINDS.map((k) => html`<option value="${k}">${rc.t(`kind.${k}` as MessageKey)}</option>`)}</select></label>
            <label>${rc.t('queue.class')} <select name="class">${classOptions('AMBER')}</select></label>
            <label>${rc.t('sub.consentNote')} <input name="note" required maxlength="500"></label>
            <button type="submit">${rc.t('sub.recordConsent')}</button></fieldset>
          </form>`
          : null
      }
      <form method="post" action="${action(v, 'campaign')}">${csrfField(rc)}
        <label>${rc.t('queue.campaign')} <input name="campaign" value="${s.campaign ?? ''}" maxlength="100"></label>
        <button type="submit">${rc.t('sub.setCampaign')}</button>
      </form>
      <form method="post" action="${action(v, 'verdict')}">${csrfField(rc)}
        <label>${rc.t('queue.verdict')} <select name="verdict"><option value="">—</option>${VERDICTS.map((x) => html`<option value="${x}"${x === s.verdict ? html` selected` : null}>${rc.t(`verdict.${x}` as MessageKey)}</option>`)}</select></label>
        <button type="submit">${rc.t('sub.setVerdict')}</button>
      </form>
      <form method="post" action="${action(v, 'rerun')}">${csrfField(rc)}<button type="submit">${rc.t('sub.rerun')}</button></form>
    </div>
  </section>`;
}

function origins(row: IndicatorRow): string {
  const o = row.source.context.origins;
  if (!Array.isArray(o)) return '';
  return o
    .map((x) =>
      typeof x === 'object' && x !== null
        ? [String((x as Record<string, unknown>).field ?? ''), (x as Record<string, unknown>).detail].filter(Boolean).join(': ')
        : '',
    )
    .filter(Boolean)
    .slice(0, 5)
    .join('; ');
}

function warningLists(row: IndicatorRow): string {
  const w = row.source.context.warningLists;
  return Array.isArray(w) ? w.filter((x) => typeof x === 'string').join(', ') : '';
}

function indicatorRow(rc: RequestContext, v: SubmissionView, r: IndicatorRow): SafeHtml {
  const fp = r.source.falsePositive || r.markedExchangeWide;
  return html`<tr data-indicator="${r.indicator.id}" data-type="${r.indicator.type}" class="${fp ? 'fp' : ''}">
    <td class="type">${r.indicator.type}</td>
    <td><code>${visibleText(r.indicator.value)}</code></td>
    <td>${rc.t(`kind.${r.source.kind}` as MessageKey)}</td>
    <td>${classBadge(r.source.class)}</td>
    <td>${r.decision.kind === 'publish' ? classBadge(r.decision.class) : html`<span class="muted">${withheldReason(rc, r)}</span>`}</td>
    <td>${r.latest ? html`${r.latest.action} ${classBadge(r.latest.class)} #${r.latest.seq}` : html`<span class="muted">—</span>`}</td>
    <td class="small">${origins(r)}${warningLists(r) ? html`<br><span class="warning">${rc.t('sub.warningLists')}: ${warningLists(r)}</span>` : null}</td>
    <td class="small">${r.otherSubmissions.length || ''}</td>
    <td class="row-actions">
      <form method="post" action="${action(v, 'indicators/false-positive')}">${csrfField(rc)}<input type="hidden" name="indicator" value="${r.indicator.id}"><input type="hidden" name="value" value="${fp ? 'no' : 'yes'}">
        <button type="submit" data-testid="fp">${fp ? rc.t('sub.unmarkFalsePositive') : rc.t('sub.markFalsePositive')}</button></form>
      <form method="post" action="${action(v, 'indicators/remove')}">${csrfField(rc)}<input type="hidden" name="indicator" value="${r.indicator.id}">
        <button type="submit">${rc.t('sub.remove')}</button></form>
    </td>
  </tr>`;
}

function indicatorsSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  return html`<section id="indicators"><h2>${rc.t('sub.indicatorsTitle', { n: v.rows.length })}</h2>
    ${
      v.rows.length === 0
        ? html`<p class="muted">${rc.t('sub.noIndicators')}</p>`
        : html`<table class="indicators"><thead><tr>
          <th>${rc.t('sub.type')}</th><th>${rc.t('sub.value')}</th><th>${rc.t('sub.kind')}</th><th>${rc.t('sub.sourceClass')}</th>
          <th>${rc.t('sub.wouldPublish')}</th><th>${rc.t('sub.logState')}</th><th>${rc.t('sub.origins')}</th><th>${rc.t('sub.others')}</th><th></th>
        </tr></thead><tbody>${v.rows.map((r) => indicatorRow(rc, v, r))}</tbody></table>`
    }
    <form method="post" action="${action(v, 'indicators/add')}" class="add-indicator">${csrfField(rc)}
      <fieldset><legend>${rc.t('sub.addIndicator')}</legend>
      <label>${rc.t('sub.type')} <select name="type">${INDICATOR_TYPES.map((t) => html`<option value="${t}">${t}</option>`)}</select></label>
      <label>${rc.t('sub.value')} <input name="value" required maxlength="2000"></label>
      <label>${rc.t('sub.kind')} <select name="kind"><option value="">${rc.t('sub.kindAuto')}</option>${KINDS.filter((k) => k !== 'sample').map((k) => html`<option value="${k}">${rc.t(`kind.${k}` as MessageKey)}</option>`)}</select></label>
      <button type="submit">${rc.t('sub.add')}</button></fieldset>
    </form>
  </section>`;
}

export function submissionPage(rc: RequestContext, v: SubmissionView, notice: { kind: 'ok' | 'warn' | 'error'; text: string } | null): string {
  return renderPage(rc, {
    title: v.submission.subject ?? v.submission.id,
    notice,
    body: html`${header(rc, v)}
      ${keysHelp(rc)}
      ${assignmentSection(rc, v)}
      ${victimWarning(rc, v)}
      ${previewSection(rc, v)}
      ${diffSection(rc, v)}
      ${verdictSection(rc, v)}
      ${triageActions(rc, v)}
      ${internalNotesSection(rc, v)}
      ${indicatorsSection(rc, v)}
      ${originalSection(rc, v)}
      ${attachmentsSection(rc, v)}
      ${unstoredFilesSection(rc, v)}
      ${clusterSection(rc, v)}
      ${relatedSection(rc, v)}
      ${notesSection(rc, v)}`,
  });
}
