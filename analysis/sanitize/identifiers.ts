// What identifies a victim or the submitting organisation, as the sanitizer searches for it:
// victims' (addresses at registered domains, analysis/sanitize/victims.ts) and submitters'
// addresses, mailbox local parts (also without the digits and punctuation a tracker glued to them)
// and display names (whole, words joined in usual ways, and each distinctive word), the submitting
// organisation's name (and its core without legal-form words), and every organisation's registered
// domains — which also stand for every address at them (`domain`: the whole address is replaced).
import { createHash } from 'node:crypto';
import { domainToUnicode } from 'node:url';
import { domainMatcher } from '../indicators/host-match.ts';
import type { SanitizationRules } from './rules.ts';

export type IdentifierCategory = 'address' | 'name' | 'org';

export interface Identifier {
  /** Folded text searched for (NFKC, lower-case). */
  readonly text: string;
  readonly category: IdentifierCategory;
  readonly placeholder: string;
  /** Why it is protected, for the redaction record: `recipient address`, `member domain`, … */
  readonly reason: string;
  /** Matched anywhere; otherwise only between non-alphanumeric characters. */
  readonly substring: boolean;
  /**
   * A registered domain: matched also when glued to digits after it, and when it ends an address
   * (`…@[sub.]domain`) the whole address, local part included, is replaced by this placeholder.
   */
  readonly domain?: { readonly addressPlaceholder: string };
}

export interface Person {
  readonly address: string;
  readonly name: string;
  readonly role: 'victim' | 'submitter';
}

export interface IdentifierSources {
  readonly people: readonly Person[];
  /** Addresses never treated as people (the exchange's own drop addresses, e.g. `amber@…`). */
  readonly exchangeAddresses: readonly string[];
  /** Any address in these domains is the exchange's, not a person's. */
  readonly exchangeDomains: readonly string[];
  readonly orgName: string | null;
  readonly memberDomains: readonly string[];
}

/** Folding used on both sides of every comparison: compatibility forms (full-width) and case. */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]/;
const CATEGORY_RANK: Readonly<Record<IdentifierCategory, number>> = { address: 0, name: 1, org: 2 };

/** Hex digests of a value the way trackers hash addresses (MD5, SHA-1, SHA-256 of the lower-case text). */
export function digestsOf(text: string): string[] {
  return ['md5', 'sha1', 'sha256'].map((alg) => createHash(alg).update(text).digest('hex'));
}

function nameWords(name: string): string[] {
  return fold(name)
    .replace(/[()\[\]<>"'“”「」【】/／|,、・]/g, ' ')
    .split(/[\s\u3000]+/)
    .filter((w) => w !== '');
}

export function buildIdentifiers(src: IdentifierSources, rules: SanitizationRules): Identifier[] {
  const byText = new Map<string, Identifier>();
  const genericLocal = new Set(rules.genericLocalParts.map(fold));
  const genericWords = new Set(rules.genericNameWords.map(fold));
  const exchangeDomains = domainMatcher(src.exchangeDomains);
  const exchangeList = new Set(src.exchangeAddresses.map(fold));
  const isExchange = (address: string) =>
    exchangeList.has(address) || (address.includes('@') && exchangeDomains.match(address.slice(address.lastIndexOf('@') + 1)) !== null);
  const add = (raw: string, category: IdentifierCategory, reason: string, wholeWord = false, domain = false) => {
    const text = fold(raw).trim();
    const length = [...text].length;
    if (length < (CJK.test(text) ? rules.minLength.cjk : rules.minLength.latin)) return;
    const placeholder = rules.placeholders[category];
    const substring = !wholeWord && (length >= rules.substringMinLength || CJK.test(text));
    const id: Identifier = {
      text,
      category,
      placeholder,
      reason,
      substring,
      ...(domain ? { domain: { addressPlaceholder: rules.placeholders.address } } : {}),
    };
    const known = byText.get(text);
    if (!known || CATEGORY_RANK[category] < CATEGORY_RANK[known.category]) byText.set(text, id);
  };

  for (const p of src.people) {
    const address = fold(p.address.trim());
    if (isExchange(address)) continue;
    if (address.includes('@')) {
      add(address, 'address', `${p.role} address`);
      const local = address.slice(0, address.lastIndexOf('@'));
      // A tracker may glue digits to the address it was built from (`300yamada.taro`): the local
      // part without them is protected too.
      const bare = local.replace(/^[\d._%+-]+|[\d._%+-]+$/g, '');
      for (const l of new Set([local, bare])) if (l && !genericLocal.has(l)) add(l, 'name', `${p.role} local part`);
    }
    if (p.name.includes('@')) {
      if (!isExchange(fold(p.name.trim()))) add(p.name, 'address', `${p.role} address`);
      continue;
    }
    const words = nameWords(p.name).filter((w) => !genericWords.has(w));
    if (words.length === 0) continue;
    add(words.join(' '), 'name', `${p.role} display name`);
    if (words.length > 1 && words.length <= 4) {
      const orders = words.length === 2 ? [words, [...words].reverse()] : [words];
      for (const order of orders) for (const sep of ['', ' ', '.', '_', '-', '+']) add(order.join(sep), 'name', `${p.role} display name`);
      for (const w of words) add(w, 'name', `${p.role} display name part`);
    }
  }
  if (src.orgName) {
    add(src.orgName, 'org', 'organisation name');
    let core = fold(src.orgName);
    for (const affix of rules.orgNameAffixes.map(fold)) core = core.split(affix).join(' ');
    add(core.replace(/\s+/g, ' ').trim(), 'org', 'organisation name');
  }
  // A domain is matched as a whole (`notcorp.example` is another domain), wherever it stands.
  for (const d of src.memberDomains) {
    add(d, 'org', 'member domain', true, true);
    const unicode = domainToUnicode(d);
    if (unicode && unicode !== d) add(unicode, 'org', 'member domain', true, true);
  }
  return [...byText.values()].sort((a, b) => b.text.length - a.text.length);
}
