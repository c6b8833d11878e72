// Candidates from the analysed files (kind `file`): hashes, declared names, YARA rule names and
// anti-virus signature names, for attachments and archive members alike. Attachments that are
// inline images of the body (see inline-images.ts) have their hashes and names flagged
// `inline-image`: context for the analyst, withheld from publication. Their YARA and AV names
// stay unflagged: a detection on an image is a finding.
import type { FileAnalysis } from '../types.ts';
import type { CandidateSet } from './collect.ts';
import { cleanText } from './from-headers.ts';
import { INLINE_IMAGE_LIST } from './inline-images.ts';

/** Where a file sits, for the analyst: `a.zip > b.zip > c.lnk`. */
function where(f: FileAnalysis): string {
  const path = f.file.path.length > 0 ? f.file.path : [f.file.declaredName ?? '(unnamed)'];
  return path.join(' > ');
}

/**
 * @param inlineImages SHA-256 (hex) of the attachments that are inline images of the body
 */
export function fileAnalysisCandidates(set: CandidateSet, files: readonly FileAnalysis[], inlineImages: ReadonlySet<string> = new Set()): void {
  for (const f of files) {
    const origin = { field: f.file.role, detail: where(f) };
    const inline = f.file.role === 'attachment' && inlineImages.has(f.facts.sha256.toLowerCase());
    const warningLists = inline ? [INLINE_IMAGE_LIST] : [];
    set.add({ type: 'file-sha256', value: f.facts.sha256.toLowerCase(), kind: 'file', origin, warningLists });
    set.add({ type: 'file-sha1', value: f.facts.sha1.toLowerCase(), kind: 'file', origin, warningLists });
    set.add({ type: 'file-md5', value: f.facts.md5.toLowerCase(), kind: 'file', origin, warningLists });
    const name = f.file.declaredName ? cleanText(f.file.declaredName) : '';
    if (name !== '') set.add({ type: 'file-name', value: name, kind: 'file', origin, warningLists });
    if (f.yara.kind === 'scanned') {
      for (const m of f.yara.matches) {
        set.add({ type: 'yara-rule', value: m.rule, kind: 'file', origin: { field: 'yara', detail: `${m.namespace}: ${where(f)}` } });
      }
    }
    if (f.av.kind === 'infected') {
      set.add({ type: 'av-signature', value: cleanText(f.av.name), kind: 'file', origin: { field: 'av', detail: where(f) } });
    }
  }
}
