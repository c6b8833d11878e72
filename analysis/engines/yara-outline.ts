// The top level of a YARA source: the rule names it declares and whether it has a global rule.
// Used only to share one compiled rule set between several rule files while still telling which
// file (namespace) a matching rule came from; the binding has no namespace option. Comments,
// text strings, regular expressions and rule bodies are skipped; anything unexpected at the top
// level makes the outline null, and the caller then compiles that file on its own (always safe).
// YARA's division operator is `\`, so `/` inside a body only starts a comment or a regexp.

export interface RuleFileOutline {
  readonly rules: readonly string[];
  readonly hasGlobal: boolean;
}

type Token = { readonly t: 'word'; readonly v: string } | { readonly t: 'string' | 'colon' | 'body' };

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Outline of a YARA source, or null when its top level cannot be read with certainty. */
export function outlineRules(source: string): RuleFileOutline | null {
  const tokens = topLevelTokens(source);
  if (!tokens) return null;
  const rules: string[] = [];
  let hasGlobal = false;
  let i = 0;
  const next = (): Token | undefined => tokens[i++];
  for (let tok = next(); tok; tok = next()) {
    if (tok.t === 'word' && (tok.v === 'import' || tok.v === 'include')) {
      if (next()?.t !== 'string') return null;
      continue;
    }
    while (tok?.t === 'word' && (tok.v === 'private' || tok.v === 'global')) {
      if (tok.v === 'global') hasGlobal = true;
      tok = next();
    }
    if (tok?.t !== 'word' || tok.v !== 'rule') return null;
    const name = next();
    if (name?.t !== 'word') return null;
    rules.push(name.v);
    let after = next();
    if (after?.t === 'colon') {
      after = next();
      while (after?.t === 'word') after = next();
    }
    if (after?.t !== 'body') return null;
  }
  return { rules, hasGlobal };
}

function topLevelTokens(src: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && (src[i + 1] === '/' || src[i + 1] === '*')) {
      i = skipComment(src, i);
    } else if (c === '"') {
      i = skipQuoted(src, i, '"');
      out.push({ t: 'string' });
    } else if (c === ':') {
      i++;
      out.push({ t: 'colon' });
    } else if (c === '{') {
      i = skipBody(src, i);
      out.push({ t: 'body' });
    } else {
      WORD.lastIndex = i;
      const m = WORD.exec(src);
      if (!m) return null;
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
    if (i < 0) return null;
  }
  return out;
}

/** Index after the comment starting at i (`//` or `/*`), or -1 when it never ends. */
function skipComment(src: string, i: number): number {
  if (src[i + 1] === '/') {
    const end = src.indexOf('\n', i);
    return end < 0 ? src.length : end + 1;
  }
  const end = src.indexOf('*/', i + 2);
  return end < 0 ? -1 : end + 2;
}

/** Index after a string or regexp opened by `quote` at i, honouring backslash escapes; -1 if unterminated. */
function skipQuoted(src: string, i: number, quote: string): number {
  for (let j = i + 1; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === quote) return j + 1;
    else if (c === '\n') return -1;
  }
  return -1;
}

/** Index after the `{ … }` body opened at i, nested braces (hex strings) included; -1 if unbalanced. */
function skipBody(src: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < src.length) {
    const c = src[j]!;
    if (c === '{') {
      depth++;
      j++;
    } else if (c === '}') {
      depth--;
      j++;
      if (depth === 0) return j;
    } else if (c === '"') {
      j = skipQuoted(src, j, '"');
    } else if (c === '/') {
      j = src[j + 1] === '/' || src[j + 1] === '*' ? skipComment(src, j) : skipQuoted(src, j, '/');
    } else {
      j++;
    }
    if (j < 0) return -1;
  }
  return -1;
}
