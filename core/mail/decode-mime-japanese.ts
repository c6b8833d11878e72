// Rewrites the few things in a raw MIME message that mailparser would decode wrongly for Japanese
// mail (see decode-japanese.ts for the list), so mailparser sees equivalent standard input.
// Only header lines and Content-Type charsets change; body bytes never do. The caller keeps the
// original bytes for storage and hashing and parses the normalised copy.
import libmime from 'libmime';
import { canonicalCharset, decodeAs, detectJapanese, MIME_CHARSET } from './decode-japanese.ts';

export type JapaneseFix = 'raw-header-bytes' | 'charset-alias' | 'unlabelled-body';

export interface NormalisedMime {
  /** The message to parse: `raw` itself when nothing needed fixing. */
  readonly bytes: Buffer;
  readonly fixes: readonly JapaneseFix[];
}

interface Line {
  readonly start: number;
  /** Exclusive, after the line break. */
  readonly end: number;
  /** Exclusive, before CR LF / LF. */
  readonly contentEnd: number;
}

interface Part {
  /** Header lines (first and continuation lines of each field). */
  readonly fieldLines: Line[];
  /** The empty line ending the header block; null when the part ends inside its header. */
  headerEnd: Line | null;
  bodyStart: number;
  bodyEnd: number;
}

interface Field {
  readonly name: string;
  value: string;
  readonly lines: Line[];
}

function lineAt(raw: Buffer, start: number): Line {
  const nl = raw.indexOf(0x0a, start);
  const end = nl < 0 ? raw.length : nl + 1;
  let contentEnd = nl < 0 ? raw.length : nl;
  if (contentEnd > start && raw[contentEnd - 1] === 0x0d) contentEnd--;
  return { start, end, contentEnd };
}

const param = (value: string, name: string): string | null => {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2] ?? null) : null;
};

/** Unfolded header fields of a part, by lower-case name (first occurrence wins). */
function fieldsOf(raw: Buffer, part: Part): Map<string, Field> {
  const fields = new Map<string, Field>();
  let current: Field | null = null;
  const flush = () => {
    if (current && !fields.has(current.name)) fields.set(current.name, current);
  };
  for (const line of part.fieldLines) {
    const text = raw.toString('latin1', line.start, line.contentEnd);
    if (/^[ \t]/.test(text) && current) {
      current.value += ' ' + text.trim();
      current.lines.push(line);
      continue;
    }
    flush();
    const colon = text.indexOf(':');
    current = colon > 0 ? { name: text.slice(0, colon).trim().toLowerCase(), value: text.slice(colon + 1).trim(), lines: [line] } : null;
  }
  flush();
  return fields;
}

/** Past these the message is left as it is: mailparser rejects it under the same limits. */
export interface ScanLimits {
  readonly maxParts: number;
  readonly maxHeaderBytes: number;
}

const newPart = (raw: Buffer): Part => ({ fieldLines: [], headerEnd: null, bodyStart: raw.length, bodyEnd: raw.length });

/**
 * Find the parts of the message: header blocks and bodies, following multipart boundaries.
 * Only header lines are kept as objects; body lines are looked at for boundaries and dropped.
 */
function scanParts(raw: Buffer, limits: ScanLimits): Part[] | null {
  const first = newPart(raw);
  const parts: Part[] = [first];
  const boundaries: string[] = [];
  let cur: Part | null = first;
  let inHeader = true;
  for (let pos = 0; pos < raw.length;) {
    if (!inHeader && (raw[pos] !== 0x2d || raw[pos + 1] !== 0x2d)) {
      // A body line that cannot be a boundary: skip it without building a record.
      const nl = raw.indexOf(0x0a, pos);
      pos = nl < 0 ? raw.length : nl + 1;
      continue;
    }
    const line = lineAt(raw, pos);
    pos = line.end;
    if (boundaries.length && raw[line.start] === 0x2d && raw[line.start + 1] === 0x2d && line.contentEnd - line.start <= 200) {
      const text = raw.toString('latin1', line.start + 2, line.contentEnd).trimEnd();
      let depth = boundaries.length - 1;
      while (depth >= 0 && text !== boundaries[depth] && text !== boundaries[depth] + '--') depth--;
      if (depth >= 0) {
        if (cur && !inHeader) cur.bodyEnd = line.start;
        const closing = text !== boundaries[depth];
        boundaries.length = closing ? depth : depth + 1;
        cur = closing ? null : newPart(raw);
        if (cur) parts.push(cur);
        inHeader = !closing;
        continue;
      }
    }
    if (!inHeader || !cur) continue;
    if (parts.length > limits.maxParts || line.end - (cur.fieldLines[0]?.start ?? line.start) > limits.maxHeaderBytes) return null;
    if (line.contentEnd === line.start) {
      cur.headerEnd = line;
      cur.bodyStart = line.end;
      inHeader = false;
      const ct = fieldsOf(raw, cur).get('content-type')?.value ?? '';
      const boundary = /^\s*multipart\//i.test(ct) ? param(ct, 'boundary') : null;
      if (boundary) boundaries.push(boundary);
    } else {
      cur.fieldLines.push(line);
    }
  }
  return parts;
}

function decodeQuotedPrintable(s: string): Buffer {
  const bin = s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bin, 'latin1');
}

/** Charset to declare for a text part that declares none (or US-ASCII) but is Japanese. */
function unlabelledCharset(raw: Buffer, part: Part, fields: ReturnType<typeof fieldsOf>): string | null {
  const ct = fields.get('content-type')?.value ?? 'text/plain';
  if (!/^\s*text\//i.test(ct)) return null;
  const declared = param(ct, 'charset');
  if (declared && !/^(?:us-)?ascii$/i.test(declared)) return null;
  const cte = (fields.get('content-transfer-encoding')?.value ?? '').toLowerCase();
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  const bytes =
    cte === 'base64' ? Buffer.from(body.toString('latin1'), 'base64') : cte === 'quoted-printable' ? decodeQuotedPrintable(body.toString('latin1')) : body;
  const enc = detectJapanese(bytes);
  return enc === 'JIS' || enc === 'SJIS' || enc === 'EUCJP' ? MIME_CHARSET[enc] : null;
}

// Encoded-words (`=?name?B?`), charset parameters (`charset="name"`), RFC 2231 values (`*=name''`).
const ALIAS_PATTERNS = [/(=\?)([^?\s]+)(\?[BbQq]\?)/g, /(charset\s*=\s*"?)([^";\s]+)()/gi, /(\*\s*=\s*"?)([^'";\s]+)(')/g];

function replaceCharsetAliases(text: string): string {
  let out = text;
  for (const re of ALIAS_PATTERNS) {
    out = out.replace(re, (whole, pre: string, name: string, post: string) => {
      const canonical = canonicalCharset(name);
      return canonical ? pre + canonical + post : whole;
    });
  }
  return out;
}

/**
 * A header field value with its RFC 2047 encoded-words decoded (ISO-2022-JP, Shift_JIS, UTF-8…;
 * charset aliases renamed as for parsing), for display. A value that cannot be decoded is returned as is.
 */
export function decodeHeaderValue(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    const decoded = libmime.decodeWords(replaceCharsetAliases(value));
    return decoded.trim() === '' ? value : decoded;
  } catch {
    return value;
  }
}

/**
 * Normalise a raw message for mailparser: decode raw Japanese header bytes to UTF-8, rename charset
 * aliases it does not know, and declare the charset of unlabelled Japanese text parts.
 * Pure; linear in the size of the message. A message over `limits` is returned unchanged.
 */
export function normaliseJapaneseMime(raw: Buffer, limits: ScanLimits = { maxParts: 1000, maxHeaderBytes: 1024 * 1024 }): NormalisedMime {
  const parts = scanParts(raw, limits);
  if (!parts) return { bytes: raw, fixes: [] };
  // Edits keyed by the start offset of the line they replace or go before.
  const replaced = new Map<number, { line: Line; bytes: Buffer }>();
  const inserted = new Map<number, Buffer>();
  const fixes = new Set<JapaneseFix>();
  const current = (line: Line) => (replaced.get(line.start)?.bytes ?? raw.subarray(line.start, line.end)).toString('latin1');

  for (const part of parts) {
    for (const line of part.fieldLines) {
      const content = raw.subarray(line.start, line.contentEnd);
      const enc = detectJapanese(content);
      const recode = enc === 'JIS' || enc === 'SJIS' || enc === 'EUCJP';
      const text = recode ? decodeAs(content, enc) : content.toString('latin1');
      const renamed = replaceCharsetAliases(text);
      if (recode) fixes.add('raw-header-bytes');
      if (renamed !== text) fixes.add('charset-alias');
      if (recode || renamed !== text) {
        const eol = raw.subarray(line.contentEnd, line.end);
        replaced.set(line.start, { line, bytes: Buffer.concat([Buffer.from(renamed, recode ? 'utf8' : 'latin1'), eol]) });
      }
    }
    if (!part.headerEnd) continue;
    const fields = fieldsOf(raw, part);
    const charset = unlabelledCharset(raw, part, fields);
    if (!charset) continue;
    fixes.add('unlabelled-body');
    const ct = fields.get('content-type');
    const blank = part.headerEnd;
    if (!ct) {
      const eol = raw.toString('latin1', blank.start, blank.end);
      inserted.set(blank.start, Buffer.from(`Content-Type: text/plain; charset=${charset}${eol}`, 'latin1'));
      continue;
    }
    const withCharset = ct.lines.find((l) => /charset\s*=/i.test(current(l)));
    const target = withCharset ?? ct.lines[ct.lines.length - 1]!;
    const text = current(target);
    const content = text.replace(/\r?\n$/, '');
    const rewritten = withCharset ? content.replace(/(charset\s*=\s*"?)(?:us-)?ascii/i, `$1${charset}`) : content.replace(/;?\s*$/, `; charset=${charset}`);
    replaced.set(target.start, { line: target, bytes: Buffer.from(rewritten + text.slice(content.length), 'latin1') });
  }

  if (replaced.size === 0 && inserted.size === 0) return { bytes: raw, fixes: [] };
  const offsets = [...new Set([...replaced.keys(), ...inserted.keys()])].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let pos = 0;
  for (const at of offsets) {
    out.push(raw.subarray(pos, at));
    const before = inserted.get(at);
    if (before) out.push(before);
    const edit = replaced.get(at);
    if (edit) out.push(edit.bytes);
    pos = edit ? edit.line.end : at;
  }
  out.push(raw.subarray(pos));
  return { bytes: Buffer.concat(out), fixes: [...fixes] };
}
