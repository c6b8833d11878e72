// The sharing class of each kind of information in a submission (DESIGN.md §1). Pure.
//
// Sources, highest precedence first; per kind, a kind a source does not set falls through:
//  1. directive lines in the forwarding note: `C4TAP-Class: AMBER`,
//     `C4TAP-Class: network=GREEN file=AMBER sample=RED` (case-insensitive; full-width letters and
//     the Japanese colon `：` are accepted);
//  2. subject tags: `[C4TAP:AMBER]` (same value syntax as a directive), `[TLP:AMBER]`, `TLP:AMBER`;
//  3. the drop address the mail was sent to: `amber@…`, `report+green@…`;
//  4. the organisation's default profile;
//  5. RED.
// Class words: RED, AMBER, YELLOW, GREEN, WHITE, and the TLP 2.0 labels CLEAR (= WHITE) and
// AMBER+STRICT (= AMBER), with or without a `TLP:` prefix.
// Within one source, conflicting values for a kind (two directive lines, a kind named twice,
// two subject tags, two drop addresses) resolve to the most restrictive one. A malformed value
// (unknown class word, unknown kind, empty directive) is read as RED for every kind it may have
// meant: all kinds, unless it named a known kind. Either way the decision's reason says so.
import { CLASSES, KINDS, type ClassByKind, type ClassDecision, type ClassSource, type InfoKind, type SharingClass } from '../core/types.ts';

export interface ClassInput {
  /** The forwarding note (Unwrapped.note): text the submitter wrote; null when not a forward. */
  readonly note: string | null;
  /** Subject of the received (forwarding) message. */
  readonly subject: string | null;
  /** Envelope recipients addressed to the exchange (RCPT TO). */
  readonly recipients: readonly string[];
  readonly orgDefault: Partial<ClassByKind>;
  /**
   * Subjects of the original suspicious message(s). Tags that also appear there were written by
   * the original's sender (a phishing mail imitating a "[TLP:CLEAR]" advisory), not by the
   * submitter, and are ignored.
   */
  readonly originalSubjects?: readonly string[];
}

export interface ClassOutcome {
  readonly classes: ClassByKind;
  /** One per kind, in KINDS order. */
  readonly decisions: readonly ClassDecision[];
}

/** One reading of a directive token: a class for some kinds. */
interface Claim {
  readonly kinds: readonly InfoKind[];
  readonly class: SharingClass;
  /** Named its kind explicitly (overrides a bare class in the same unit). */
  readonly specific: boolean;
  /** The malformed text, when this claim is the RED reading of something unreadable. */
  readonly malformed: string | null;
}

/** What one source says about one kind. */
interface KindReading {
  class: SharingClass;
  readonly values: SharingClass[];
  readonly malformed: string[];
  readonly texts: Set<string>;
}

type SourceReading = Map<InfoKind, KindReading>;

const rank = (c: SharingClass): number => CLASSES.indexOf(c);
const strictest = (cs: readonly SharingClass[]): SharingClass => cs.reduce((a, b) => (rank(a) <= rank(b) ? a : b));
const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** A class word (`AMBER`, `tlp:clear`, `TLP:AMBER+STRICT`) as a class, or null. */
export function classWord(word: string): SharingClass | null {
  const w = word
    .normalize('NFKC')
    .trim()
    .toUpperCase()
    .replace(/^TLP\s*[:\-_]\s*/, '');
  if (w === 'CLEAR') return 'WHITE';
  if (w === 'AMBER+STRICT') return 'AMBER';
  return (CLASSES as readonly string[]).includes(w) ? (w as SharingClass) : null;
}

const isKind = (k: string): k is InfoKind => (KINDS as readonly string[]).includes(k);

/** Claims of a directive value: `AMBER`, `network=GREEN file=AMBER`, `TLP:CLEAR`. */
export function parseClassValue(value: string): Claim[] {
  const tokens = value
    .normalize('NFKC')
    .replace(/\s*=\s*/g, '=')
    .split(/[\s,;、]+/)
    .filter(Boolean);
  if (!tokens.length) return [{ kinds: KINDS, class: 'RED', specific: false, malformed: '(empty)' }];
  return tokens.map((token): Claim => {
    const pair = /^([^=:]+)[=:](.*)$/.exec(token);
    const kind = pair?.[1]?.toLowerCase();
    if (pair && kind !== 'tlp') {
      if (!kind || !isKind(kind)) return { kinds: KINDS, class: 'RED', specific: false, malformed: token };
      const cls = classWord(pair[2]!);
      return cls ? { kinds: [kind], class: cls, specific: true, malformed: null } : { kinds: [kind], class: 'RED', specific: true, malformed: token };
    }
    const cls = classWord(token);
    return cls ? { kinds: KINDS, class: cls, specific: false, malformed: null } : { kinds: KINDS, class: 'RED', specific: false, malformed: token };
  });
}

/**
 * Combine the units of one source (lines, tags, addresses). Inside a unit a kind named explicitly
 * overrides a bare class; malformed readings always count; across units the strictest wins.
 */
function readSource(units: ReadonlyArray<{ readonly text: string; readonly claims: readonly Claim[] }>): SourceReading {
  const reading: SourceReading = new Map();
  for (const unit of units) {
    for (const kind of KINDS) {
      const about = unit.claims.filter((c) => c.kinds.includes(kind));
      if (!about.length) continue;
      const wellFormed = about.filter((c) => !c.malformed);
      const specific = wellFormed.filter((c) => c.specific);
      const counted = specific.length ? specific : wellFormed;
      const bad = about.filter((c) => c.malformed);
      const r = reading.get(kind) ?? { class: strictest([...counted, ...bad].map((c) => c.class)), values: [], malformed: [], texts: new Set<string>() };
      r.class = strictest([r.class, ...counted.map((c) => c.class), ...bad.map((c) => c.class)]);
      for (const c of counted) r.values.push(c.class);
      for (const c of bad) r.malformed.push(c.malformed!);
      r.texts.add(unit.text);
      reading.set(kind, r);
    }
  }
  return reading;
}

const DIRECTIVE = /^\s*C4TAP[-_ ]?CLASS(?:ES)?\s*:\s*(.*)$/i;

function directiveUnits(note: string | null) {
  if (!note) return [];
  return note
    .split(/\r?\n/)
    .map((line) => DIRECTIVE.exec(line.normalize('NFKC')))
    .flatMap((m) => (m ? [{ text: m[0].trim(), claims: parseClassValue(m[1]!) }] : []));
}

interface Tag {
  readonly text: string;
  readonly claims: readonly Claim[];
}

/** Tags in a subject: bracketed `[C4TAP:…]`, `[TLP:…]` (also 【】), then bare `TLP:WORD` / `C4TAP:WORD`. */
export function subjectTags(subject: string | null): Tag[] {
  if (!subject) return [];
  const s = subject.normalize('NFKC');
  const tags: Tag[] = [];
  const bracketed = /[[【]\s*(C4TAP|TLP)\s*:\s*([^\]】[【]{0,200}?)\s*[\]】]/gi;
  const rest = s.replace(bracketed, (whole, name: string, value: string) => {
    const claims = name.toUpperCase() === 'TLP' ? parseClassValue(`TLP:${value.trim() || '?'}`) : parseClassValue(value);
    tags.push({ text: `[${name.toUpperCase()}:${value.trim().toUpperCase()}]`, claims });
    return ' ';
  });
  for (const m of rest.matchAll(/(?<![\w-])(C4TAP|TLP)\s*:\s*([^\s\])】]+)/gi)) {
    const name = m[1]!.toUpperCase();
    const value = m[2]!;
    tags.push({ text: `[${name}:${value.toUpperCase()}]`, claims: parseClassValue(name === 'TLP' ? `TLP:${value}` : value) });
  }
  return tags;
}

/** Subject tags minus those that also appear in the original subjects (counted, not just matched). */
function submitterTags(subject: string | null, originals: readonly string[]): { tags: Tag[]; ignored: string[] } {
  const fromOriginal = originals.flatMap((o) => subjectTags(o).map((t) => t.text));
  const tags: Tag[] = [];
  const ignored: string[] = [];
  for (const tag of subjectTags(subject)) {
    const i = fromOriginal.indexOf(tag.text);
    if (i >= 0) {
      fromOriginal.splice(i, 1);
      ignored.push(tag.text);
    } else {
      tags.push(tag);
    }
  }
  return { tags, ignored };
}

function dropAddressUnits(recipients: readonly string[]) {
  return recipients.flatMap((rcpt) => {
    const at = rcpt.lastIndexOf('@');
    const local = (at > 0 ? rcpt.slice(0, at) : rcpt).normalize('NFKC').toLowerCase();
    const plus = local.indexOf('+');
    const word = plus >= 0 ? local.slice(plus + 1).replace(/[-_]strict$/, '+strict') : local;
    if (plus < 0 && !classWord(word)) return [];
    const cls = classWord(word);
    const claims: Claim[] = [
      cls ? { kinds: KINDS, class: cls, specific: false, malformed: null } : { kinds: KINDS, class: 'RED', specific: false, malformed: rcpt },
    ];
    return [{ text: rcpt, claims }];
  });
}

const NOUN: Readonly<Record<'directive' | 'subject-tag' | 'drop-address', [string, string]>> = {
  directive: ['directive', 'directives'],
  'subject-tag': ['subject tag', 'subject tags'],
  'drop-address': ['drop address', 'drop addresses'],
};

function reasonFor(source: 'directive' | 'subject-tag' | 'drop-address', r: KindReading): string {
  const [one, many] = NOUN[source];
  const where = source === 'directive' ? ' in the forwarding note' : '';
  const parts: string[] = [];
  const distinct = unique(r.values);
  if (r.malformed.length)
    parts.push(
      `malformed ${one} (${unique(r.malformed)
        .slice(0, 5)
        .map((m) => `"${m.slice(0, 80)}"`)
        .join(', ')}) read as RED`,
    );
  if (distinct.length > 1) parts.push(`conflicting ${many} (${distinct.join(', ')}); most restrictive kept`);
  if (!parts.length)
    parts.push(
      `${one} ${[...r.texts]
        .slice(0, 5)
        .map((t) => `"${t.slice(0, 120)}"`)
        .join(', ')}${where}`,
    );
  return `${parts.join('; ')}: ${r.class}`;
}

/**
 * Decide the class of each kind. Pure: same input, same output.
 * The SMTP ingest passes the note and original subjects from unwrapForward, the received subject,
 * the envelope recipients and the organisation's default profile.
 */
export function decideClasses(input: ClassInput): ClassOutcome {
  const { tags, ignored } = submitterTags(input.subject, input.originalSubjects ?? []);
  const sources: ReadonlyArray<readonly ['directive' | 'subject-tag' | 'drop-address', SourceReading]> = [
    ['directive', readSource(directiveUnits(input.note))],
    ['subject-tag', readSource(tags)],
    ['drop-address', readSource(dropAddressUnits(input.recipients))],
  ];
  const ignoredNote = ignored.length ? ` (ignored ${ignored.join(', ')}: also in the original message's subject)` : '';
  const decisions = KINDS.map((kind): ClassDecision => {
    for (const [source, reading] of sources) {
      const r = reading.get(kind);
      const note = source === 'drop-address' ? ignoredNote : '';
      if (r) return { kind, class: r.class, source, reason: reasonFor(source, r) + note };
    }
    const fallback: ClassSource = input.orgDefault[kind] ? 'org-default' : 'default';
    const cls = input.orgDefault[kind] ?? 'RED';
    const reason = fallback === 'org-default' ? `organisation default profile: ${cls}` : 'no class given: RED by default';
    return { kind, class: cls, source: fallback, reason: reason + ignoredNote };
  });
  const classes = Object.fromEntries(decisions.map((d) => [d.kind, d.class])) as Record<InfoKind, SharingClass>;
  return { classes, decisions };
}
