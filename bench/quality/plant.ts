// Plants a victim's identity where the honeypot's address `phishing@pot` stands, in each encoding
// the corpus carries it: plain (headers, 8-bit and quoted-printable bodies, URL parameters),
// percent-encoded, inside base64 bodies (decoded, replaced, re-encoded at the same line width),
// inside RFC 2047 encoded words; and the victim's display name where To: holds the bare address.
import type { Victim } from './identities.ts';

const PLAIN = /phishing@pot/gi;
const PERCENT = /phishing%40pot/gi;
const BASE64_BLOCK = /(?:^|(?<=\n))(?:[A-Za-z0-9+/]{8,}={0,2}\r?\n){2,}(?:[A-Za-z0-9+/]+={0,2}(?:\r?\n|$))?/g;
const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

export interface Planted {
  readonly raw: Buffer;
  /** Replacements made, by encoding. */
  readonly counts: Readonly<Record<string, number>>;
}

function replaceAll(text: string, victim: Victim, counts: Record<string, number>): string {
  return text
    .replace(PERCENT, () => ((counts['percent'] = (counts['percent'] ?? 0) + 1), encodeURIComponent(victim.address)))
    .replace(PLAIN, () => ((counts['plain'] = (counts['plain'] ?? 0) + 1), victim.address));
}

function inBase64Blocks(text: string, victim: Victim, counts: Record<string, number>): string {
  return text.replace(BASE64_BLOCK, (block) => {
    const decoded = Buffer.from(block.replace(/\s+/g, ''), 'base64').toString('latin1');
    if (!/phishing(?:@|%40)pot/i.test(decoded)) return block;
    const inner: Record<string, number> = {};
    const replaced = replaceAll(decoded, victim, inner);
    counts['base64'] = (counts['base64'] ?? 0) + Object.values(inner).reduce((a, b) => a + b, 0);
    const eol = block.includes('\r\n') ? '\r\n' : '\n';
    const width = block.split(/\r?\n/)[0]!.length;
    const encoded = Buffer.from(replaced, 'latin1').toString('base64');
    const lines = encoded.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
    return lines.join(eol) + (/\r?\n$/.test(block) ? eol : '');
  });
}

function qDecode(s: string): Buffer {
  return Buffer.from(
    s.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}

function inEncodedWords(text: string, victim: Victim, counts: Record<string, number>): string {
  return text.replace(ENCODED_WORD, (word, charset: string, enc: string, body: string) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(body, 'base64') : qDecode(body);
    const decoded = bytes.toString('latin1');
    if (!/phishing(?:@|%40)pot/i.test(decoded)) return word;
    const replaced = Buffer.from(replaceAll(decoded, victim, {}), 'latin1');
    counts['encoded-word'] = (counts['encoded-word'] ?? 0) + 1;
    return `=?${charset}?B?${replaced.toString('base64')}?=`;
  });
}

function encodedName(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? `"${name}"` : `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
}

/** To: holding only the victim's address (bare, in angle brackets, or as its own display name) gets the display name. */
function nameInTo(head: string, victim: Victim, counts: Record<string, number>): string {
  const addr = victim.address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const field = new RegExp(`^To:[ \\t]*(?:(?:"|')?${addr}(?:"|')?[ \\t]*)?<?${addr}>?[ \\t]*$`, 'im');
  return head.replace(field, () => ((counts['display-name'] = 1), `To: ${encodedName(victim.displayName)} <${victim.address}>`));
}

export function plantIdentity(original: Buffer, victim: Victim): Planted {
  const counts: Record<string, number> = {};
  const text = original.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  const headEnd = split < 0 ? text.length : split;
  let head = inEncodedWords(text.slice(0, headEnd), victim, counts);
  let body = inBase64Blocks(text.slice(headEnd), victim, counts);
  head = nameInTo(replaceAll(head, victim, counts), victim, counts);
  body = replaceAll(body, victim, counts);
  return { raw: Buffer.from(head + body, 'latin1'), counts };
}
