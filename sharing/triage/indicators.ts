// Triage steps on one submission's indicators: remove this submission's source, mark an indicator
// a false positive for the whole exchange (sharing/false-positives.ts: withheld from every
// submission, retracted wherever published) or clear that, add one by hand (normal form, never a
// value the sanitizer protects). Staff only; each audited with before and after.
import { neverGuard } from '../../analysis/sanitize/never.ts';
import { exchangeIdentity } from '../../analysis/sanitize/index.ts';
import { submissionSanitizeContext } from '../../analysis/sanitize/submission-context.ts';
import type { Submission } from '../../core/types.ts';
import { markFalsePositive, unmarkFalsePositive } from '../false-positives.ts';
import { retract } from '../publication.ts';
import { accessRefusal, loadFor, type Actor } from './access.ts';
import type { TriageDeps } from './deps.ts';
import { parseIndicatorInput } from './indicator-input.ts';
import { ok, refuse, type Outcome } from './refusals.ts';

async function ownSource(deps: TriageDeps, sub: Submission, indicatorId: string) {
  const item = await deps.store.getIndicator(indicatorId);
  const source = item?.sources.find((s) => s.submissionId === sub.id);
  return item && source ? { indicator: item.indicator, source } : null;
}

async function staffSubmission(deps: TriageDeps, actor: Actor, submissionId: string): Promise<Outcome<Submission>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'staff');
  return denied ? refuse(denied) : ok(sub);
}

/** Removes this submission's source of an indicator; a published one is retracted first. */
export async function removeIndicator(deps: TriageDeps, actor: Actor, submissionId: string, indicatorId: string): Promise<Outcome<null>> {
  const s = await staffSubmission(deps, actor, submissionId);
  if (!s.ok) return s;
  const sub = s.value;
  const found = await ownSource(deps, sub, indicatorId);
  if (!found) return refuse({ reason: 'no-such-indicator' });
  const [latest] = (await deps.store.latestPublications([indicatorId])).filter((e) => e.submissionId === sub.id);
  if (latest?.action === 'publish') await retract(deps, { indicatorId, submissionId: sub.id }, actor.principal.id, 'removed by an analyst');
  await deps.store.removeIndicatorSource(indicatorId, sub.id);
  const { type, value } = found.indicator;
  const { kind, class: cls, falsePositive } = found.source;
  await deps.audit({
    actor: actor.principal.id,
    action: 'indicator.removed',
    target: indicatorId,
    data: { submissionId: sub.id, before: { type, value, kind, class: cls, falsePositive }, after: null },
  });
  return ok(null);
}

/**
 * Marks an indicator of this submission a false positive exchange-wide, or clears it: the
 * exchange-level entry and this source's own mark (set by earlier versions).
 */
export async function setFalsePositive(
  deps: TriageDeps,
  actor: Actor,
  submissionId: string,
  indicatorId: string,
  falsePositive: boolean,
): Promise<Outcome<'marked' | 'cleared'>> {
  const s = await staffSubmission(deps, actor, submissionId);
  if (!s.ok) return s;
  const sub = s.value;
  const found = await ownSource(deps, sub, indicatorId);
  if (!found) return refuse({ reason: 'no-such-indicator' });
  if (falsePositive) {
    await markFalsePositive(deps, indicatorId, actor.principal.id, `marked false positive in triage (submission ${sub.id})`);
    return ok('marked');
  }
  await unmarkFalsePositive(deps, indicatorId, actor.principal.id, `cleared in triage (submission ${sub.id})`);
  if (found.source.falsePositive) {
    await deps.store.setSourceFalsePositive(indicatorId, sub.id, false);
    await deps.audit({
      actor: actor.principal.id,
      action: 'indicator.false-positive-cleared',
      target: indicatorId,
      data: { submissionId: sub.id, before: { falsePositive: true }, after: { falsePositive: false } },
    });
  }
  return ok('cleared');
}

/** Adds an indicator by hand, normalised like extracted ones; never a value the sanitizer protects. */
export async function addIndicator(
  deps: TriageDeps,
  actor: Actor,
  submissionId: string,
  input: { type: string; value: string; kind: string },
): Promise<Outcome<string | null>> {
  const s = await staffSubmission(deps, actor, submissionId);
  if (!s.ok) return s;
  const sub = s.value;
  const parsed = parseIndicatorInput(input.type, input.value, input.kind);
  if (!parsed.ok)
    return refuse({
      reason: 'invalid-input',
      field: parsed.problem === 'unknown-type' ? 'type' : 'value',
      detail: parsed.problem === 'unknown-type' ? `unknown type ${input.type}` : `not a valid ${input.type}`,
    });
  const ctx = submissionSanitizeContext({
    submission: sub,
    original: null,
    organisations: await deps.store.listOrganisations(),
    exchange: exchangeIdentity({ dropAddress: deps.dropAddress, hostname: deps.hostname }),
    policies: { rules: deps.rules },
  });
  const never = neverGuard(ctx).reason(parsed.type, parsed.value);
  if (never) return refuse({ reason: 'never-indicator', detail: never });
  const cls = sub.classes[parsed.kind];
  const [indicator] = await deps.store.upsertIndicators(sub.id, sub.orgId, deps.clock().toISOString(), [
    {
      type: parsed.type,
      value: parsed.value,
      kind: parsed.kind,
      class: cls,
      context: { origins: [{ field: 'manual', detail: actor.principal.name }], warningLists: [], manual: true },
    },
  ]);
  await deps.audit({
    actor: actor.principal.id,
    action: 'indicator.added',
    target: indicator?.id ?? null,
    data: { submissionId: sub.id, before: null, after: { type: parsed.type, value: parsed.value, kind: parsed.kind, class: cls } },
  });
  return ok(indicator?.id ?? null);
}

/** Tags the submission with a campaign label (empty clears it); the label is published text, so the victim check reads it. */
export async function setCampaign(deps: TriageDeps, actor: Actor, submissionId: string, text: string): Promise<Outcome<string | null>> {
  const s = await staffSubmission(deps, actor, submissionId);
  if (!s.ok) return s;
  const sub = s.value;
  const campaign = text.normalize('NFC').trim();
  if (campaign.length > 100 || /[\u0000-\u001f\u007f]/.test(campaign))
    return refuse({ reason: 'invalid-input', field: 'campaign', detail: 'at most 100 characters, no control characters' });
  const next = campaign === '' ? null : campaign;
  await deps.store.updateSubmission(sub.id, { campaign: next }, deps.clock().toISOString());
  await deps.audit({ actor: actor.principal.id, action: 'submission.campaign-set', target: sub.id, data: { before: sub.campaign, after: next } });
  return ok(next);
}
