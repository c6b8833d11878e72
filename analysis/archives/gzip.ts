// Gzip files with node:zlib: the trailer's declared size is checked before, and zlib's
// maxOutputLength stops the inflater itself once the budget is spent (declared sizes lie; ISIZE is
// even modulo 2^32).
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { ratioProblem, type ArchiveLimits, type ExpansionBudget } from './limits.ts';
import type { Opened } from './zip.ts';

const gunzipAsync = promisify(gunzip);

const FEXTRA = 0x04;
const FNAME = 0x08;

/** The original file name stored in the gzip header (FNAME), if any. */
export function gzipStoredName(content: Buffer): string | null {
  if (content.length < 10 || content[0] !== 0x1f || content[1] !== 0x8b) return null;
  const flags = content[3]!;
  if (!(flags & FNAME)) return null;
  let pos = 10;
  if (flags & FEXTRA) pos += 2 + content.readUInt16LE(pos);
  const end = content.indexOf(0, pos);
  if (end < 0 || end - pos > 1024) return null;
  return content.subarray(pos, end).toString('latin1') || null;
}

/** The member's name: the stored name, else the archive's name without `.gz` (`.tgz` → `.tar`). */
export function gzipMemberName(content: Buffer, archiveName: string | null): string {
  const stored = gzipStoredName(content);
  if (stored) return stored;
  const base = (archiveName ?? '').replace(/^.*[\\/]/, '');
  if (/\.tgz$/i.test(base)) return base.slice(0, -4) + '.tar';
  if (/\.gz$/i.test(base) && base.length > 3) return base.slice(0, -3);
  return base ? `${base}.out` : 'gzip-member';
}

export async function openGzip(content: Buffer, archiveName: string | null, limits: ArchiveLimits, budget: ExpansionBudget): Promise<Opened> {
  if (budget.membersLeft < 1) return { outcome: { kind: 'too-many-members', members: 1 }, members: [], warnings: [] };
  const declared = content.length >= 18 ? content.readUInt32LE(content.length - 4) : 0;
  if (declared > budget.bytesLeft) {
    return {
      outcome: { kind: 'bomb', reason: `declares ${declared} bytes expanded, over the ${budget.bytesLeft} bytes left of maxExpandedBytes` },
      members: [],
      warnings: [],
    };
  }
  const declaredRatio = ratioProblem('gzip member', declared, content.length, limits);
  if (declaredRatio) return { outcome: { kind: 'bomb', reason: `declared ${declaredRatio}` }, members: [], warnings: [] };
  let data: Buffer;
  try {
    data = await gunzipAsync(content, { maxOutputLength: Math.max(1, budget.bytesLeft) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return { outcome: { kind: 'bomb', reason: 'expanding beyond the bytes left of maxExpandedBytes' }, members: [], warnings: [] };
    }
    return { outcome: { kind: 'unreadable', reason: (err as Error).message }, members: [], warnings: [] };
  }
  const measured = ratioProblem('gzip member', data.length, content.length, limits);
  if (measured) return { outcome: { kind: 'bomb', reason: measured }, members: [], warnings: [] };
  budget.bytesLeft -= data.length;
  budget.membersLeft -= 1;
  return { outcome: { kind: 'expanded', members: 1, password: null }, members: [{ name: gzipMemberName(content, archiveName), content: data }], warnings: [] };
}
