// The last look before approval: does anything that would be published (indicator values — the
// subject, file names, URLs —, the campaign tag) still name the victim or the submitting
// organisation? It searches with the sanitizer's own identifiers: the victims and submitters the
// analysis protected (recorded in the sealed evidence, original.ts; the check never reads the raw
// mail), with the organisation's name and registered domains as the registry has them now, in
// every encoding the sanitizer knows, so it catches what slipped past it or was added by hand.
// Findings block approval until someone acknowledges exactly this set of findings.
import { createHash } from 'node:crypto';
import { identifiersOf, redactText } from '../../analysis/sanitize/index.ts';
import { exchangeIdentity } from '../../analysis/sanitize/index.ts';
import { recordedSanitizeContext } from '../../analysis/sanitize/submission-context.ts';
import type { IndicatorWithSources } from '../../core/store/port.ts';
import type { Organisation, Submission } from '../../core/types.ts';
import { decide } from '../publication-plan.ts';
import type { TriageDeps, VictimCheckSettings } from './deps.ts';
import { readOriginal, type OriginalView } from './original.ts';
import type { TriageState } from './state.ts';

export interface VictimFinding {
  /** What would be published: `email-subject`, `file-name`, `url`, …, or `campaign`. */
  readonly field: string;
  readonly value: string;
  /** Why the match is protected (`recipient display name`, `organisation name`, …). */
  readonly reasons: readonly string[];
}

export interface VictimCheck {
  readonly findings: readonly VictimFinding[];
  /** Names this exact set of findings; an acknowledgement is valid for it only. */
  readonly fingerprint: string;
}

export interface VictimCheckInput extends VictimCheckSettings {
  readonly submission: Submission;
  readonly organisations: readonly Organisation[];
  readonly original: OriginalView;
  /** Texts that would be published, by field. */
  readonly published: readonly { readonly field: string; readonly value: string }[];
}

export function checkVictimNames(input: VictimCheckInput): VictimCheck {
  const ctx = recordedSanitizeContext({
    submission: input.submission,
    people: input.original.kind === 'ok' ? input.original.evidence.people : null,
    organisations: input.organisations,
    exchange: exchangeIdentity({ dropAddress: input.dropAddress, hostname: input.hostname }),
    policies: { rules: input.rules },
  });
  const ids = identifiersOf(ctx);
  const findings: VictimFinding[] = [];
  for (const p of input.published) {
    const hits = redactText(p.value, ids).hits;
    if (hits.length > 0) findings.push({ field: p.field, value: p.value, reasons: [...new Set(hits.map((h) => h.identifier.reason))] });
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(findings.map((f) => [f.field, f.value]).sort()))
    .digest('hex');
  return { findings, fingerprint };
}

/** What approval would publish of this submission: its sources that are not withheld, and the campaign tag. */
export function publishedTexts(sub: Submission, items: readonly IndicatorWithSources[], marked: ReadonlySet<string>): { field: string; value: string }[] {
  const values = items.flatMap(({ indicator, sources }) =>
    sources
      .filter((s) => s.submissionId === sub.id && decide(s, sub.classes, marked.has(s.indicatorId)).kind === 'publish')
      .map(() => ({ field: indicator.type, value: indicator.value })),
  );
  return [...values, ...(sub.campaign ? [{ field: 'campaign', value: sub.campaign }] : [])];
}

/** The victim check of a submission as it stands in the store. */
export async function loadVictimCheck(deps: TriageDeps, sub: Submission): Promise<VictimCheck> {
  const [organisations, items] = await Promise.all([deps.store.listOrganisations(), deps.store.listIndicatorsForSubmission(sub.id)]);
  const marked = new Set(await deps.store.markedFalsePositives(items.map((i) => i.indicator.id)));
  const original = await readOriginal(deps.vault, sub, deps.log);
  return checkVictimNames({ ...deps, submission: sub, organisations, original, published: publishedTexts(sub, items, marked) });
}

/** Approval is blocked while the victim-name check has findings nobody acknowledged. */
export function victimCheckBlocks(check: VictimCheck, state: Pick<TriageState, 'victimAck'>): boolean {
  return check.findings.length > 0 && state.victimAck?.fingerprint !== check.fingerprint;
}
