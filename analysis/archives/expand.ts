// Archives found among a submission's files are opened, and archives inside them, depth first,
// within the limits: depth, members and bytes (one budget for the whole submission, so nesting
// cannot multiply them) and compression ratio. Every file comes out with what opening it gave.
import { sha256Hex } from '../../quarantine/hashes.ts';
import type { ArchiveOutcome, FoundFile } from '../types.ts';
import { detectType } from '../files/detect-type.ts';
import { openGzip } from './gzip.ts';
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

type ArchiveKind = 'zip' | 'gzip' | 'ooxml';

/** Office Open XML documents (zips): analysed as documents, only their binary parts come out. */
const OOXML = new Set(['docx', 'docm', 'dotx', 'dotm', 'xlsx', 'xlsm', 'xltx', 'xltm', 'xlam', 'pptx', 'pptm', 'potx', 'potm', 'ppsx', 'ppsm', 'ppam']);

/**
 * The parts of an Office document worth scanning on their own: the VBA project (its module
 * names and source stay compressed inside the document), embedded and ActiveX objects.
 */
export function isOfficeBinaryPart(name: string): boolean {
  return /(^|\/)vbaProject\.bin$/i.test(name) || /\/embeddings\/[^/]+$/i.test(name) || /\/activeX\/[^/]+\.bin$/i.test(name);
}

/** Archives we open: zips, gzip, and the binary parts of Office documents. */
export async function archiveKind(content: Buffer): Promise<ArchiveKind | null> {
  const detected = await detectType(content);
  if (detected?.ext === 'zip') return 'zip';
  if (detected?.ext === 'gz') return 'gzip';
  if (detected && OOXML.has(detected.ext)) return 'ooxml';
  return null;
}

function open(kind: ArchiveKind, file: FoundFile, passwords: readonly string[], limits: ArchiveLimits, budget: ExpansionBudget): Promise<Opened> {
  switch (kind) {
    case 'zip':
      return openZip(file.content, passwords, limits, budget);
    case 'ooxml':
      return openZip(file.content, [], limits, budget, isOfficeBinaryPart);
    case 'gzip':
      return openGzip(file.content, file.declaredName ?? file.path[file.path.length - 1] ?? null, limits, budget);
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
    const plainDocument = kind === 'ooxml' && opened.outcome.kind === 'expanded' && opened.members.length === 0;
    out.push({ file, sha256, archive: plainDocument ? null : opened.outcome, warnings: opened.warnings });
    for (const m of opened.members) {
      const member: FoundFile = { content: m.content, role: 'member', declaredName: m.name, declaredType: null, path: [...file.path, m.name], parentSha256: sha256 };
      await visit(member, level + 1);
    }
  }

  for (const f of files) await visit(f, 0);
  return out;
}
