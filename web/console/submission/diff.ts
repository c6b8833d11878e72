// Word-level diff of a field before and after sanitization, for the analyst to see at a glance
// what was replaced: jsdiff's diffWordsWithSpace (Myers over word, punctuation and space tokens),
// so a URL shows whole path segments and query values replaced, not interleaved characters. A
// diff that would take too long (huge values) falls back to the common prefix and suffix with
// one changed middle.
import { diffWordsWithSpace } from 'diff';

export type DiffOp = 'same' | 'del' | 'ins';
export interface DiffPart {
  readonly op: DiffOp;
  readonly text: string;
}

/** Milliseconds jsdiff may spend on one field before the prefix/suffix fallback. */
const DIFF_TIMEOUT_MS = 50;

function push(out: DiffPart[], op: DiffOp, text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.op === op) out[out.length - 1] = { op, text: last.text + text };
  else out.push({ op, text });
}

function prefixSuffix(before: string, after: string): DiffPart[] {
  const a = [...before];
  const b = [...after];
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const out: DiffPart[] = [];
  push(out, 'same', a.slice(0, p).join(''));
  push(out, 'del', a.slice(p, a.length - s).join(''));
  push(out, 'ins', b.slice(p, b.length - s).join(''));
  push(out, 'same', a.slice(a.length - s).join(''));
  return out;
}

export function diffText(before: string, after: string): DiffPart[] {
  const changes = diffWordsWithSpace(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) return prefixSuffix(before, after);
  const out: DiffPart[] = [];
  // Deletions before insertions within one change, so a replacement reads "old → new".
  let pendingIns = '';
  for (const c of changes) {
    if (c.added) pendingIns += c.value;
    else if (c.removed) push(out, 'del', c.value);
    else {
      push(out, 'ins', pendingIns);
      pendingIns = '';
      push(out, 'same', c.value);
    }
  }
  push(out, 'ins', pendingIns);
  return mergeSmallGaps(out);
}

/**
 * One redaction reads as one change: a short unchanged run of punctuation between two changes
 * (the `.` in `taro@rail.example` → `victim%40example.invalid`) joins them.
 */
function mergeSmallGaps(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    push(out, 'del', del);
    push(out, 'ins', ins);
    del = ins = '';
  };
  parts.forEach((p, i) => {
    if (p.op === 'del') del += p.text;
    else if (p.op === 'ins') ins += p.text;
    else if ((del || ins) && i < parts.length - 1 && /^[^\s\p{L}\p{N}]{1,3}$/u.test(p.text)) {
      del += p.text;
      ins += p.text;
    } else {
      flush();
      push(out, 'same', p.text);
    }
  });
  flush();
  return out;
}
