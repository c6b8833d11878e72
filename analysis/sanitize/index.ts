// The sanitizer (DESIGN.md §2). Pure: no store, no lookups.
//
//   const ctx = buildSanitizeContext({ headers: item.headers, forward: unwrapped,
//     envelope: submission.envelope, organisations: await store.listOrganisations(),
//     submitterOrgId: submission.orgId, exchange: exchangeIdentity(config.exchange),
//     warningLists: loadWarningLists(policiesDir), rules: loadSanitizationRules(policiesDir) });
//   (load the lists and rules once at start-up; every argument is a plain record)
//   const extracted = extractIndicators({ item, files, infrastructure: infrastructureOf(ctx) });
//   const { indicators, subject, redactions, lookAlikes } =
//     sanitize(extracted.candidates, item.headers.subject, { ...ctx, internalHops: extracted.received });
//
//   indicators  CandidateIndicator[]: never a recipient, submitter, exchange address, registered
//               domain/network or internal hop; victim identifiers inside values replaced by
//               placeholders (policies/sanitization/rules.json); URL fragments removed; flagged
//               with the warning lists they match (and `submitter-lookalike` for a look-alike of
//               the submitting organisation's own domains): flagged ones are kept for the analyst
//               and excluded from automatic publication; `advisories` name lists that only warn
//               (a popular host under a URL with a path), and those indicators are published.
//   subject     the original's subject with display names, local parts, addresses, the
//               organisation's name and registered domains replaced (null when it had none).
//   redactions  every drop and replacement, with field, before, after and reason: for the analyst
//               only, never published. (Origin details, e.g. file names, are redacted silently.)
//   lookAlikes  domains imitating a registered domain of any organisation (for the verdict).
import { domainToUnicode } from 'node:url';
import { getDomain } from 'tldts';
import type { IndicatorType } from '../../core/types.ts';
import { CandidateSet } from '../indicators/collect.ts';
import { cleanText } from '../indicators/from-headers.ts';
import { findLookAlikes, type LookAlike } from '../indicators/look-alike.ts';
import { normalizeAddress } from '../indicators/normalize.ts';
import { hasPublicSuffix } from '../indicators/public-suffix.ts';
import { canonicalUrl } from '../indicators/url.ts';
import type { CandidateIndicator, Redaction } from '../types.ts';
import type { SanitizeContext } from './context.ts';
import { buildIdentifiers, type Identifier } from './identifiers.ts';
import { neverGuard } from './never.ts';
import { redactText, type Hit } from './redact-text.ts';
import { redactUrl, withoutFragment } from './redact-url.ts';
import { classifyWarnings } from './warning-lists.ts';

/** Flag of a look-alike of the submitting organisation's own domain: it would point at the victim. */
export const SUBMITTER_LOOKALIKE = 'submitter-lookalike';

export interface Sanitized {
  readonly indicators: readonly CandidateIndicator[];
  readonly subject: string | null;
  readonly redactions: readonly Redaction[];
  readonly lookAlikes: readonly LookAlike[];
}

const TEXT_TYPES: ReadonlySet<IndicatorType> = new Set(['email-subject', 'file-name', 'x-mailer', 'yara-rule', 'av-signature']);
const HASH_TYPES: ReadonlySet<IndicatorType> = new Set(['file-sha256', 'file-sha1', 'file-md5']);

function why(hits: readonly Hit[]): string {
  return [...new Set(hits.map((h) => `${h.identifier.reason} (${h.encoding})`))].join(', ');
}

/** Identifiers protected for this submission (exported for the console's preview and tests). */
export function identifiersOf(ctx: SanitizeContext): Identifier[] {
  const org = ctx.organisations.find((o) => o.id === ctx.submitterOrgId) ?? null;
  return buildIdentifiers(
    {
      people: [...ctx.victims.map((a) => ({ ...a, role: 'victim' as const })), ...ctx.submitters.map((a) => ({ ...a, role: 'submitter' as const }))],
      exchangeAddresses: ctx.exchange.addresses,
      exchangeDomains: ctx.exchange.domains,
      orgName: org?.name ?? null,
      memberDomains: ctx.organisations.flatMap((o) => o.domains),
    },
    ctx.rules,
  );
}

type Step = { readonly kind: 'keep'; readonly value: string; readonly unicode?: string | undefined } | { readonly kind: 'drop' };

export function sanitize(candidates: readonly CandidateIndicator[], subject: string | null, ctx: SanitizeContext): Sanitized {
  const ids = identifiersOf(ctx);
  const guard = neverGuard(ctx);
  const redactions: Redaction[] = [];
  const recorded = new Set<string>();
  const record = (field: string, before: string, after: string, reason: string) => {
    const key = JSON.stringify([field, before, after, reason]);
    if (!recorded.has(key)) redactions.push({ field, before, after, reason });
    recorded.add(key);
  };
  const out = new CandidateSet();

  const keepClean = (c: CandidateIndicator, value: string, unicode: string | undefined) => {
    const never = guard.reason(c.type, value);
    if (never) return record(`indicator:${c.type}`, value, '', `${never}: never an indicator`);
    out.addCandidate({ ...c, value, unicode });
  };

  for (const raw of candidates) {
    // Origins name files and hops; a file name may carry a victim's name, so details are redacted too.
    const c = { ...raw, origins: raw.origins.map((o) => (o.detail === undefined ? o : { ...o, detail: redactText(o.detail, ids).text })) };
    const field = `indicator:${c.type}`;
    const never = guard.reason(c.type, c.value);
    if (never) {
      record(field, c.value, '', `${never}: never an indicator`);
      continue;
    }
    let step: Step;
    if (HASH_TYPES.has(c.type) || c.type === 'ipv4-addr' || c.type === 'ipv6-addr') {
      step = { kind: 'keep', value: c.value, unicode: c.unicode };
    } else if (TEXT_TYPES.has(c.type)) {
      const r = redactText(c.value, ids);
      if (r.hits.length > 0) record(field, c.value, r.text, why(r.hits));
      step = { kind: 'keep', value: cleanText(r.text) };
    } else if (c.type === 'url') {
      step = sanitizeUrl(c, ids, record);
    } else {
      step = sanitizeHost(c, ids, record, (parent) => keepClean({ ...c, type: 'domain-name' }, parent, domainToUnicode(parent) || undefined));
    }
    if (step.kind === 'drop') continue;
    out.addCandidate({ ...c, value: step.value, ...(step.unicode ? { unicode: step.unicode } : { unicode: undefined }) });
  }

  const merged = out.list().map(stripUndefined);
  const lookAlikes = findLookAlikes(
    domainsOf(merged),
    ctx.organisations.flatMap((o) => o.domains.map((domain) => ({ domain, orgId: o.id }))),
  );
  const ownLookAlikes = new Set(lookAlikes.filter((l) => l.orgId === ctx.submitterOrgId).map((l) => l.domain));
  const indicators = merged.map((c) => {
    const lists = [...c.warningLists];
    const warnings = classifyWarnings(c, ctx.warningLists);
    for (const name of warnings.withhold) if (!lists.includes(name)) lists.push(name);
    const host = hostOf(c);
    const registrable = host ? getDomain(host, { allowPrivateDomains: true }) : null;
    if (registrable && ownLookAlikes.has(registrable) && !lists.includes(SUBMITTER_LOOKALIKE)) lists.push(SUBMITTER_LOOKALIKE);
    return warnings.advise.length > 0 ? { ...c, warningLists: lists, advisories: warnings.advise } : { ...c, warningLists: lists };
  });

  let cleanSubject: string | null = null;
  if (subject !== null) {
    const r = redactText(subject, ids);
    if (r.hits.length > 0) record('subject', subject, r.text, why(r.hits));
    cleanSubject = r.text;
  }
  return { indicators, subject: cleanSubject, redactions, lookAlikes };
}

function sanitizeUrl(c: CandidateIndicator, ids: readonly Identifier[], record: (f: string, b: string, a: string, r: string) => void): Step {
  const field = 'indicator:url';
  const r = redactUrl(c.value, ids);
  if (r.kind === 'dropped') {
    record(field, c.value, '', `host carries ${why(r.hits)}: URL dropped`);
    return { kind: 'drop' };
  }
  if (r.hits.length > 0) record(field, c.value, r.value, why(r.hits));
  const { value, fragment } = withoutFragment(r.value);
  if (fragment !== '') record(field, r.value, value, 'URL fragment: never published (client-side only, where victim ids hide)');
  const canonical = canonicalUrl(value);
  return { kind: 'keep', value: canonical?.value ?? value, unicode: canonical?.unicode };
}

function sanitizeHost(
  c: CandidateIndicator,
  ids: readonly Identifier[],
  record: (f: string, b: string, a: string, r: string) => void,
  keepParent: (parent: string) => void,
): Step {
  const hits = [...redactText(c.value, ids).hits, ...(c.unicode ? redactText(c.unicode, ids).hits : [])];
  if (hits.length === 0) return { kind: 'keep', value: c.value, unicode: c.unicode };
  record(`indicator:${c.type}`, c.value, '', `carries ${why(hits)}: dropped`);
  // What is left of the attacker's side: the parent of a domain that carries the victim, the domain
  // of an address whose local part does (an attacker cannot hide its domain behind a victim's name).
  const host = c.type === 'email-addr' ? normalizeAddress(c.value)?.domain.value : c.value;
  const parent = host ? (c.type === 'email-addr' ? host : getDomain(host, { allowPrivateDomains: true })) : null;
  if (
    (c.type === 'domain-name' || c.type === 'email-addr') &&
    parent &&
    parent !== c.value &&
    hasPublicSuffix(parent) &&
    redactText(parent, ids).hits.length === 0
  )
    keepParent(parent);
  return { kind: 'drop' };
}

function stripUndefined(c: CandidateIndicator): CandidateIndicator {
  if (c.unicode !== undefined) return c;
  const { unicode: _unused, ...rest } = c;
  return rest;
}

function hostOf(c: CandidateIndicator): string | null {
  if (c.type === 'domain-name' || c.type === 'email-message-id-domain') return c.value;
  if (c.type === 'email-addr') return normalizeAddress(c.value)?.domain.value ?? null;
  if (c.type === 'url') return canonicalUrl(c.value)?.host.value ?? null;
  return null;
}

function domainsOf(candidates: readonly CandidateIndicator[]): string[] {
  const out = new Set<string>();
  for (const c of candidates) {
    const h = hostOf(c);
    if (h) out.add(h);
  }
  return [...out];
}

export {
  buildSanitizeContext,
  exchangeIdentity,
  infrastructureOf,
  recipientsOf,
  RECIPIENT_FIELDS,
  victimTextsOf,
  type ContextInput,
  type ExchangeIdentity,
  type OrganisationRecord,
  type SanitizeContext,
} from './context.ts';
export { fold, type Identifier } from './identifiers.ts';
export { redactText, type Hit } from './redact-text.ts';
export { loadSanitizationRules, type SanitizationRules } from './rules.ts';
export { loadWarningLists, matchWarningLists, type WarningList } from './warning-lists.ts';
export { classifyWarnings, matchInfrastructure, type MispWarningList, type OwnWarningList, type WarningClasses } from './warning-lists.ts';
