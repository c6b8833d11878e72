// The queue search's "contains, ignoring case and width": one regular expression source that both
// adapters evaluate (SQLite through a registered function, MongoDB as $regex), so they agree on
// every script. SQLite's lower() folds ASCII only, and a JavaScript /i or a server's (?i) differ in
// what they fold; here each character of the folded query (NFKC, then lower case) becomes the class
// of every character that folds to it, so `invoice` finds `ＩＮＶＯＩＣＥ`, `счёт` finds `Счёт`, and
// `カ` finds the half-width `ｶ`. The pattern uses no flag and no construct beyond literal
// characters, classes and non-capturing alternatives, which JavaScript (u), PCRE (MongoDB) and RE2
// read alike.

/** The comparison form of a text: compatibility-normalised (full-width → ASCII, ｶ → カ), lower case. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Highest code point whose folding is indexed: the BMP and the supplementary plane (math letters, enclosed). */
const LAST_INDEXED = 0x1ffff;

let variantsByFold: Map<string, string[]> | null = null;

/** Every character whose fold is exactly one character, grouped by that character (built once, ≈100 ms). */
function variants(): Map<string, string[]> {
  if (variantsByFold) return variantsByFold;
  const map = new Map<string, string[]>();
  for (let cp = 0; cp <= LAST_INDEXED; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    const folded = foldText(ch);
    if (folded === ch || [...folded].length !== 1) continue;
    const list = map.get(folded);
    if (list) list.push(ch);
    else map.set(folded, [ch]);
  }
  variantsByFold = map;
  return map;
}

const SYNTAX = /[\\^$.*+?()[\]{}|/-]/;

function literal(ch: string): string {
  return SYNTAX.test(ch) ? `\\${ch}` : ch;
}

/**
 * The regular-expression source matching any text that contains `text` when both are folded
 * character by character. Every character of the query is taken literally (`%`, `_`, `.`, `*`).
 */
export function containsPatternSource(text: string): string {
  const table = variants();
  const cls = (ch: string): string => {
    const all = [ch, ...(table.get(ch) ?? [])];
    return all.length === 1 ? literal(ch) : `[${all.map(literal).join('')}]`;
  };
  let out = '';
  for (const ch of foldText(text)) {
    // A composed character also matches its decomposed spelling (ド as ﾄﾞ or ト + U+3099, é as e + U+0301).
    const parts = [...ch.normalize('NFD')];
    out += parts.length === 1 ? cls(ch) : `(?:${cls(ch)}|${parts.map(cls).join('')})`;
  }
  return out;
}

/** A matcher for pattern sources, each compiled once (the SQLite function's cache, a few per query). */
export function patternMatcher(): (source: string, value: string | null) => boolean {
  const compiled = new Map<string, RegExp>();
  return (source, value) => {
    if (value === null) return false;
    let re = compiled.get(source);
    if (!re) {
      if (compiled.size >= 64) compiled.clear();
      re = new RegExp(source, 'u');
      compiled.set(source, re);
    }
    return re.test(value);
  };
}
