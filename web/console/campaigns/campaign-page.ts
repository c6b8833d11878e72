// One campaign: its summary, what binds the members, what each reader tier would receive if it is
// approved, the victim checks that approval waits for, the members with their status (and, after a
// decision, each member's outcome), and one decision form for every member.
import { mayTransition } from '../../../sharing/triage/index.ts';
import type { Campaign, CampaignDecision, CampaignMember, CampaignPreview, MemberVictimCheck } from '../../../sharing/campaigns/index.ts';
import type { Organisation } from '../../../core/types.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html } from '../html.ts';
import type { MessageKey } from '../i18n/index.ts';
import { csrfField, renderPage } from '../pages/layout.ts';
import { classBadge, dataText, definitionList, mailText, statusName, when } from '../pages/parts.ts';
import type { ActionOutcome } from '../triage/actions.ts';
import { statusCounts } from './list-page.ts';
import { featureName, labelCell, suggestedText } from './parts.ts';

export interface CampaignDecisionView {
  readonly decision: CampaignDecision;
  readonly outcomes: ReadonlyMap<string, ActionOutcome>;
  readonly done: number;
  readonly refused: number;
  readonly notMembers: number;
  readonly falsePositives: number;
}

export interface CampaignPageView {
  readonly ref: string;
  readonly campaign: Campaign | null;
  readonly preview: CampaignPreview | null;
  readonly victimChecks: readonly MemberVictimCheck[];
  readonly orgs: ReadonlyMap<string, Organisation>;
  readonly result: CampaignDecisionView | null;
  /** A refusal of the whole decision (a missing reason). */
  readonly refusal: ActionOutcome | null;
}

function previewSection(rc: RequestContext, p: CampaignPreview) {
  return html`<section class="preview" data-testid="tier-preview"><h2>${rc.t('campaign.preview')}</h2>
    <p class="small muted">${rc.t('campaign.previewIntro', { n: p.approvable.length, withheld: p.withheld })}</p>
    <table class="tiers"><thead><tr><th>${rc.t('campaign.tier')}</th><th>${rc.t('campaign.indicators')}</th><th>${rc.t('campaign.examples')}</th></tr></thead>
    <tbody>${p.tiers.map(
      (t) => html`<tr data-tier="${t.tier}"><td class="nowrap">${classBadge(t.tier)} ${rc.t('campaign.tierReaders')}</td>
        <td class="num" data-testid="tier-count">${t.indicators}</td>
        <td>${t.examples.length === 0 ? html`<span class="muted">${rc.t('campaign.nothingForTier')}</span>` : html`<ul class="plain examples">${t.examples.map((e) => html`<li><span class="type">${e.type}</span> <code>${e.value}</code></li>`)}</ul>`}</td></tr>`,
    )}</tbody></table></section>`;
}

function victimSection(rc: RequestContext, checks: readonly MemberVictimCheck[]) {
  if (checks.length === 0) return null;
  return html`<fieldset class="victim-checks" data-testid="victim-checks"><legend>${rc.t('campaign.victimTitle')}</legend>
    <p class="small">${rc.t('campaign.victimIntro')}</p>
    ${checks.map(
      (c) => html`<div class="victim-check" data-member="${c.submissionId}"><span class="id">${c.submissionId}</span>
        <ul class="plain">${c.findings.map((f) => html`<li><span class="type">${f.field}</span> <code>${f.value}</code></li>`)}</ul>
        <label><input type="checkbox" name="ack" value="${c.submissionId} ${c.fingerprint}"> ${rc.t('campaign.victimAck')}</label></div>`,
    )}</fieldset>`;
}

function resultText(rc: RequestContext, o: ActionOutcome | undefined) {
  if (!o) return null;
  return o.kind === 'done'
    ? html`<span class="ok" data-result="done">${rc.t('campaign.done')}</span>`
    : html`<span class="error" data-result="refused">${rc.t(o.message, o.params)}</span>`;
}

function memberRow(rc: RequestContext, m: CampaignMember, orgs: ReadonlyMap<string, Organisation>, result: CampaignDecisionView | null) {
  const org = orgs.get(m.orgId);
  const suggested = m.suggested;
  return html`<tr data-submission="${m.id}">
    <td class="subject"><a href="${CONSOLE_PATH}/submissions/${encodeURIComponent(m.id)}">${mailText(m.subject, 100)}</a><br><span class="id">${m.id}</span></td>
    <td>${dataText(org?.name ?? m.orgId)}<br><span class="small muted">${dataText(org?.sector ?? '')}</span></td>
    <td class="nowrap">${when(rc, m.receivedAt)}</td>
    <td class="nowrap" data-cell="status">${statusName(rc, m.status)}</td>
    <td class="nowrap">${suggested ? html`<span class="verdict v-${suggested}">${rc.t(`verdict.${suggested}` as MessageKey)}</span>` : html`<span class="muted">—</span>`}</td>
    ${result ? html`<td>${resultText(rc, result.outcomes.get(m.id))}</td>` : null}
  </tr>`;
}

function decisionForm(rc: RequestContext, c: Campaign, checks: readonly MemberVictimCheck[]) {
  const approvable = c.members.filter((m) => mayTransition('approve', m.status)).length;
  const rejectable = c.members.filter((m) => mayTransition('reject', m.status)).length;
  if (approvable === 0 && rejectable === 0) return html`<p class="muted">${rc.t('campaign.nothingToDecide')}</p>`;
  return html`<form method="post" action="${CONSOLE_PATH}/campaigns/${encodeURIComponent(c.id)}/decision" class="campaign-decision" data-testid="campaign-decision">${csrfField(rc)}
    ${c.members.map((m) => html`<input type="hidden" name="members" value="${m.id}">`)}
    ${victimSection(rc, checks)}
    <fieldset><legend>${rc.t('campaign.decide')}</legend>
      ${approvable > 0 ? html`<button type="submit" name="decision" value="approve" data-testid="campaign-approve">${rc.t('campaign.approveAll', { n: approvable })}</button>` : null}
      <label>${rc.t('campaign.reason')} <input name="reason" maxlength="2000"></label>
      ${rejectable > 0 ? html`<button type="submit" name="decision" value="reject" data-testid="campaign-reject">${rc.t('campaign.rejectAll', { n: rejectable })}</button> <button type="submit" name="decision" value="false-positive" data-testid="campaign-false-positive">${rc.t('campaign.falsePositiveAll', { n: rejectable })}</button>` : null}
      <p class="small muted">${rc.t('campaign.fpExplain')}</p>
    </fieldset></form>`;
}

function notice(rc: RequestContext, v: CampaignPageView) {
  if (v.refusal?.kind === 'refused') return { kind: 'error' as const, text: rc.t(v.refusal.message, v.refusal.params) };
  if (!v.result) return null;
  const r = v.result;
  const parts = [rc.t('campaign.decided', { decision: rc.t(`campaign.decision.${r.decision}` as MessageKey), done: r.done, refused: r.refused })];
  if (r.notMembers > 0) parts.push(rc.t('campaign.notMembers', { n: r.notMembers }));
  if (r.decision === 'false-positive') parts.push(rc.t('campaign.fpMarked', { n: r.falsePositives }));
  return { kind: r.refused > 0 ? ('warn' as const) : ('ok' as const), text: parts.join(' ') };
}

export function campaignPage(rc: RequestContext, v: CampaignPageView): string {
  const back = html`<p><a href="${CONSOLE_PATH}/campaigns">${rc.t('campaign.back')}</a></p>`;
  const c = v.campaign;
  if (!c)
    return renderPage(rc, {
      title: rc.t('campaign.title'),
      body: html`<h1>${rc.t('campaign.title')}</h1><p class="muted">${rc.t('campaign.noCampaign')}</p>${back}`,
    });
  return renderPage(rc, {
    title: rc.t('campaign.title'),
    notice: notice(rc, v),
    body: html`<h1>${rc.t('campaign.title')} <span class="id">${c.id}</span></h1>${back}
      ${c.truncated ? html`<p class="notice warn">${rc.t('campaign.truncated')}</p>` : null}
      ${definitionList([
        [rc.t('campaign.col.members'), html`<span data-testid="member-count">${rc.t('campaign.memberCount', { n: c.members.length })}</span>`],
        [rc.t('campaign.col.orgs'), rc.t('campaign.orgsSectors', { orgs: c.organisations, sectors: c.sectors.length })],
        [rc.t('campaign.col.seen'), html`${when(rc, c.firstSeen)} – ${when(rc, c.lastSeen)}`],
        [rc.t('campaign.col.label'), labelCell(rc, c.label)],
        [rc.t('campaign.col.suggested'), suggestedText(rc, c)],
        [rc.t('campaign.col.statuses'), statusCounts(rc, c)],
      ])}
      <section class="evidence"><h2>${rc.t('campaign.evidence')}</h2><ul class="plain">${c.evidence.map(
        (e) =>
          html`<li data-testid="evidence">${featureName(rc, e.key.type)}: <code>${e.key.value}</code> <span class="small muted">${rc.t('campaign.sharedBy', { n: e.members.length })}</span></li>`,
      )}</ul></section>
      ${v.preview ? previewSection(rc, v.preview) : null}
      ${decisionForm(rc, c, v.victimChecks)}
      <section><h2>${rc.t('campaign.members')}</h2>
      <table class="members"><thead><tr><th>${rc.t('campaign.col.submission')}</th><th>${rc.t('campaign.col.org')}</th><th>${rc.t('campaign.col.received')}</th>
        <th>${rc.t('campaign.col.status')}</th><th>${rc.t('campaign.col.suggested')}</th>${v.result ? html`<th>${rc.t('campaign.col.result')}</th>` : null}</tr></thead>
      <tbody>${c.members.map((m) => memberRow(rc, m, v.orgs, v.result))}</tbody></table></section>`,
  });
}
