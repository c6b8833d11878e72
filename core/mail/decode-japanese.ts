// Japanese text decoding where mailparser 3.9.31 falls short (applied by decode-mime-japanese.ts).
//
// What mailparser already decodes correctly (test/ingest/japanese.test.ts checks each): bodies in
// ISO-2022-JP, Shift_JIS, CP932/Windows-31J (NEC and IBM extensions such as ① ㈱ 髙 﨑), EUC-JP
// and UTF-8, under the usual aliases (x-sjis, MS932, ISO-2022-JP-MS, x-euc-jp …); RFC 2047 B and
// Q encoded-words in those charsets, also split mid-character across words; RFC 2231 file names
// (`filename*=ISO-2022-JP''…`, `filename*0*=` continuations); raw UTF-8 header values.
// What it gets wrong, and this module and decode-mime-japanese.ts fix:
//  - raw 8-bit Shift_JIS / EUC-JP bytes and raw ISO-2022-JP escapes in header fields (Subject,
//    From display names, `filename="…"`): mailparser reads header bytes as UTF-8 and loses them;
//  - the charset names csISO2022JP, CP50220/CP50221/CP50222 and IBM-943/CP943C, in bodies,
//    encoded-words and RFC 2231 values (left as escape sequences or mojibake);
//  - text parts that declare no charset (or US-ASCII) but carry ISO-2022-JP, Shift_JIS or EUC-JP.
// Shift_JIS and EUC-JP bytes overlap, so unlabelled bytes are decoded both ways and the more
// plausible text wins (encoding-japanese's detector takes EUC-JP kanji for half-width katakana).
import { isAscii } from 'node:buffer';
import iconv from 'iconv-lite';
import Encoding from 'encoding-japanese';

export type JapaneseEncoding = 'ASCII' | 'UTF8' | 'JIS' | 'SJIS' | 'EUCJP';

/** MIME charset name mailparser decodes correctly, for each detected encoding. */
export const MIME_CHARSET: Readonly<Record<Exclude<JapaneseEncoding, 'ASCII'>, string>> = {
  UTF8: 'UTF-8',
  JIS: 'ISO-2022-JP',
  SJIS: 'Shift_JIS',
  EUCJP: 'EUC-JP',
};

// ESC $ @, ESC $ B, ESC $ ( D, ESC ( I, ESC ( J: the escapes ISO-2022-JP mail actually uses.
const JIS_ESCAPE = /\x1b(?:\$[@B]|\$\(D|\([IJ])/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(buf: Uint8Array): boolean {
  try {
    strictUtf8.decode(buf);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which Japanese encoding the bytes are in, or null when they are none of them (e.g. Latin-1).
 * Order matters: escapes first (ISO-2022-JP is 7-bit), then strict UTF-8, then Shift_JIS/EUC-JP.
 */
export function detectJapanese(buf: Uint8Array): JapaneseEncoding | null {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  // Every escape starts with ESC: without one, no text copy of a large body is made to look.
  if (bytes.includes(0x1b) && JIS_ESCAPE.test(bytes.toString('latin1'))) return 'JIS';
  if (isAscii(buf)) return 'ASCII';
  if (isUtf8(buf)) return 'UTF8';
  // Shift_JIS and EUC-JP overlap: decode both ways and keep the more plausible text. Undecodable
  // bytes weigh most; half-width katakana (what EUC-JP kanji look like read as Shift_JIS) next.
  const sjis = implausibility(iconv.decode(Buffer.from(buf), 'cp932'));
  const euc = implausibility(iconv.decode(Buffer.from(buf), 'euc-jp'));
  if (Math.min(sjis, euc) >= buf.length) return null;
  return euc < sjis ? 'EUCJP' : 'SJIS';
}

function implausibility(text: string): number {
  let score = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0xfffd) score += 4;
    else if (c >= 0xff61 && c <= 0xff9f) score += 1;
    else if (c >= 0x80 && c < 0xa0) score += 4;
  }
  return score;
}

/** Decode bytes known to be in `encoding`; CP932 is used for Shift_JIS so vendor characters survive. */
export function decodeAs(buf: Uint8Array, encoding: JapaneseEncoding): string {
  switch (encoding) {
    case 'ASCII':
    case 'UTF8':
      return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
    case 'SJIS':
      return iconv.decode(Buffer.from(buf), 'cp932');
    case 'EUCJP':
      return iconv.decode(Buffer.from(buf), 'euc-jp');
    case 'JIS':
      return Encoding.convert(buf, { to: 'UNICODE', from: 'JIS', type: 'string' });
  }
}

/**
 * Decode bytes of unknown Japanese encoding (raw header values, non-standard file names).
 * Falls back to Latin-1 when the bytes are not Japanese, so no byte is silently dropped.
 */
export function decodeJapanese(buf: Uint8Array): string {
  const enc = detectJapanese(buf);
  return enc ? decodeAs(buf, enc) : Buffer.from(buf).toString('latin1');
}

// Charset names mailparser/libmime/iconv-lite do not know, mapped to ones they decode the same way.
const CHARSET_ALIASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:csISO2022JP|CP5022[012]|x-cp5022[012])$/i, 'ISO-2022-JP'],
  [/^(?:IBM-?943|CP943C?|x-IBM943)$/i, 'Shift_JIS'],
];

/** The charset name to use instead of `name`, or null when mailparser already handles `name`. */
export function canonicalCharset(name: string): string | null {
  for (const [re, canonical] of CHARSET_ALIASES) if (re.test(name)) return canonical;
  return null;
}
