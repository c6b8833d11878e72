// What a submission is clustered by (pure): shared sender infrastructure (attacker-side Received
// IPs, sender and Message-ID registrable domains), the subject's template, the registrable
// domains (or IPs) of URLs in the content, and attachment hashes. Warning-listed values (webmail,
// cloud, special ranges, an uncut Received chain) link unrelated mail and are left out; a
// look-alike of the submitter's own domain is kept (it is the campaign's infrastructure).
import { getDomain } from 'tldts';
import type { ClusterFeature } from '../../core/types.ts';
import type { OriginalHeaders } from '../../core/mail/forward/types.ts';
import { fold, recipientsOf, SUBMITTER_LOOKALIKE } from '../sanitize/index.ts';
import type { CandidateIndicator } from '../types.ts';

/** Weight of the distinctive part of a template: CJK characters count 1, Latin letters 1/2. */
export const MIN_TEMPLATE_WEIGHT = 6;

const PREFIX = /^\s*(?:(?:re|fw|fwd|tr|wg|aw|sv|vs|転送|返信)\s*[:：]\s*)+/i;
const ADDRESS = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
const URL = /\b(?:https?|ftp):\/\/\S+/gi;
const WITH_DIGIT = /[\p{L}\p{N}_-]*\p{Nd}[\p{L}\p{N}_-]*/gu;
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/gu;

/**
 * The subject's template: placeholders, addresses and URLs become `*`, words with digits (ids,
 * dates, amounts) `#`, reply/forward prefixes go, case and width are folded. Null when what is left
 * is too short to tell one campaign from another.
 */
export function subjectTemplate(subject: string | null, placeholders: readonly string[]): string | null {
  if (!subject) return null;
  let t = fold(subject).replace(PREFIX, '');
  for (const p of placeholders) t = t.split(fold(p)).join(' * ');
  t = t.replace(URL, ' * ').replace(ADDRESS, ' * ').replace(WITH_DIGIT, ' # ');
  t = t.replace(/[\s\u3000]+/g, ' ').trim();
  const latin = (t.match(/[a-z]/g) ?? []).length;
  const cjk = (t.match(CJK) ?? []).length;
  return cjk + latin / 2 >= MIN_TEMPLATE_WEIGHT ? t : null;
}

function links(c: CandidateIndicator): boolean {
  return c.warningLists.every((l) => l === SUBMITTER_LOOKALIKE);
}

function registrable(host: string): string {
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

/** Clustering features of sanitized indicators and the sanitized subject. */
export function clusterFeaturesOf(indicators: readonly CandidateIndicator[], subject: string | null, placeholders: readonly string[]): ClusterFeature[] {
  const out = new Map<string, ClusterFeature>();
  const add = (f: ClusterFeature) => out.set(`${f.type}\u0000${f.value}`, f);
  for (const c of indicators) {
    if (!links(c)) continue;
    const fields = new Set(c.origins.map((o) => o.field));
    if ((c.type === 'ipv4-addr' || c.type === 'ipv6-addr') && fields.has('received')) add({ type: 'sender-ip', value: c.value });
    if (c.kind === 'mail' && (c.type === 'domain-name' || c.type === 'email-message-id-domain')) add({ type: 'sender-domain', value: registrable(c.value) });
    if (c.kind === 'network' && c.type === 'domain-name') add({ type: 'url-host', value: registrable(c.value) });
    if (c.kind === 'network' && (c.type === 'ipv4-addr' || c.type === 'ipv6-addr')) add({ type: 'url-host', value: c.value });
    if (c.type === 'file-sha256' && (fields.has('attachment') || fields.has('member'))) add({ type: 'attachment-sha256', value: c.value });
  }
  const template = subjectTemplate(subject, placeholders);
  if (template) add({ type: 'subject-template', value: template });
  return [...out.values()];
}

/** Who the original was addressed to, as far as targeting goes. */
export interface RecipientProfile {
  /** Distinct recipient addresses named in the header (To, Cc, Bcc, Delivered-To, …). */
  readonly count: number;
  /** Of those, recipients addressed as a person: a display name, or a non-generic local part. */
  readonly named: number;
  /** To is empty or `undisclosed-recipients`, or the mailbox it was delivered to is in neither To nor Cc (Bcc). */
  readonly undisclosed: boolean;
}

export function recipientProfileOf(headers: Pick<OriginalHeaders, 'to' | 'cc' | 'raw'>, genericLocalParts: readonly string[]): RecipientProfile {
  const generic = new Set(genericLocalParts.map(fold));
  const all = recipientsOf(headers).filter((a) => a.address.includes('@'));
  const byAddress = new Map(all.map((a) => [fold(a.address), a] as const));
  const named = [...byAddress.values()].filter((a) => a.name.trim() !== '' || !generic.has(fold(a.address.slice(0, a.address.lastIndexOf('@'))))).length;
  const visible = new Set([...headers.to, ...headers.cc].map((a) => fold(a.address)).filter((a) => a.includes('@')));
  const delivered = headers.raw.filter((h) => h.name === 'delivered-to' || h.name === 'x-original-to').map((h) => fold(h.value.replace(/[<>\s]/g, '')));
  const undisclosed =
    visible.size === 0 || headers.to.some((a) => /undisclosed|recipients/i.test(a.name)) || delivered.some((d) => d.includes('@') && !visible.has(d));
  return { count: byAddress.size, named, undisclosed };
}
