// The technical listing of 7-Zip (`7zz l -slt`): one block of `Key = value` lines per entry after
// the `----------` line; the block before it describes the archive. Pure: text in, entries out.

export interface ListedEntry {
  /** Path inside the archive as stored ('' for single-stream formats such as xz and bzip2). */
  readonly path: string;
  readonly folder: boolean;
  /** Declared size, or null when the format does not say (bzip2). */
  readonly size: number | null;
  /** Packed size, or null when not given per entry (solid blocks). */
  readonly packedSize: number | null;
  readonly encrypted: boolean;
}

export interface Listing {
  /** 7-Zip's name of the format (`7z`, `Rar5`, `Iso`, `Udf`, `FAT`, `Cab`, `Lzh`, `tar`, `xz`…). */
  readonly type: string | null;
  readonly entries: readonly ListedEntry[];
}

function blocks(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z][A-Za-z ]*?) = (.*)$/.exec(line);
    if (!m) {
      if (current && current.size) out.push(current);
      current = null;
      continue;
    }
    current ??= new Map();
    current.set(m[1]!, m[2]!);
  }
  if (current && current.size) out.push(current);
  return out;
}

function num(v: string | undefined): number | null {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

export function parseListing(output: string): Listing {
  const sep = output.indexOf('\n----------\n');
  const head = sep >= 0 ? output.slice(0, sep) : output;
  const body = sep >= 0 ? output.slice(sep + 12) : '';
  const archive = blocks(head)
    .reverse()
    .find((b) => b.has('Type'));
  const entries = blocks(body).map((b) => ({
    path: b.get('Path') ?? '',
    folder: b.get('Folder') === '+' || (b.get('Attributes') ?? '').startsWith('D'),
    size: num(b.get('Size')),
    packedSize: num(b.get('Packed Size')),
    encrypted: b.get('Encrypted') === '+',
  }));
  return { type: archive?.get('Type') ?? null, entries };
}

/** 7-Zip's error lines (`ERROR: …`, `Can not open …`), for the analyst. */
export function errorLines(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(ERROR|WARNING|Can ?not|Cannot|Wrong password|Data Error|CRC Failed|Unsupported|Headers Error)/i.test(l) || /Wrong password/i.test(l))
    .slice(0, 5);
}
