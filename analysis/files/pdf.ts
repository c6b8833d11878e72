// Facts about PDF files: JavaScript (/JavaScript, /JS), actions run on opening or on events
// (/OpenAction, /AA) and encryption (/Encrypt). Names are compared after decoding `#xx` escapes
// (`/J#61vaScript` is /JavaScript), and compressed object streams (/Type /ObjStm, PDF 1.5), where
// such dictionaries hide from a plain byte search, are inflated within a byte budget.
import { constants, inflateSync } from 'node:zlib';

export interface PdfFacts {
  readonly javaScript: boolean;
  readonly openAction: boolean;
  readonly encrypted: boolean;
}

/** Bytes inflated from object streams per file, and streams looked at. */
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;
const MAX_STREAMS = 2000;
/** How far back from `stream` its dictionary may start. */
const DICT_WINDOW = 4096;

/** PDF names in a piece of PDF text, `#xx` escapes decoded. */
export function pdfNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/\/([^\s/[\]<>(){}%]{1,127})/g)) {
    out.add(m[1]!.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  }
  return out;
}

export function looksLikePdf(content: Buffer): boolean {
  return content.subarray(0, 1024).includes('%PDF-');
}

/** The decompressed object streams of a PDF, within the byte budget. */
function objectStreams(content: Buffer, text: string): string[] {
  const out: string[] = [];
  let budget = MAX_INFLATED_BYTES;
  let seen = 0;
  for (const m of text.matchAll(/stream\r?\n/g)) {
    if (++seen > MAX_STREAMS || budget <= 0) break;
    const start = m.index + m[0].length;
    const dictStart = Math.max(0, text.lastIndexOf('obj', m.index));
    const dict = pdfNames(text.slice(Math.max(dictStart, m.index - DICT_WINDOW), m.index));
    if (!dict.has('ObjStm') || !dict.has('FlateDecode')) continue;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    try {
      // Z_SYNC_FLUSH: a truncated or padded stream still yields what it holds.
      const data = inflateSync(content.subarray(start, end), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: budget });
      budget -= data.length;
      out.push(data.toString('latin1'));
    } catch {
      // damaged stream, or over the budget: nothing more from it
    }
  }
  return out;
}

export function pdfFacts(content: Buffer): PdfFacts {
  const text = content.toString('latin1');
  const names = pdfNames(text);
  for (const inner of objectStreams(content, text)) for (const n of pdfNames(inner)) names.add(n);
  return {
    javaScript: names.has('JavaScript') || names.has('JS'),
    openAction: names.has('OpenAction') || names.has('AA'),
    encrypted: names.has('Encrypt'),
  };
}
