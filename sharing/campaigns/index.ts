// Campaigns: submissions bound by shared clustering features (binding.ts), derived from the store
// on every read (load.ts), summarised (summary.ts), previewed per reader tier (preview.ts) and
// decided as one through the triage state machine (decide.ts). Used by the console and the REST API.
export { bindingKeys, groupByBinding, searchFeatures, type BindingKey } from './binding.ts';
export {
  CAMPAIGN_DECISIONS,
  decideCampaign,
  type CampaignDecision,
  type CampaignDecisionRequest,
  type CampaignDecisionResult,
  type MemberOutcome,
} from './decide.ts';
export { campaignOf, DEFAULT_CAMPAIGN_LIMITS, listCampaigns, type CampaignLimits } from './load.ts';
export { previewCampaign, type CampaignPreview, type TierPreview } from './preview.ts';
export { CAMPAIGN_SORTS, sortCampaigns, type Campaign, type CampaignEvidence, type CampaignMember, type CampaignSort, type MemberFacts } from './summary.ts';
export { victimChecksOf, type MemberVictimCheck } from './victim-checks.ts';
