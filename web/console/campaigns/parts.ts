// Pieces the campaign list and the campaign page share.
import type { ClusterLabelKind } from '../../../analysis/correlate/index.ts';
import type { Campaign, MemberFacts } from '../../../sharing/campaigns/index.ts';
import type { RequestContext } from '../context.ts';
import { html } from '../html.ts';
import { isMessageKey, type MessageKey } from '../i18n/index.ts';

export function featureName(rc: RequestContext, type: string): string {
  const key = `campaign.feature.${type}`;
  return isMessageKey(key) ? rc.t(key) : type;
}

export function labelCell(rc: RequestContext, label: ClusterLabelKind) {
  return html`<span class="reach reach-${label}" data-testid="campaign-label">${rc.t(`reach.${label}` as MessageKey)}</span>`;
}

export function suggestedText(rc: RequestContext, c: Campaign<MemberFacts>) {
  if (!c.suggested) return html`<span class="muted">—</span>`;
  return html`<span class="verdict v-${c.suggested.verdict}">${rc.t('campaign.suggestedCount', {
    verdict: rc.t(`verdict.${c.suggested.verdict}` as MessageKey),
    n: c.suggested.members,
  })}</span>`;
}
