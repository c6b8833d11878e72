// Zip archives with @zip.js/zip.js: it reads ZipCrypto and WinZip AES entries (PPAP zips use
// both), zip64, and checks CRC-32 and AES authentication codes; its decompression writes into our
// capped sink, so the declared sizes are checked before and the real output while expanding.
import iconv from 'iconv-lite';
import { ERR_INVALID_UNCOMPRESSED_SIZE, ZipReader, Uint8ArrayReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import type { ArchiveOutcome } from '../types.ts';
import { cappedSink, isCapExceeded } from './capped-sink.ts';
import { ratioProblem, type ArchiveLimits, type ExpansionBudget } from './limits.ts';
import { countMembersUpTo } from './zip-directory.ts';

export interface Member {
  readonly name: string;
  readonly content: Buffer;
}

export interface Opened {
  readonly outcome: ArchiveOutcome;
  readonly members: readonly Member[];
  /** Members that could not be read (damaged, unsupported method…), for the analyst. */
  readonly warnings: readonly string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * File names without the UTF-8 flag: UTF-8 when they decode as such (many writers omit the flag),
 * otherwise CP932, what Japanese Windows' "compressed folder" writes (zip.js would assume CP437).
 */
function decodeName(value: Uint8Array, _encoding: string, type: 'filename' | 'comment'): string | undefined {
  if (type !== 'filename') return undefined;
  try {
    return utf8.decode(value);
  } catch {
    return iconv.decode(Buffer.from(value), 'cp932');
  }
}

/** Web workers are a browser device: in Node the codecs run here (Node's DecompressionStream, zlib). */
export const ZIP_OPTIONS = { useWebWorkers: false } as const;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const isFile = (e: Entry): e is FileEntry => !e.directory;

/** Read one entry into memory, never more than `cap` bytes. */
async function readEntry(entry: FileEntry, cap: number, password: string | undefined): Promise<Buffer> {
  const sink = cappedSink(cap);
  await entry.getData(sink.writable, { ...ZIP_OPTIONS, password, checkCrc32: true });
  return sink.content();
}

/** Declared sizes: a bomb is refused before a byte is expanded. */
function declaredProblem(files: readonly FileEntry[], archiveSize: number, limits: ArchiveLimits, budget: ExpansionBudget): string | null {
  let total = 0;
  for (const f of files) {
    total += f.uncompressedSize;
    const ratio = ratioProblem(f.filename, f.uncompressedSize, f.compressedSize, limits);
    if (ratio) return `declared ${ratio}`;
  }
  if (total > budget.bytesLeft) return `declares ${total} bytes expanded, over the ${budget.bytesLeft} bytes left of maxExpandedBytes`;
  const whole = ratioProblem('archive', total, archiveSize, limits);
  return whole ? `declared ${whole}` : null;
}

/**
 * The first candidate that opens an encrypted entry, and how many were tried. The smallest entry is
 * used, so a wrong password costs little; the CRC-32 (ZipCrypto) or the authentication code (AES)
 * tells a right password from one that merely passes the quick check.
 */
async function findPassword(
  files: readonly FileEntry[],
  passwords: readonly string[],
  limits: ArchiveLimits,
  budget: ExpansionBudget,
): Promise<{ password: string | null; tried: number }> {
  const probe = files.filter((f) => f.encrypted).sort((a, b) => a.compressedSize - b.compressedSize)[0];
  if (!probe) return { password: null, tried: 0 };
  const candidates = passwords.filter((p) => p !== '').slice(0, limits.maxPasswordsTried);
  let tried = 0;
  for (const candidate of candidates) {
    tried++;
    try {
      await readEntry(probe, Math.min(probe.uncompressedSize, budget.bytesLeft), candidate);
      return { password: candidate, tried };
    } catch {
      // wrong password (or a damaged entry, which no password opens either)
    }
  }
  return { password: null, tried };
}

/**
 * Open a zip within the limits and the submission's budget (spent by the members taken). `select`
 * keeps only some entries (the binary parts of an Office document).
 */
export async function openZip(
  content: Buffer,
  passwords: readonly string[],
  limits: ArchiveLimits,
  budget: ExpansionBudget,
  select: (name: string) => boolean = () => true,
): Promise<Opened> {
  // Counted from the central directory first: a zip of 100,000 members is refused without
  // listing them (zip-directory.ts).
  const counted = countMembersUpTo(content, budget.membersLeft, select);
  if (counted !== null && counted > budget.membersLeft) {
    return { outcome: { kind: 'too-many-members', members: counted }, members: [], warnings: [] };
  }
  // Names are taken as stored (a `../../x` name is evidence, and must not make the zip unreadable);
  // expand.ts makes each member's path safe.
  const reader = new ZipReader(new Uint8ArrayReader(content), { ...ZIP_OPTIONS, decodeText: decodeName, filenameValidation: 'tolerant' });
  try {
    let entries: Entry[];
    try {
      entries = await reader.getEntries();
    } catch (err) {
      return { outcome: { kind: 'unreadable', reason: errorText(err) }, members: [], warnings: [] };
    }
    const files = entries.filter(isFile).filter((e) => select(e.filename));
    if (files.length > budget.membersLeft) {
      return { outcome: { kind: 'too-many-members', members: files.length }, members: [], warnings: [] };
    }
    const bomb = declaredProblem(files, content.length, limits, budget);
    if (bomb) return { outcome: { kind: 'bomb', reason: bomb }, members: [], warnings: [] };

    const { password, tried } = await findPassword(files, passwords, limits, budget);
    const locked = files.some((f) => f.encrypted) && password === null;
    const members: Member[] = [];
    const warnings: string[] = [];
    for (const f of files) {
      if (f.encrypted && password === null) continue;
      // Never more than declared (a lying header is a bomb) nor than the budget left.
      const cap = Math.min(f.uncompressedSize, budget.bytesLeft);
      try {
        const data = await readEntry(f, cap, f.encrypted ? password! : undefined);
        budget.bytesLeft -= data.length;
        budget.membersLeft -= 1;
        members.push({ name: f.filename, content: data });
      } catch (err) {
        if (isCapExceeded(err) || (err instanceof Error && err.message === ERR_INVALID_UNCOMPRESSED_SIZE)) {
          const reason =
            cap < f.uncompressedSize
              ? `${f.filename}: expanding beyond the bytes left of maxExpandedBytes`
              : `${f.filename}: expands beyond its declared ${f.uncompressedSize} bytes`;
          return { outcome: { kind: 'bomb', reason }, members, warnings };
        }
        warnings.push(`${f.filename}: ${errorText(err)}`);
      }
    }
    if (locked) return { outcome: { kind: 'encrypted', triedPasswords: tried }, members, warnings };
    if (files.length > 0 && members.length === 0)
      return { outcome: { kind: 'unreadable', reason: warnings[0] ?? 'no member could be read' }, members, warnings };
    return { outcome: { kind: 'expanded', members: members.length, password }, members, warnings };
  } finally {
    await reader.close().catch(() => undefined);
  }
}
