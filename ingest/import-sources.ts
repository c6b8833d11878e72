// Messages for `c4tap import`: single .eml files, mbox files (mboxrd/mboxo) and Maildirs.
// mbox files are split as bytes (never decoded: Japanese mail is often raw Shift_JIS or JIS), streamed
// so a multi-gigabyte archive is not held in memory.
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ImportedMessage {
  /** Where it came from, for the summary: `file.eml`, `archive.mbox#12`, `Maildir/cur/…`. */
  readonly origin: string;
  readonly raw: Buffer;
}

export type SourceKind = 'eml' | 'mbox' | 'maildir';

export async function detectSource(p: string): Promise<SourceKind> {
  const s = await stat(p);
  if (s.isDirectory()) return 'maildir';
  const handle = await open(p, 'r');
  try {
    const head = Buffer.alloc(5);
    const { bytesRead } = await handle.read(head, 0, 5, 0);
    return head.subarray(0, bytesRead).toString('latin1') === 'From ' ? 'mbox' : 'eml';
  } finally {
    await handle.close();
  }
}

const FROM_LINE = Buffer.from('\nFrom ');

/**
 * Removes one `>` from `>From `, `>>From `… lines (mboxrd) and the blank separator line that
 * writers put after each message (the last message may lack it).
 */
function unquote(message: Buffer, last: boolean): Buffer {
  const text = message.toString('latin1').replace(/^>(>*From )/gm, '$1');
  const separated = last ? /\r?\n\r?\n$/.test(text) : text.endsWith('\n');
  const body = separated ? text.replace(/\r?\n$/, '') : text;
  return Buffer.from(body, 'latin1');
}

/** Splits an mbox into messages; the `From ` envelope line of each is dropped. */
export async function* readMbox(file: string): AsyncGenerator<ImportedMessage> {
  let pending = Buffer.alloc(0);
  let index = 0;
  const emit = (chunk: Buffer, last: boolean): ImportedMessage | null => {
    const eol = chunk.indexOf(0x0a);
    if (eol < 0) return null;
    index++;
    return { origin: `${file}#${index}`, raw: unquote(chunk.subarray(eol + 1), last) };
  };
  for await (const data of createReadStream(file)) {
    pending = Buffer.concat([pending, data as Buffer]);
    let at: number;
    // Keep the separator's newline with the previous message's tail, start the next at "From ".
    while ((at = pending.indexOf(FROM_LINE, 1)) >= 0) {
      const msg = emit(pending.subarray(0, at + 1), false);
      if (msg) yield msg;
      pending = pending.subarray(at + 1);
    }
  }
  if (pending.length > 0) {
    const msg = emit(pending, true);
    if (msg) yield msg;
  }
}

export async function* readMaildir(dir: string): AsyncGenerator<ImportedMessage> {
  for (const sub of ['cur', 'new']) {
    let names: string[];
    try {
      names = (await readdir(path.join(dir, sub))).filter((n) => !n.startsWith('.')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, sub, name);
      yield { origin: file, raw: await readFile(file) };
    }
  }
}

export async function* readSources(paths: readonly string[]): AsyncGenerator<ImportedMessage> {
  for (const p of paths) {
    const kind = await detectSource(p);
    if (kind === 'maildir') yield* readMaildir(p);
    else if (kind === 'mbox') yield* readMbox(p);
    else yield { origin: p, raw: await readFile(p) };
  }
}
