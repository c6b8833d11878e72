// Facts about zip-based files: encrypted entries, and for Office Open XML documents (.docx/.docm,
// .xlsx/.xlsm, .pptx/.pptm…) a VBA project (`vbaProject.bin`) and relationships to external
// targets (a remote template — the classic template-injection lure —, linked OLE objects, frames,
// external workbooks). Read with @zip.js/zip.js, relationship parts only, each capped.
import { ZipReader, Uint8ArrayReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import { cappedSink } from '../archives/capped-sink.ts';
import { ZIP_OPTIONS } from '../archives/zip.ts';

export interface ZipFacts {
  readonly encrypted: boolean;
  readonly ooxml: boolean;
  readonly macros: boolean;
  readonly externalLinks: readonly string[];
}

/** Relationship types (last path segment of the Type URI) whose external target is loaded or run. */
const LINK_TYPES = new Set(['attachedTemplate', 'oleObject', 'frame', 'subDocument', 'externalLinkPath', 'externalLink', 'package']);
const MAX_RELS_PARTS = 200;
const MAX_RELS_BYTES = 1024 * 1024;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/gi, (whole, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? whole;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out.set(m[1]!, decodeXml(m[2] ?? m[3] ?? ''));
  return out;
}

/** External targets of the loaded/run kinds in one relationships part. */
export function externalTargets(relsXml: string): string[] {
  const out: string[] = [];
  for (const m of relsXml.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const attrs = attributes(m[1]!);
    if ((attrs.get('TargetMode') ?? '').toLowerCase() !== 'external') continue;
    const type = (attrs.get('Type') ?? '').split('/').pop() ?? '';
    const target = attrs.get('Target');
    if (LINK_TYPES.has(type) && target) out.push(target);
  }
  return out;
}

const isFile = (e: Entry): e is FileEntry => !e.directory;

export async function zipFacts(content: Buffer): Promise<ZipFacts | null> {
  const reader = new ZipReader(new Uint8ArrayReader(content), ZIP_OPTIONS);
  try {
    const entries = (await reader.getEntries()).filter(isFile);
    const encrypted = entries.some((e) => e.encrypted);
    const ooxml = entries.some((e) => e.filename === '[Content_Types].xml');
    const macros = ooxml && entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.filename));
    const externalLinks: string[] = [];
    if (ooxml) {
      const rels = entries.filter((e) => e.filename.endsWith('.rels') && !e.encrypted).slice(0, MAX_RELS_PARTS);
      for (const part of rels) {
        const sink = cappedSink(MAX_RELS_BYTES);
        const xml = await part.getData(sink.writable, ZIP_OPTIONS).then(
          () => sink.content().toString('utf8'),
          () => '',
        );
        for (const t of externalTargets(xml)) if (!externalLinks.includes(t)) externalLinks.push(t);
      }
    }
    return { encrypted, ooxml, macros, externalLinks };
  } catch {
    return null; // not a readable zip: the archive stage says why
  } finally {
    await reader.close().catch(() => undefined);
  }
}
