// What must never be published, per planted victim: the address, its local part (4+ characters),
// the display name and its distinctive words (2+ CJK or 4+ Latin characters that occur nowhere in
// the unplanted corpus), the organisation's registered domain (as a substring) and its name.
import type { OrgSpec, Victim } from './identities.ts';

export type IdentifierKind = 'address' | 'local part' | 'display name' | 'name word' | 'org domain' | 'org name';

export interface Identifier {
  readonly kind: IdentifierKind;
  /** Lower-case, NFKC. */
  readonly text: string;
  readonly owner: string;
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/;

function norm(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

function words(name: string): string[] {
  return name.split(/[\s\-_.]+/).filter((w) => (CJK.test(w) ? w.length >= 2 : w.length >= 4));
}

export interface IdentifierSet {
  readonly identifiers: readonly Identifier[];
  /** Name words left out because the unplanted corpus already contains them. */
  readonly notDistinctive: readonly string[];
}

export function identifiersOf(victims: readonly Victim[], orgs: readonly OrgSpec[], corpusText: string): IdentifierSet {
  const out = new Map<string, Identifier>();
  const notDistinctive: string[] = [];
  const add = (kind: IdentifierKind, text: string, owner: string) => {
    const t = norm(text);
    if (!out.has(t)) out.set(t, { kind, text: t, owner });
  };
  for (const v of victims) {
    add('address', v.address, v.address);
    if (v.local.length >= 4) add('local part', v.local, v.address);
    add('display name', v.displayName, v.address);
    add('display name', v.displayName.replace(/\s+/g, ''), v.address);
    for (const w of words(v.displayName)) {
      if (corpusText.includes(norm(w))) notDistinctive.push(w);
      else add('name word', w, v.address);
    }
  }
  for (const o of orgs) {
    add('org domain', o.domain, o.name);
    add('org name', o.name, o.name);
  }
  return { identifiers: [...out.values()], notDistinctive };
}
