// Pipeline steps 6–8 behind one call: candidate indicators (analysis/indicators), sanitizer and
// warning lists (analysis/sanitize), indicators stored with this submission as their source (each
// under the class chosen for its kind), correlation and clustering (analysis/correlate), and the
// verdict suggestion (analysis/verdict.ts).
import type { ProtectedPeople, ReceivedCutSummary } from '../core/analysis-record/index.ts';
import type { Store } from '../core/store/port.ts';
import type { Submission } from '../core/types.ts';
import type { OriginalItem, Unwrapped } from '../core/mail/forward/index.ts';
import { clusterFeaturesOf, clusterSubmission, correlateSubmission, recipientProfileOf, toIndicatorInputs, type ClusterLabel } from './correlate/index.ts';
import { extractIndicators } from './indicators/index.ts';
import type { AnalysedFile } from './pipeline-files.ts';
import {
  infrastructureOf,
  loadSanitizationRules,
  loadWarningLists,
  sanitize,
  type ExchangeIdentity,
  type SanitizationRules,
  type WarningList,
} from './sanitize/index.ts';
import type { Redaction, VerdictSuggestion, YaraOutcome } from './types.ts';
import { suggestVerdict } from './verdict.ts';
import { submissionSanitizeContext } from './sanitize/submission-context.ts';

/** Policy data the step reads (policies/warninglists, policies/sanitization), loaded once. */
export interface AnalysisPolicies {
  readonly warningLists: readonly WarningList[];
  readonly rules: SanitizationRules;
}

export function loadAnalysisPolicies(policiesDir: string): AnalysisPolicies {
  return { warningLists: loadWarningLists(policiesDir), rules: loadSanitizationRules(policiesDir) };
}

/** The exchange's own identity (drop address, host name): never indicators. */
export { exchangeIdentity } from './sanitize/index.ts';

export interface IndicatorDeps {
  readonly store: Store;
  readonly policies: AnalysisPolicies;
  readonly exchange: ExchangeIdentity;
}

export interface IndicatorStepInput {
  readonly submission: Submission;
  /** The received message as unwrapped, and the original of this submission; null when it could not be unwrapped. */
  readonly original: { readonly unwrapped: Unwrapped; readonly item: OriginalItem } | null;
  readonly files: readonly AnalysedFile[];
  readonly bodies: readonly YaraOutcome[];
  /** Analysis time (cluster features are recorded at it). */
  readonly now: string;
}

export interface IndicatorStepResult {
  /** Indicators stored for this submission. */
  readonly indicators: number;
  readonly redactions: readonly Redaction[];
  /** Recipients at no registered domain: shown to the analyst, never protected (an attacker may name anyone). */
  readonly otherRecipients: readonly string[];
  /** The original's subject with recipients and organisation redacted (publishable form). */
  readonly sanitizedSubject: string | null;
  readonly verdict: VerdictSuggestion;
  readonly cluster: ClusterLabel | null;
  readonly related: { readonly submissions: number; readonly sharedIndicators: number };
  /** Where the Received chain was cut (for the console's evidence view; never published). */
  readonly received: ReceivedCutSummary | null;
  /** Who the sanitizer protected (the victim gate protects them too); null when the original could not be read. */
  readonly people: ProtectedPeople | null;
}

/** The part of the Received cut the console shows: hop count, the entry and the attacker's side. */
export type { ReceivedCutSummary } from '../core/analysis-record/index.ts';

export async function indicatorStep(deps: IndicatorDeps, input: IndicatorStepInput): Promise<IndicatorStepResult> {
  const { submission, original, now } = input;
  const files = input.files.map((f) => f.analysis);
  if (!original) {
    const verdict = suggestVerdict({ files, lookAlikes: [], from: [], replyTo: [], bodies: input.bodies });
    return {
      indicators: 0,
      redactions: [],
      otherRecipients: [],
      sanitizedSubject: null,
      verdict,
      cluster: null,
      related: { submissions: 0, sharedIndicators: 0 },
      received: null,
      people: null,
    };
  }
  const { item } = original;
  const { policies, store } = deps;
  const ctx = submissionSanitizeContext({
    submission,
    original,
    memberContents: input.files.filter((f) => f.analysis.file.role === 'member').map((f) => f.content),
    organisations: await store.listOrganisations(),
    exchange: deps.exchange,
    policies,
  });
  const memberContents = input.files.filter((f) => f.analysis.file.role === 'member').map((f) => ({ name: f.analysis.file.declaredName, content: f.content }));
  const extracted = extractIndicators({ item, files, memberContents, infrastructure: infrastructureOf(ctx) });
  const sanitized = sanitize(extracted.candidates, item.headers.subject, { ...ctx, internalHops: extracted.received });

  const stored = await store.upsertIndicators(
    submission.id,
    submission.orgId,
    submission.receivedAt,
    toIndicatorInputs(sanitized.indicators, submission.classes),
  );
  const correlation = await correlateSubmission(store, submission.id);
  const cluster = await clusterSubmission(store, {
    submissionId: submission.id,
    orgId: submission.orgId,
    seenAt: now,
    features: clusterFeaturesOf(sanitized.indicators, sanitized.subject, Object.values(policies.rules.placeholders)),
    recipients: recipientProfileOf(item.headers, policies.rules.genericLocalParts),
  });
  const verdict = suggestVerdict({
    files,
    lookAlikes: sanitized.lookAlikes,
    from: item.headers.from.map((a) => a.address),
    replyTo: item.headers.replyTo.map((a) => a.address),
    bodies: input.bodies,
  });
  return {
    indicators: stored.length,
    redactions: sanitized.redactions,
    otherRecipients: ctx.otherRecipients.map((r) => (r.name ? `${r.name} <${r.address}>` : r.address)),
    sanitizedSubject: sanitized.subject,
    verdict,
    cluster,
    related: { submissions: correlation.related.length, sharedIndicators: correlation.relations.length },
    received: {
      hops: extracted.received.hops,
      entry: extracted.received.entry,
      entryMatched: extracted.received.entryMatched,
      attackerSide: extracted.received.attackerSide,
    },
    people: { victims: ctx.victims, submitters: ctx.submitters },
  };
}
