// Normal forms of the values indicators are made of: host names (lower-case, no trailing dot, IDN
// as punycode with the Unicode form kept), IP addresses (canonical text, IPv4-mapped IPv6 as IPv4),
// e-mail addresses, and re-fanging of defanged text (hxxp, [.], [at]). Pure functions, no lookups.
import { domainToASCII, domainToUnicode } from 'node:url';
import ipaddr from 'ipaddr.js';

export type NormalHost =
  { readonly kind: 'domain'; readonly value: string; readonly unicode?: string } | { readonly kind: 'ipv4' | 'ipv6'; readonly value: string };

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Canonical text of an IPv4 or IPv6 address (brackets and `IPv6:` prefix accepted), or null. */
export function normalizeIp(text: string): { readonly kind: 'ipv4' | 'ipv6'; readonly value: string } | null {
  const s = text
    .trim()
    .replace(/^\[(?:ipv6:)?(.*)\]$/i, '$1')
    .replace(/^ipv6:/i, '');
  // Cheap shape checks first: ipaddr.js validates by throwing, which is slow on every host name.
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(s)) return ipaddr.IPv4.isValidFourPartDecimal(s) ? { kind: 'ipv4', value: ipaddr.IPv4.parse(s).toString() } : null;
  if (!/^[0-9a-f:.]+(?:%.+)?$/i.test(s) || !s.includes(':') || !ipaddr.IPv6.isValid(s)) return null;
  const v6 = ipaddr.IPv6.parse(s.replace(/%.*$/, ''));
  if (v6.isIPv4MappedAddress()) return { kind: 'ipv4', value: v6.toIPv4Address().toString() };
  return { kind: 'ipv6', value: v6.toString() };
}

/**
 * A host name or IP literal in normal form, or null when it is neither (no dot, bad labels, numeric
 * top-level label). Unicode host names become punycode; `unicode` keeps the readable form.
 */
export function normalizeHost(text: string): NormalHost | null {
  const trimmed = text.trim().replace(/\.+$/, '');
  if (trimmed === '' || trimmed.length > 253 * 4) return null;
  const ip = normalizeIp(trimmed);
  if (ip) return ip;
  const ascii = domainToASCII(trimmed).replace(/\.+$/, '');
  if (ascii === '' || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  const unicode = domainToUnicode(ascii);
  return unicode && unicode !== ascii ? { kind: 'domain', value: ascii, unicode } : { kind: 'domain', value: ascii };
}

/**
 * Longest local part accepted. RFC 5321 says 64, but real senders exceed it (a 71-character
 * sender local part was seen in the honeypot corpus) and dropping them loses the sender domain.
 */
export const MAX_LOCAL_PART = 128;

export interface NormalAddress {
  /** `local@domain`, lower-case, domain in punycode. */
  readonly value: string;
  /** The address with the Unicode domain, when the domain is an IDN. */
  readonly unicode?: string;
  readonly local: string;
  readonly domain: NormalHost & { readonly kind: 'domain' };
}

/** An e-mail address in normal form (angle brackets and `mailto:` stripped), or null. */
export function normalizeAddress(text: string): NormalAddress | null {
  // Quotes and brackets a careless mailer left around the address (`adc2@flh9rhjvmael.com'`) are not part of it.
  const s = text
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<(.*)>$/, '$1')
    .replace(/\?.*$/, '')
    .trim()
    .replace(/^['"`<(\[]+|['"`>)\].,;:]+$/g, '');
  const at = s.lastIndexOf('@');
  if (at <= 0 || at > MAX_LOCAL_PART || /[\s<>()\[\],;:"\\]/.test(s.slice(0, at))) return null;
  const local = s.slice(0, at).toLowerCase();
  const host = normalizeHost(s.slice(at + 1));
  if (!host || host.kind !== 'domain') return null;
  const value = `${local}@${host.value}`;
  return host.unicode ? { value, unicode: `${local}@${host.unicode}`, local, domain: host } : { value, local, domain: host };
}

// Defanging conventions seen in analyst reports and forwarded warnings.
const REFANG: readonly (readonly [RegExp, string])[] = [
  [/\bhxxp(s?)(?=(?::|\[:\])\/\/)/gi, 'http$1'],
  [/\bh\*\*p(s?)(?=:\/\/)/gi, 'http$1'],
  [/\bfxp(?=:\/\/)/gi, 'ftp'],
  [/\[:\/\/\]|\[:\]\/\//g, '://'],
  [/\[:\]/g, ':'],
  [/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}/gi, '.'],
  [/\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}/gi, '@'],
];

/** Text with defanged URLs, domains and addresses made usable again (`hxxp://evil[.]example`). */
export function refang(text: string): string {
  let out = text;
  for (const [re, to] of REFANG) out = out.replace(re, to);
  return out;
}
