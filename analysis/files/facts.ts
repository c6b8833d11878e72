// Static facts about one file, from its bytes: the three hashes in one pass, the type detected
// from content, whether the declared name/type disagrees, and the flags of Office documents,
// PDFs and encrypted zips.
import { hashBuffer } from '../../quarantine/hashes.ts';
import type { FileFacts, FileFlags, FoundFile } from '../types.ts';
import { detectType, typeMismatch, type DetectedType } from './detect-type.ts';
import { ole2Facts } from './ole2.ts';
import { zipFacts } from './ooxml.ts';
import { looksLikePdf, pdfFacts } from './pdf.ts';

/** Extensions file-type gives zip-based files (documents, packages, plain zips). */
const ZIP_BASED = new Set([
  'zip',
  'docx',
  'docm',
  'dotx',
  'dotm',
  'xlsx',
  'xlsm',
  'xltx',
  'xltm',
  'xlam',
  'pptx',
  'pptm',
  'potx',
  'potm',
  'ppsx',
  'ppsm',
  'ppam',
  'jar',
  'apk',
]);

async function flagsOf(content: Buffer, detected: DetectedType | null): Promise<Omit<FileFlags, 'typeMismatch'>> {
  const ext = detected?.ext ?? null;
  if (ext !== null && ZIP_BASED.has(ext)) {
    const z = await zipFacts(content);
    if (!z) return {};
    return {
      ...(z.ooxml ? { macros: z.macros } : {}),
      ...(z.externalLinks.length ? { externalLinks: z.externalLinks } : {}),
      ...(z.encrypted ? { encrypted: true } : {}),
    };
  }
  if (ext === 'cfb') {
    const o = ole2Facts(content);
    if (!o) return {};
    return { macros: o.macros, ...(o.externalLinks.length ? { externalLinks: o.externalLinks } : {}), ...(o.encrypted ? { encrypted: true } : {}) };
  }
  if (ext === 'pdf' || (ext === null && looksLikePdf(content))) {
    const p = pdfFacts(content);
    return { pdfJavaScript: p.javaScript, pdfOpenAction: p.openAction, ...(p.encrypted ? { encrypted: true } : {}) };
  }
  return {};
}

export async function fileFacts(file: Pick<FoundFile, 'content' | 'declaredName' | 'declaredType'>): Promise<FileFacts> {
  const { content } = file;
  const hashes = hashBuffer(content);
  const detected = await detectType(content);
  const flags: FileFlags = {
    ...(await flagsOf(content, detected)),
    ...(typeMismatch(file.declaredName, file.declaredType, detected) ? { typeMismatch: true } : {}),
  };
  return { ...hashes, size: content.length, detectedType: detected?.mime ?? null, detectedExt: detected?.ext ?? null, flags };
}
