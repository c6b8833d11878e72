// Character diff of a field before and after sanitization, for the analyst to see at a glance
// what was replaced. Longest common subsequence over characters (code points); for very long
// values, where that would be slow, the common prefix and suffix with one changed middle.
export type DiffOp = 'same' | 'del' | 'ins';
export interface DiffPart {
  readonly op: DiffOp;
  readonly text: string;
}

const MAX_CELLS = 400_000;

function push(out: DiffPart[], op: DiffOp, text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.op === op) out[out.length - 1] = { op, text: last.text + text };
  else out.push({ op, text });
}

function prefixSuffix(a: readonly string[], b: readonly string[]): DiffPart[] {
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
  const a = [...before];
  const b = [...after];
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) return prefixSuffix(a, b);
  const w = b.length + 1;
  // lcs[i*w + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push(out, 'same', a[i]!);
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) {
      push(out, 'del', a[i++]!);
    } else {
      push(out, 'ins', b[j++]!);
    }
  }
  push(out, 'del', a.slice(i).join(''));
  push(out, 'ins', b.slice(j).join(''));
  return out;
}
