// PPAP ("Password-protected zip, Password, Angouka, Protocol"): Japanese senders, and attackers who
// imitate them, send an encrypted zip and its password in the body or in a second mail. This finds
// candidate passwords in mail text, in the order they appear. Pure: text in, candidates out.
//
//   パスワード: Xk9#pQ2w        パスワード：Xk9#pQ2w      解凍パスワードは「Xk9#pQ2w」です
//   PW: Xk9#pQ2w               Password: Xk9#pQ2w        The password for the zip is: Xk9#pQ2w
//   【パスワード】                暗証番号
//   Xk9#pQ2w                   Xk9#pQ2w                  (a standalone token on the next line)
//
// Text is NFKC-normalised first, so full-width letters, digits, colons and equals signs count as
// their ASCII forms. A candidate is printable ASCII without spaces (what archivers accept from a
// keyboard in practice), so Japanese prose after a keyword ("パスワードは別途お送りします") is not
// taken for one.

/** Keywords that introduce a password; ASCII ones must stand as words ("pw" not in "pwned"). */
const KEYWORD = /(?:解凍用?|zip\s*)?(?:パスワード|パスコード|暗証番号|パス|password|passcode|passwd|pass\s*word|pwd|pw|pass)/giu;
const ASCII_WORD = /[a-z0-9]/i;
/** Opening and closing quotes and brackets around a password. */
const OPENERS = '「『"\'【[(<«“‘';
const CLOSERS = '」』"\'】])>»”’';
const TOKEN = /^[!-~]+/;
const MAX_TOKEN = 128;
/** How far after a keyword a separator (":" or "=") may stand: "Password for the attached file:". */
const SEPARATOR_WINDOW = 40;

function isAsciiKeyword(k: string): boolean {
  return /^[a-z\s]+$/i.test(k);
}

/** Keyword matches on a line that stand as words. */
function keywordsIn(line: string): { end: number }[] {
  const out: { end: number }[] = [];
  for (const m of line.matchAll(KEYWORD)) {
    const start = m.index;
    const end = start + m[0].length;
    if (isAsciiKeyword(m[0])) {
      if (start > 0 && ASCII_WORD.test(line[start - 1]!)) continue;
      if (end < line.length && /[a-z]/i.test(line[end]!)) continue;
    }
    out.push({ end });
  }
  return out;
}

/** The token a password text starts with, without surrounding quotes; null when there is none. */
function tokenAt(text: string): string | null {
  let s = text.trimStart();
  let closer: string | null = null;
  const open = OPENERS.indexOf(s[0] ?? '');
  if (open >= 0) {
    closer = CLOSERS[open]!;
    s = s.slice(1);
  }
  if (closer) {
    const end = s.indexOf(closer);
    if (end > 0) {
      const inside = s.slice(0, end);
      return /^[!-~]+$/.test(inside) && inside.length <= MAX_TOKEN ? inside : null;
    }
  }
  const m = TOKEN.exec(s);
  if (!m) return null;
  let token = m[0];
  // A closing quote or a sentence's full stop glued to the token is not part of it.
  while (token.length > 1 && (CLOSERS.includes(token[token.length - 1]!) || token.endsWith('.') || token.endsWith(','))) token = token.slice(0, -1);
  return token.length <= MAX_TOKEN ? token : null;
}

/**
 * The password written after a keyword on the same line, if any; `separated` when a ":" or "="
 * introduced it (otherwise the next line is worth a look too: "password below" / "Xk9#pQ2w").
 */
function sameLine(rest: string): { token: string | null; separated: boolean } {
  const sep = /[:=]/.exec(rest.slice(0, SEPARATOR_WINDOW));
  if (sep) return { token: tokenAt(rest.slice(sep.index + 1)), separated: true };
  // "パスワードは xxxx", "password is xxxx", "【パスワード】xxxx", "PW xxxx"
  const after = rest.replace(/^[\s\])}】』」>]*/u, '').replace(/^(?:は|is\b|です)\s*/iu, '');
  return { token: after ? tokenAt(after) : null, separated: false };
}

/** A line that is one token (a password standing alone under its keyword). */
function standalone(line: string): string | null {
  const t = line.trim();
  if (!t || /\s/.test(t)) return null;
  return tokenAt(t);
}

function addCandidate(out: string[], token: string | null): void {
  if (token && !out.includes(token)) out.push(token);
}

/**
 * Candidate passwords in these texts (note, original body, a second mail…), first found first,
 * without duplicates, at most `max`.
 */
export function ppapPasswords(texts: readonly string[], max = 50): string[] {
  const out: string[] = [];
  for (const text of texts) {
    const lines = text.normalize('NFKC').replace(/\r\n?/g, '\n').split('\n');
    for (let i = 0; i < lines.length && out.length < max; i++) {
      const line = lines[i]!;
      const keywords = keywordsIn(line);
      if (!keywords.length) continue;
      let found = false;
      for (const k of keywords) {
        const { token, separated } = sameLine(line.slice(k.end));
        if (token && !isKeywordOnly(token)) {
          addCandidate(out, token);
          found ||= separated;
        }
      }
      if (found) continue;
      // No "keyword: password" on the line: the next non-empty line may be the password alone.
      const next = lines.slice(i + 1, i + 3).find((l) => l.trim() !== '');
      if (next !== undefined && !keywordsIn(next).length) addCandidate(out, standalone(next));
    }
  }
  return out.slice(0, max);
}

/** "PW: Password" or "パスワード：PW" are labels, not passwords. */
function isKeywordOnly(token: string): boolean {
  return keywordsIn(token).length > 0 && token.replace(KEYWORD, '').replace(/[^a-z0-9]/gi, '') === '';
}
