// Recall against the reference: sender domains of non-warning-listed senders, URL hosts and full
// URLs, each looked for among the indicators published for that submission (analyst's view of
// the submission) and anywhere on the widest published surface (the participant feed). URLs that
// carry the planted identity are compared with the identity replaced by a wildcard, and counted
// apart; warning-listed hosts alone are not expected, full URLs with a path on them are.
import type { MailPlan } from './plan.ts';
import type { RefMail } from './reference.ts';
import { canonicalUrl, carriesIdentity, hostOf, identityForms, redactedPattern } from './url-canon.ts';
import { PARTICIPANTS } from './identities.ts';

export interface PublishedSet {
  readonly hosts: ReadonlySet<string>;
  readonly senderDomains: ReadonlySet<string>;
  readonly urls: ReadonlySet<string>;
  readonly urlList: readonly string[];
}

export function publishedSetOf(items: readonly { readonly type: string; readonly value: string }[]): PublishedSet {
  const hosts = new Set<string>();
  const senderDomains = new Set<string>();
  const urls = new Set<string>();
  for (const { type, value } of items) {
    const v = value.toLowerCase();
    if (type === 'domain-name' || type === 'ipv4-addr' || type === 'ipv6-addr') {
      hosts.add(v);
      senderDomains.add(v);
    } else if (type === 'email-addr') senderDomains.add(v.slice(v.lastIndexOf('@') + 1));
    else if (type === 'url') {
      const c = canonicalUrl(value);
      if (c) urls.add(c);
      const h = hostOf(value);
      if (h) hosts.add(h);
    }
  }
  return { hosts, senderDomains, urls, urlList: [...urls] };
}

export interface Measure {
  expected: number;
  found: number;
  misses: { mail: string; item: string; note?: string }[];
}

export interface MailRecall {
  readonly senders: Measure;
  readonly hosts: Measure;
  readonly urls: Measure;
  readonly identityUrls: Measure;
}

const emptyMeasure = (): Measure => ({ expected: 0, found: 0, misses: [] });
export const emptyRecall = (): MailRecall => ({ senders: emptyMeasure(), hosts: emptyMeasure(), urls: emptyMeasure(), identityUrls: emptyMeasure() });

function participantHost(host: string): boolean {
  return PARTICIPANTS.some((o) => host === o.domain || host.endsWith('.' + o.domain));
}

function count(m: Measure, ok: boolean, plan: MailPlan, item: string, note?: string): void {
  m.expected++;
  if (ok) m.found++;
  else m.misses.push({ mail: plan.name, item, note: note ? `${plan.form}; ${note}` : plan.form });
}

/** Adds one mail's figures against one published set to `into`. */
export function measureMail(plan: MailPlan, ref: RefMail, published: PublishedSet, into: MailRecall): void {
  for (const s of ref.senders) {
    if (s.participant || s.lists.length > 0 || !s.validSuffix) continue;
    count(into.senders, published.senderDomains.has(s.domain), plan, s.domain, s.fields.join(','));
  }
  const forms = identityForms(plan.victim);
  const hosts = new Set<string>();
  const urls = new Set<string>();
  for (const u of ref.urls) {
    if (!u.validSuffix || participantHost(u.host) || u.urlLists.length > 0) continue;
    if (u.hostLists.length === 0 && !carriesIdentity(u.host, forms)) hosts.add(u.host);
    if (u.hostLists.length > 0 && !u.hasPath) continue;
    urls.add(u.url);
  }
  for (const h of hosts) count(into.hosts, published.hosts.has(h), plan, h);
  const seen = new Set<string>();
  for (const raw of urls) {
    // A scheme-relative link (`//host/path`) has no scheme of its own: either is a match.
    const candidates = (raw.startsWith('//') ? [`http:${raw}`, `https:${raw}`] : [raw]).map(canonicalUrl).filter((c): c is string => c !== null);
    const u = candidates[0];
    if (!u || seen.has(u)) continue;
    seen.add(u);
    if (carriesIdentity(u, forms) || carriesIdentity(decodeSafe(u), forms)) {
      const res = candidates.map((c) => redactedPattern(c, forms));
      count(
        into.identityUrls,
        published.urlList.some((p) => res.some((re) => re.test(p))),
        plan,
        u,
      );
    } else
      count(
        into.urls,
        candidates.some((c) => published.urls.has(c)),
        plan,
        u,
      );
  }
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function ratio(m: Measure): number {
  return m.expected === 0 ? 1 : m.found / m.expected;
}
