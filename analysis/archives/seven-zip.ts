// Archives and disk images opened with 7-Zip (WASM, in a worker thread; see seven-zip-engine.ts): 7z, RAR,
// ISO 9660/UDF, VHD/VHDX, FAT/NTFS/MBR images, CAB, LZH, tar, xz, bzip2, zstd, WIM, ARJ, cpio.
//
// Limits are enforced from the listing before a byte is expanded (member count, declared sizes and
// ratios), and while expanding (the writes are capped at what was declared and at what is left of
// the submission's budget). Encrypted entries (and encrypted 7z headers) get the PPAP candidates,
// at most maxPasswordsTried of them.
import type { SevenZipFormat } from './formats.ts';
import { ratioProblem, type ArchiveLimits, type ExpansionBudget } from './limits.ts';
import { errorLines, parseListing, type ListedEntry, type Listing } from './seven-zip-listing.ts';
import { runSevenZip, type SevenZipRun } from './seven-zip-engine.ts';
import type { Member, Opened } from './zip.ts';

/** Used when no candidate is tried: 7-Zip then never asks for one (no prompt, no stdin). */
const NO_PASSWORD = '-p';

const pw = (password: string | null) => (password === null ? NO_PASSWORD : `-p${password}`);
const failed = (run: SevenZipRun) => run.exitCode === null || run.exitCode >= 2;
const why = (run: SevenZipRun, fallback: string) => errorLines(run.output).join('; ') || fallback;
const looksEncrypted = (run: SevenZipRun) => /encrypted|wrong password/i.test(run.output) || (run.exitCode === null && !run.timedOut);

function list(content: Buffer, password: string | null): Promise<SevenZipRun> {
  return runSevenZip(content, ['l', '-slt', '-bd', pw(password), '--', '{in}']);
}

/** The name of a single-stream member (xz, bzip2): the archive's name without its suffix. */
export function streamMemberName(archiveName: string | null, format: SevenZipFormat): string {
  const base = (archiveName ?? '').replace(/^.*[\\/]/, '');
  const m = /^(.+)\.(t?xz|t?bz2?|tbz2|t?zst|lzma)$/i.exec(base);
  if (m) return /^t/i.test(m[2]!) && !/^tar\./i.test(base) ? `${m[1]}.tar` : m[1]!;
  return base ? `${base}.out` : `${format}-member`;
}

/** Declared sizes: refused before expanding when over the budget or a ratio. */
function declaredProblem(files: readonly ListedEntry[], archiveSize: number, limits: ArchiveLimits, budget: ExpansionBudget): string | null {
  let total = 0;
  for (const f of files) {
    total += f.size ?? 0;
    if (f.size !== null && f.packedSize !== null) {
      const ratio = ratioProblem(f.path || 'member', f.size, f.packedSize, limits);
      if (ratio) return `declared ${ratio}`;
    }
  }
  if (total > budget.bytesLeft) return `declares ${total} bytes expanded, over the ${budget.bytesLeft} bytes left of maxExpandedBytes`;
  const whole = ratioProblem('archive', total, archiveSize, limits);
  return whole ? `declared ${whole}` : null;
}

/** Lists the archive; an encrypted header gets the candidates. null listing: unreadable or locked. */
async function listWithPasswords(
  content: Buffer,
  candidates: readonly string[],
): Promise<{ listing: Listing | null; password: string | null; tried: number; error: string | null }> {
  const plain = await list(content, null);
  if (!failed(plain)) return { listing: parseListing(plain.output), password: null, tried: 0, error: null };
  if (plain.timedOut) return { listing: null, password: null, tried: 0, error: why(plain, 'listing did not finish') };
  if (!looksEncrypted(plain)) return { listing: null, password: null, tried: 0, error: why(plain, 'not an archive 7-Zip can open') };
  let tried = 0;
  for (const candidate of candidates) {
    tried++;
    const run = await list(content, candidate);
    if (!failed(run)) return { listing: parseListing(run.output), password: candidate, tried, error: null };
  }
  return { listing: null, password: null, tried, error: null };
}

function extract(content: Buffer, password: string | null, cap: number): Promise<SevenZipRun> {
  return runSevenZip(content, ['x', '-bd', '-y', '-o{out}', pw(password), '--', '{in}'], cap);
}

export async function openSevenZip(
  content: Buffer,
  format: SevenZipFormat,
  archiveName: string | null,
  passwords: readonly string[],
  limits: ArchiveLimits,
  budget: ExpansionBudget,
): Promise<Opened> {
  const candidates = passwords.filter((p) => p !== '').slice(0, limits.maxPasswordsTried);
  const listed = await listWithPasswords(content, candidates);
  if (!listed.listing) {
    return listed.error !== null
      ? { outcome: { kind: 'unreadable', reason: `${format}: ${listed.error}` }, members: [], warnings: [] }
      : { outcome: { kind: 'encrypted', triedPasswords: listed.tried }, members: [], warnings: [] };
  }
  const files = listed.listing.entries.filter((e) => !e.folder);
  if (files.length > budget.membersLeft) return { outcome: { kind: 'too-many-members', members: files.length }, members: [], warnings: [] };
  const bomb = declaredProblem(files, content.length, limits, budget);
  if (bomb) return { outcome: { kind: 'bomb', reason: bomb }, members: [], warnings: [] };

  // Never more than declared (when every size is declared) nor than the budget left.
  const declared = files.every((f) => f.size !== null) ? files.reduce((s, f) => s + f.size!, 0) : Number.MAX_SAFE_INTEGER;
  const cap = Math.min(declared, budget.bytesLeft);
  let password = listed.password;
  let tried = listed.tried;
  let run = await extract(content, password, cap);
  if (password === null && files.some((f) => f.encrypted)) {
    for (const candidate of candidates) {
      if (!failed(run) || run.capHit || run.timedOut) break;
      tried++;
      password = candidate;
      run = await extract(content, candidate, cap);
    }
    if (failed(run) && !run.capHit && !run.timedOut) return { outcome: { kind: 'encrypted', triedPasswords: tried }, members: [], warnings: [] };
  }
  const name = archiveName ?? format;
  if (run.timedOut) return { outcome: { kind: 'unreadable', reason: `${format}: ${why(run, 'extraction did not finish')}` }, members: [], warnings: [] };
  if (run.capHit) {
    const reason = cap < declared ? `${name}: expanding beyond the bytes left of maxExpandedBytes` : `${name}: expands beyond its declared ${declared} bytes`;
    return { outcome: { kind: 'bomb', reason }, members: [], warnings: [] };
  }
  const total = [...run.files.values()].reduce((s, b) => s + b.length, 0);
  const measured = ratioProblem(name, total, content.length, limits);
  if (measured) return { outcome: { kind: 'bomb', reason: measured }, members: [], warnings: [] };

  const single = files.length === 1 && files[0]!.path === '';
  const members: Member[] = [...run.files].map(([path, data]) => ({ name: single ? streamMemberName(archiveName, format) : path, content: data }));
  budget.bytesLeft -= total;
  budget.membersLeft -= members.length;
  const warnings = failed(run) || run.exitCode === 1 ? [`${name}: ${why(run, `7-Zip exit code ${run.exitCode ?? 'abort'}`)}`] : [];
  if (files.length > 0 && members.length === 0) return { outcome: { kind: 'unreadable', reason: warnings[0] ?? 'no member could be read' }, members, warnings };
  return { outcome: { kind: 'expanded', members: members.length, password }, members, warnings };
}
