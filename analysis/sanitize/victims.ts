// Victims come from the registry, not from attacker-written headers (DESIGN.md §2): every address
// at a registered domain of an organisation (or a sub-domain of one), wherever it stands in the
// original — headers, bodies, attachments' text, URLs, subjects, file names — and however it is
// written: in any case, glued to other characters (`300yamada.taro@ops.corp.example42`), or
// encoded (percent, quoted-printable, HTML entities, JSON/JS escapes, base64 and base64url at any
// offset, hex). A display name written with such an address (`山田 太郎 <yamada@corp.example>`)
// is the victim's too. An address at any other domain is never taken for a victim: an attacker
// who names itself or a third party in To: cannot make the sanitizer hide its own indicators.
//
// Work is linear in the text: addresses are found from each `@` outwards, encoded runs are
// decoded once per level, at most two levels deep (base64 of a percent-encoded address).
import addressparser from 'nodemailer/lib/addressparser';
import type { MailAddress, OriginalHeaders } from '../../core/mail/forward/types.ts';
import { normalizeHost } from '../indicators/normalize.ts';
import { ENCODING_MARKS, htmlDecode, isMostlyText, jsUnescape, percentDecode, qpDecode } from './decodings.ts';
import { fold } from './identifiers.ts';

/** The registered domains, ready for glued matching: first label → domains starting with it. */
export interface RegisteredDomains {
  readonly byFirstLabel: ReadonlyMap<string, readonly string[]>;
}

export function registeredDomains(domains: readonly string[]): RegisteredDomains {
  const byFirstLabel = new Map<string, string[]>();
  const add = (d: string) => {
    const first = d.slice(0, d.indexOf('.'));
    if (!first) return;
    const list = byFirstLabel.get(first) ?? [];
    if (!list.includes(d)) list.push(d);
    byFirstLabel.set(first, list);
  };
  for (const raw of domains) {
    const host = normalizeHost(raw);
    if (host?.kind !== 'domain') continue;
    add(host.value);
    if (host.unicode) add(fold(host.unicode));
  }
  return { byFirstLabel };
}

/**
 * The part of `host` (folded, as found after an `@`) that is a registered domain or a sub-domain
 * of one, or null. Whatever is glued after the domain (`corp.example42`, `corp.example-p`) does not
 * hide it: the registered name is in the text, so the victim is.
 */
export function registeredPrefix(host: string, reg: RegisteredDomains): string | null {
  for (let start = 0; start < host.length;) {
    const dot = host.indexOf('.', start);
    if (dot < 0) return null;
    for (const d of reg.byFirstLabel.get(host.slice(start, dot)) ?? []) {
      if (host.startsWith(d, start)) return host.slice(0, start + d.length);
    }
    start = dot + 1;
  }
  return null;
}

const HOST_AFTER = /^[\p{L}\p{N}.-]{1,253}/u;
const LOCAL_BEFORE = /[\p{L}\p{N}._%+-]{1,128}$/u;
const NAME_BEFORE = /(?:^|[\n\r:;,>\t])[ \t]*"?([^"<>\n\r:;,\t@]{1,64}?)"?[ \t]*<[ \t]*$/u;

/** Addresses at registered domains in one (folded) text, with the display name written before `<addr>`. */
function scan(s: string, reg: RegisteredDomains, out: Map<string, string>): void {
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
    const host = HOST_AFTER.exec(s.slice(at + 1, at + 1 + 260))?.[0];
    const domain = host ? registeredPrefix(host, reg) : null;
    if (!domain) continue;
    const before = s.slice(Math.max(0, at - 128), at);
    const local = LOCAL_BEFORE.exec(before)?.[0]?.replace(/^[._%+-]+/, '');
    if (!local) continue;
    const address = `${local}@${domain}`;
    const localStart = at - local.length;
    const name = NAME_BEFORE.exec(s.slice(Math.max(0, localStart - 100), localStart))?.[1]?.trim() ?? '';
    if (!out.has(address) || (name && !out.get(address))) out.set(address, name);
  }
}

// ---- decodings of a text, each searched again ----

/** Base64 (standard or URL-safe, padded or not) runs long enough to hold an address, decoded at each of the four offsets. */
function base64Decodings(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/[A-Za-z0-9+/_-]{12,4096}={0,2}/g)) {
    const body = m[0].replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
    for (let off = 0; off < 4; off++) {
      const text = Buffer.from(body.slice(off), 'base64').toString('utf8');
      if (text.includes('@') && isMostlyText(text.replace(/^[^\x20-\x7e]{1,2}|[^\x20-\x7e]{1,2}$/g, ''))) out.push(text);
    }
  }
  return out;
}

function hexDecodings(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/(?:[0-9a-fA-F]{2}){8,2048}/g)) {
    for (const run of [m[0], m[0].slice(1, -1)]) {
      const text = Buffer.from(run, 'hex').toString('utf8');
      if (text.includes('@')) out.push(text);
    }
  }
  return out;
}

/** The texts to search besides `s` itself: each decoding that applies to it. */
function decodings(s: string): string[] {
  const out: string[] = [];
  if (ENCODING_MARKS.percent.test(s)) out.push(percentDecode(s));
  if (ENCODING_MARKS.qp.test(s)) out.push(qpDecode(s));
  if (ENCODING_MARKS.html.test(s)) out.push(htmlDecode(s));
  if (ENCODING_MARKS.js.test(s)) out.push(jsUnescape(s));
  out.push(...base64Decodings(s), ...hexDecodings(s));
  return out.filter((d) => d !== s);
}

const MAX_DEPTH = 2;
/** Bytes of one text searched (a hostile attachment could be huge; victims sit near the top). */
export const MAX_VICTIM_SCAN_CHARS = 4 * 1024 * 1024;

function scanDeep(text: string, reg: RegisteredDomains, out: Map<string, string>, depth: number): void {
  const s = fold(text.slice(0, MAX_VICTIM_SCAN_CHARS));
  scan(s, reg, out);
  if (depth >= MAX_DEPTH) return;
  for (const d of decodings(text.slice(0, MAX_VICTIM_SCAN_CHARS))) scanDeep(d, reg, out, depth + 1);
}

/** Header fields whose value is a list of addresses (display names paired with them are read). */
const ADDRESS_FIELDS = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'delivered-to',
  'x-original-to',
  'envelope-to',
  'x-envelope-to',
  'x-rcpt-to',
  'x-forwarded-to',
  'apparently-to',
  'resent-to',
  'resent-cc',
  'resent-bcc',
  'resent-from',
  'return-path',
  'disposition-notification-to',
  'return-receipt-to',
]);

/**
 * Every address at a registered domain found in these texts (and in the address fields of the
 * header, with their display names), each once, in folded form.
 */
export function findVictims(
  input: { readonly headers?: Pick<OriginalHeaders, 'to' | 'cc' | 'raw'>; readonly texts: Iterable<string> },
  reg: RegisteredDomains,
): MailAddress[] {
  const out = new Map<string, string>();
  const fields: MailAddress[] = [...(input.headers?.to ?? []), ...(input.headers?.cc ?? [])];
  for (const h of input.headers?.raw ?? []) {
    if (!ADDRESS_FIELDS.has(h.name)) continue;
    for (const a of addressparser(h.value, { flatten: true })) fields.push({ name: a.name ?? '', address: a.address ?? '' });
  }
  for (const a of fields) {
    const address = fold(a.address.trim());
    const at = address.lastIndexOf('@');
    const domain = at > 0 ? registeredPrefix(address.slice(at + 1), reg) : null;
    if (!domain) continue;
    const key = `${address.slice(0, at)}@${domain}`;
    if (!out.get(key)) out.set(key, a.name.trim());
  }
  for (const text of input.texts) scanDeep(text, reg, out, 0);
  return [...out].map(([address, name]) => ({ address, name: name.includes('@') ? '' : name }));
}
