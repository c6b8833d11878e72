// Archives found among a submission's files are opened, and archives inside them, depth first,
// within the limits: depth, members and bytes (one budget for the whole submission, so nesting
// cannot multiply them) and compression ratio. Every file comes out with what opening it gave.
import { sha256Hex } from '../../quarantine/hashes.ts';
import type { ArchiveOutcome, FoundFile } from '../types.ts';
import { detectType } from '../files/detect-type.ts';
import { sevenZipFormat, unsupportedFormat, type SevenZipFormat } from './formats.ts';
import { openGzip } from './gzip.ts';
import { safeMemberName } from './member-name.ts';
import { openSevenZip } from './seven-zip.ts';
import { budgetOf, type ArchiveLimits, type ExpansionBudget } from './limits.ts';
import { openZip, type Opened } from './zip.ts';

export interface ExpandedFile {
  readonly file: FoundFile;
  readonly sha256: string;
  /** What opening it gave; null when the file is not an archive. */
  readonly archive: ArchiveOutcome | null;
  /** Members that could not be read. */
  readonly warnings: readonly string[];
}

type ArchiveKind =
  | { readonly kind: 'zip' | 'gzip' | 'ooxml' }
  | { readonly kind: 'seven-zip'; readonly format: SevenZipFormat }
  | { readonly kind: 'unsupported'; readonly format: string };

/** Office Open XML documents (zips): analysed as documents, only their binary parts come out. */
const OOXML = new Set(['docx', 'docm', 'dotx', 'dotm', 'xlsx', 'xlsm', 'xltx', 'xltm', 'xlam', 'pptx', 'pptm', 'potx', 'potm', 'ppsx', 'ppsm', 'ppam']);

/**
 * The parts of an Office document worth scanning on their own: the VBA project (its module
 * names and source stay compressed inside the document), embedded and ActiveX objects.
 */
export function isOfficeBinaryPart(name: string): boolean {
  return /(^|\/)vbaProject\.bin$/i.test(name) || /\/embeddings\/[^/]+$/i.test(name) || /\/activeX\/[^/]+\.bin$/i.test(name);
}

/**
 * Archives we open: zips, gzip, the binary parts of Office documents, and what 7-Zip opens (7z,
 * RAR, disk images, CAB, LZH, tar, xz, bzip2…); archive formats we cannot open are `unsupported`.
 */
export async function archiveKind(content: Buffer): Promise<ArchiveKind | null> {
  const detected = await detectType(content);
  if (detected?.ext === 'zip') return { kind: 'zip' };
  if (detected?.ext === 'gz') return { kind: 'gzip' };
  if (detected && OOXML.has(detected.ext)) return { kind: 'ooxml' };
  const format = sevenZipFormat(content);
  if (format) return { kind: 'seven-zip', format };
  const unsupported = unsupportedFormat(content);
  return unsupported ? { kind: 'unsupported', format: unsupported } : null;
}

async function open(kind: ArchiveKind, file: FoundFile, passwords: readonly string[], limits: ArchiveLimits, budget: ExpansionBudget): Promise<Opened> {
  const name = file.declaredName ?? file.path[file.path.length - 1] ?? null;
  switch (kind.kind) {
    case 'zip':
      return openZip(file.content, passwords, limits, budget);
    case 'ooxml':
      return openZip(file.content, [], limits, budget, isOfficeBinaryPart);
    case 'gzip':
      return openGzip(file.content, name, limits, budget);
    case 'seven-zip':
      return openSevenZip(file.content, kind.format, name, passwords, limits, budget);
    case 'unsupported':
      return { outcome: { kind: 'unsupported', format: kind.format }, members: [], warnings: [] };
  }
}

/**
 * The files and, after each archive, its members (role `member`, path extended, parent's
 * SHA-256). `passwords` are the PPAP candidates, tried in order on encrypted zips.
 */
export async function expandArchives(files: readonly FoundFile[], passwords: readonly string[], limits: ArchiveLimits): Promise<ExpandedFile[]> {
  const budget = budgetOf(limits);
  const out: ExpandedFile[] = [];

  async function visit(file: FoundFile, level: number): Promise<void> {
    const sha256 = sha256Hex(file.content);
    const kind = await archiveKind(file.content);
    if (!kind) {
      out.push({ file, sha256, archive: null, warnings: [] });
      return;
    }
    if (level >= limits.maxArchiveDepth) {
      out.push({ file, sha256, archive: { kind: 'too-deep', depth: level + 1 }, warnings: [] });
      return;
    }
    const opened = await open(kind, file, passwords, limits, budget);
    // An Office document without binary parts was not an archive for the analyst.
    const plainDocument = kind.kind === 'ooxml' && opened.outcome.kind === 'expanded' && opened.members.length === 0;
    out.push({ file, sha256, archive: plainDocument ? null : opened.outcome, warnings: opened.warnings });
    for (const m of opened.members) {
      // The stored name is kept as declared (a traversal name is evidence); the path is made safe.
      const member: FoundFile = {
        content: m.content,
        role: 'member',
        declaredName: m.name,
        declaredType: null,
        path: [...file.path, safeMemberName(m.name)],
        parentSha256: sha256,
      };
      await visit(member, level + 1);
    }
  }

  for (const f of files) await visit(f, 0);
  return out;
}
