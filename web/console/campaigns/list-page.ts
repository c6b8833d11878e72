// The campaign list: every campaign of the window, sortable by members, organisations and last seen.
import type { Campaign, CampaignSort, MemberFacts } from '../../../sharing/campaigns/index.ts';
import { CAMPAIGN_SORTS } from '../../../sharing/campaigns/index.ts';
import { SUBMISSION_STATUSES } from '../../../core/types.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { consoleUrl, html } from '../html.ts';
import type { MessageKey } from '../i18n/index.ts';
import { renderPage } from '../pages/layout.ts';
import { statusName, when } from '../pages/parts.ts';
import { featureName, labelCell, suggestedText } from './parts.ts';

export interface CampaignListView {
  readonly campaigns: readonly Campaign<MemberFacts>[];
  readonly sort: CampaignSort;
  readonly windowDays: number;
}

export function statusCounts(rc: RequestContext, c: Campaign<MemberFacts>) {
  return html`<ul class="plain small">${SUBMISSION_STATUSES.filter((s) => c.statuses[s]).map(
    (s) => html`<li data-status="${s}">${statusName(rc, s)}：${c.statuses[s] ?? 0}</li>`,
  )}</ul>`;
}

function row(rc: RequestContext, c: Campaign<MemberFacts>) {
  const top = c.evidence[0];
  return html`<tr data-campaign="${c.id}">
    <td><a href="${CONSOLE_PATH}/campaigns/${encodeURIComponent(c.id)}">${rc.t('campaign.link')} <span class="id">${c.id}</span></a>
      ${top ? html`<br><span class="small">${featureName(rc, top.key.type)}</span><br><code class="small">${top.key.value}</code>` : null}</td>
    <td class="num" data-testid="members">${c.members.length}</td>
    <td class="nowrap">${rc.t('campaign.orgsSectors', { orgs: c.organisations, sectors: c.sectors.length })}</td>
    <td class="nowrap">${when(rc, c.firstSeen)}<br>${when(rc, c.lastSeen)}</td>
    <td class="nowrap">${labelCell(rc, c.label)}</td>
    <td class="nowrap">${suggestedText(rc, c)}</td>
    <td class="nowrap">${statusCounts(rc, c)}</td>
  </tr>`;
}

export function campaignListPage(rc: RequestContext, v: CampaignListView): string {
  const sortLink = (s: CampaignSort) =>
    s === v.sort
      ? html`<strong aria-current="true">${rc.t(`campaign.sort.${s}` as MessageKey)}</strong>`
      : html`<a href="${consoleUrl(`${CONSOLE_PATH}/campaigns`, { sort: s })}" data-sort="${s}">${rc.t(`campaign.sort.${s}` as MessageKey)}</a>`;
  return renderPage(rc, {
    title: rc.t('campaign.listTitle'),
    body: html`<h1>${rc.t('campaign.listTitle')}</h1>
      <p class="muted">${rc.t('campaign.listIntro', { days: v.windowDays })}</p>
      ${v.campaigns.some((c) => c.truncated) ? html`<p class="notice warn">${rc.t('campaign.truncated')}</p>` : null}
      <p class="sorts">${rc.t('campaign.sortBy')}： ${CAMPAIGN_SORTS.map((s) => html`${sortLink(s)} `)}</p>
      ${
        v.campaigns.length === 0
          ? html`<p class="muted">${rc.t('campaign.none')}</p>`
          : html`<table class="campaigns"><thead><tr>
          <th>${rc.t('campaign.col.campaign')}</th><th>${rc.t('campaign.col.members')}</th><th>${rc.t('campaign.col.orgs')}</th>
          <th>${rc.t('campaign.col.seen')}</th><th>${rc.t('campaign.col.label')}</th><th>${rc.t('campaign.col.suggested')}</th><th>${rc.t('campaign.col.statuses')}</th>
        </tr></thead><tbody>${v.campaigns.map((c) => row(rc, c))}</tbody></table>`
      }`,
  });
}
