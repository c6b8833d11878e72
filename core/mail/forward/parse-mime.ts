// One MIME message parsed with mailparser's low-level MailParser, under limits, into a typed record.
// Embedded messages are not descended into (ignoreEmbedded): they come out as attachments with
// their raw bytes, and the caller decides whether to parse them. No link detection, no
// text-to-HTML or HTML-to-text conversion, no cid: inlining.
import { MailParser } from 'mailparser';
import { normaliseJapaneseMime, type JapaneseFix } from '../decode-mime-japanese.ts';
import type { MailAddress, RawHeader, UnwrapFailure, UnwrapLimits } from './types.ts';

export interface ParsedAttachment {
  readonly filename: string | null;
  /** Content type as declared in the part (mailparser's guess from the file name is not used). */
  readonly declaredType: string;
  readonly disposition: 'attachment' | 'inline';
  readonly contentId: string | null;
  readonly content: Buffer;
}

export interface ParsedMime {
  readonly kind: 'parsed';
  readonly headers: ReadonlyMap<string, unknown>;
  readonly rawHeaders: readonly RawHeader[];
  readonly text: string | null;
  readonly html: string | null;
  readonly attachments: readonly ParsedAttachment[];
  readonly japaneseFixes: readonly JapaneseFix[];
}

// The parts of mailparser's untyped objects this module reads.
interface MpAttachment {
  type: 'attachment';
  content: NodeJS.ReadableStream | Buffer;
  filename?: string;
  contentDisposition?: string;
  contentId?: string;
  headers: Map<string, unknown>;
  release: (() => void) | null;
}
interface MpText {
  type: 'text';
  text?: string;
  html?: string;
}

function failureFor(err: unknown): UnwrapFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (/header size/i.test(message)) return { kind: 'failed', reason: 'header-too-large', message };
  if (/child nodes/i.test(message)) return { kind: 'failed', reason: 'too-many-parts', message };
  return { kind: 'failed', reason: 'malformed', message };
}

function rawHeaderLines(lines: Array<{ key: string; line: string }> | undefined): RawHeader[] {
  return (lines ?? []).map(({ key, line }) => {
    const text = Buffer.from(line, 'binary').toString('utf8');
    const colon = text.indexOf(':');
    return {
      name: key,
      value: text
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    };
  });
}

function declaredType(headers: Map<string, unknown>): string {
  const ct = headers.get('content-type') as { value?: string } | undefined;
  return (ct?.value ?? 'application/octet-stream').toLowerCase();
}

/**
 * Parse one message. Resolves exactly once: with the parsed record, or with a failure value when
 * a limit is exceeded (header bytes per part, number of parts) or the input cannot be parsed.
 */
export function parseMime(raw: Buffer, limits: UnwrapLimits): Promise<ParsedMime | UnwrapFailure> {
  const normalised = normaliseJapaneseMime(raw, limits);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: ParsedMime | UnwrapFailure) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const parser = new MailParser({
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      keepCidLinks: true,
      // Not in its types: mailsplit options passed through by MailParser, and the digest MailParser
      // takes of every attachment (`checksum`, read by nothing here): SHA-1, not the default MD5,
      // which is slower (2.5 times on CPUs with SHA extensions; issue 17: a tenth of the parse of a
      // 200 KB forward went to it).
      ...({ ignoreEmbedded: true, maxHeadSize: limits.maxHeaderBytes, maxChildNodes: limits.maxParts, checksumAlgo: 'sha1' } as object),
    });
    let headers: Map<string, unknown> = new Map();
    let text: string | null = null;
    let html: string | null = null;
    const attachments: ParsedAttachment[] = [];

    parser.on('error', (err: unknown) => settle(failureFor(err)));
    parser.on('headers', (h: Map<string, unknown>) => {
      headers = h;
    });

    let reading = false;
    const read = (): void => {
      reading = true;
      const data = parser.read() as MpAttachment | MpText | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        text = data.text ?? null;
        html = data.html ?? null;
        read();
        return;
      }
      const chunks: Buffer[] = [];
      const stream = data.content as NodeJS.ReadableStream;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err: unknown) => settle(failureFor(err)));
      stream.on('end', () => {
        attachments.push({
          filename: data.filename ?? null,
          declaredType: declaredType(data.headers),
          disposition: data.contentDisposition === 'inline' ? 'inline' : 'attachment',
          contentId: data.contentId ? data.contentId.replace(/^\s*<|>\s*$/g, '') : null,
          content: Buffer.concat(chunks),
        });
        data.release?.();
        read();
      });
    };
    parser.on('readable', () => {
      if (!reading) read();
    });
    parser.on('end', () => {
      const lines = (parser as unknown as { headerLines?: Array<{ key: string; line: string }> }).headerLines;
      settle({
        kind: 'parsed',
        headers,
        rawHeaders: rawHeaderLines(lines),
        text,
        html,
        attachments,
        japaneseFixes: normalised.fixes,
      });
    });
    parser.end(normalised.bytes);
  });
}

// ---- header values -------------------------------------------------------------------------

interface MpAddress {
  name?: string;
  address?: string;
  group?: MpAddress[];
}

/** Addresses of a mailparser address header (groups flattened). */
export function addressesOf(headers: ReadonlyMap<string, unknown>, key: string): MailAddress[] {
  const field = headers.get(key) as { value?: MpAddress[] } | Array<{ value?: MpAddress[] }> | undefined;
  const lists = Array.isArray(field) ? field : field ? [field] : [];
  const out: MailAddress[] = [];
  const walk = (list: MpAddress[]) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else out.push({ name: a.name ?? '', address: a.address ?? '' });
    }
  };
  for (const l of lists) walk(l.value ?? []);
  return out;
}

export function stringHeader(headers: ReadonlyMap<string, unknown>, key: string): string | null {
  const v = headers.get(key);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return null;
}

export function stringHeaders(headers: ReadonlyMap<string, unknown>, key: string): string[] {
  const v = headers.get(key);
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** ISO 8601 for a date string that names its zone (RFC 5322, ISO), else null; never "now". */
export function isoDate(text: string | null): string | null {
  if (!text || text.length > 200) return null;
  const hasZone = /(?:[+-]\d{2}:?\d{2}|\b(?:GMT|UTC|UT|Z|[ECMP][SD]T|JST)\b)\s*(?:\([^)]*\))?\s*$/i.test(text.trim());
  if (!hasZone) return null;
  const ms = Date.parse(text.replace(/\bJST\b/i, '+0900'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
