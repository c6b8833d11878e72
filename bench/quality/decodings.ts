// The readings of a text under which a planted identifier could still be recognised: as written,
// NFKC, JSON/JS escapes, percent-encoding, HTML entities, quoted-printable, defanged, punycode
// host names, and base64 (also base64url, at every offset) and hex runs decoded.
import { domainToUnicode } from 'node:url';

export interface Reading {
  readonly encoding: string;
  readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  commat: '@',
  period: '.',
  hyphen: '-',
  lowbar: '_',
};

function bytesToText(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\ufffd') ? bytes.toString('latin1') : utf8;
}

export function jsonUnescape(s: string): string {
  return s
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\([/"'\\])/g, '$1');
}

export function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => bytesToText(Buffer.from(run.replace(/%/g, ''), 'hex')));
}

export function entityDecode(s: string): string {
  return s
    .replace(/&#x([0-9a-fA-F]{1,6});?/g, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&#(\d{1,7});?/g, (_, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/&([a-z]+);/gi, (m, n: string) => ENTITIES[n.toLowerCase()] ?? m);
}

export function qpDecode(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (run) => bytesToText(Buffer.from(run.replace(/=/g, ''), 'hex')));
}

export function refang(s: string): string {
  return s
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[@\]|\(@\)|\[at\]|\(at\)/gi, '@')
    .replace(/\bhxxp/gi, 'http')
    .replace(/\[:\/\/\]/g, '://');
}

export function punycodeHosts(s: string): string {
  return s.replace(/(?:[a-z0-9-]+\.)*xn--[a-z0-9-]+(?:\.[a-z0-9-]+)*/gi, (host) => domainToUnicode(host) || host);
}

/** Decoded base64 (and base64url) runs of at least 12 characters, at each of the four offsets. */
export function base64Runs(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/[A-Za-z0-9+/_-]{12,}={0,2}/g)) {
    const run = m[0].replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    for (let off = 0; off < 4; off++) {
      const part = run.slice(off);
      const usable = part.slice(0, part.length - (part.length % 4 === 1 ? 1 : 0));
      out.push(bytesToText(Buffer.from(usable, 'base64')));
    }
  }
  return out;
}

export function hexRuns(s: string): string[] {
  return [...s.matchAll(/(?:[0-9a-fA-F]{2}){6,}/g)].map((m) => bytesToText(Buffer.from(m[0], 'hex')));
}

/** Every reading of `text` worth searching; cheap ones only when the text has their marks. */
export function readingsOf(text: string): Reading[] {
  const out: Reading[] = [{ encoding: 'as written', text }];
  const add = (encoding: string, t: string) => {
    if (t !== text) out.push({ encoding, text: t });
  };
  add('NFKC', text.normalize('NFKC'));
  const json = text.includes('\\') ? jsonUnescape(text) : text;
  add('JSON escapes', json);
  if (json.includes('%')) add('percent', percentDecode(percentDecode(json)));
  if (json.includes('&')) add('HTML entities', entityDecode(json));
  if (json.includes('=')) add('quoted-printable', qpDecode(json));
  if (/\[|\(|hxxp/i.test(json)) add('defanged', refang(entityDecode(percentDecode(json))));
  if (/xn--/i.test(json)) add('punycode', punycodeHosts(json));
  const b64 = base64Runs(percentDecode(json));
  if (b64.length) out.push({ encoding: 'base64', text: b64.join('\n') });
  const hex = hexRuns(json);
  if (hex.length) out.push({ encoding: 'hex', text: hex.join('\n') });
  return out;
}
