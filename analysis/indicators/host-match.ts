// Matching host names against domain lists (a domain matches itself and its subdomains) and IP
// addresses against CIDR lists (IPv4 and IPv6, indexed by prefix length). Shared by the
// Received-chain cut, the sanitizer and the warning lists.
import ipaddr from 'ipaddr.js';
import { normalizeHost, normalizeIp } from './normalize.ts';

export interface DomainMatcher {
  /** The listed domain that `host` is or is a subdomain of, or null. */
  match(host: string): string | null;
}

export interface NetworkMatcher {
  /** The listed network (CIDR as given) that contains `ip`, or null. */
  match(ip: string): string | null;
}

/** Matcher over domains given in any case, IDN or punycode, with or without a trailing dot. */
export function domainMatcher(domains: readonly string[]): DomainMatcher {
  const set = new Set<string>();
  for (const d of domains) {
    const host = normalizeHost(d.replace(/^\*\./, ''));
    if (host?.kind === 'domain') set.add(host.value);
    else if (/^[a-z0-9-]+$/i.test(d.trim())) set.add(d.trim().toLowerCase()); // a top-level name such as `invalid`
  }
  return {
    match(host) {
      // A plain lower-case ASCII name is its own normal form (normalizeHost costs ~20 µs a call).
      const plain = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(host);
      const h = plain ? null : normalizeHost(host);
      const name = plain ? host : h?.kind === 'domain' ? h.value : host.trim().toLowerCase().replace(/\.+$/, '');
      if (name === '') return null;
      // Walk up the labels: a.b.corp.example → b.corp.example → corp.example → example.
      for (let cur = name; ;) {
        if (set.has(cur)) return cur;
        const dot = cur.indexOf('.');
        if (dot < 0) return null;
        cur = cur.slice(dot + 1);
      }
    },
  };
}

/** A parsed block: the address bits as a BigInt (32 or 128 of them) and the prefix length. */
interface Block {
  readonly v6: boolean;
  readonly bits: bigint;
  readonly prefix: number;
}

function parseBlock(text: string): Block | null {
  return fastBlock(text) ?? slowBlock(text);
}

/** Dotted-quad IPv4 and plain IPv6 blocks without ipaddr.js's parse-by-throwing (lists hold 12,000). */
function fastBlock(text: string): Block | null {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? null : text.slice(slash + 1);
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText)) return null;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(addr)) {
    const octets = addr.split('.').map(Number);
    const prefix = prefixText === null ? 32 : Number(prefixText);
    return prefix > 32 || octets.some((o) => o > 255) ? null : { v6: false, bits: toBits(octets), prefix };
  }
  if (!/^[0-9a-f:.]+$/i.test(addr) || !addr.includes(':')) return null;
  const prefix = prefixText === null ? 128 : Number(prefixText);
  try {
    return prefix > 128 ? null : { v6: true, bits: toBits(ipaddr.IPv6.parse(addr).toByteArray()), prefix };
  } catch {
    return null;
  }
}

function slowBlock(text: string): Block | null {
  try {
    const [addr, prefix] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
    const v6 = addr.kind() === 'ipv6';
    return { v6, bits: toBits(addr.toByteArray()), prefix: prefix < 0 ? (v6 ? 128 : 32) : prefix };
  } catch {
    return null;
  }
}

function toBits(bytes: readonly number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** The network part of `bits` under `prefix` (of a `width`-bit address), used as the index key. */
const networkKey = (bits: bigint, prefix: number, width: number): bigint => bits >> BigInt(width - prefix);

export interface NetworkIndex<T> {
  /** The tags of every indexed block that contains `ip`, in the order the blocks were given. */
  matchAll(ip: string): readonly T[];
}

type Hits<T> = [order: number, tag: T][];

/**
 * Index over tagged CIDR blocks (a bare address is a /32 or /128; unparsable entries are ignored).
 * Blocks are kept by prefix length (one Map of network keys per length, IPv4 and IPv6 apart), so a
 * lookup costs one probe per distinct prefix length, not one per block.
 */
export function networkIndex<T>(entries: Iterable<readonly [cidr: string, tag: T]>): NetworkIndex<T> {
  const index = { v4: new Map<number, Map<bigint, Hits<T>>>(), v6: new Map<number, Map<bigint, Hits<T>>>() };
  let order = 0;
  for (const [cidr, tag] of entries) {
    const block = parseBlock(cidr.trim());
    order++;
    if (!block) continue; // not a network: skipped (lists are validated when loaded)
    const byPrefix = block.v6 ? index.v6 : index.v4;
    let keys = byPrefix.get(block.prefix);
    if (!keys) byPrefix.set(block.prefix, (keys = new Map()));
    const key = networkKey(block.bits, block.prefix, block.v6 ? 128 : 32);
    const hits = keys.get(key);
    if (hits) hits.push([order, tag]);
    else keys.set(key, [[order, tag]]);
  }
  return {
    matchAll(ip) {
      const normal = normalizeIp(ip);
      if (!normal) return [];
      const v6 = normal.kind === 'ipv6';
      const bits = toBits(ipaddr.parse(normal.value).toByteArray());
      const found: Hits<T> = [];
      for (const [prefix, keys] of v6 ? index.v6 : index.v4) {
        const hits = keys.get(networkKey(bits, prefix, v6 ? 128 : 32));
        if (hits) found.push(...hits);
      }
      return found.sort((a, b) => a[0] - b[0]).map(([, tag]) => tag);
    },
  };
}

/** Matcher over CIDR blocks; when blocks overlap, the one listed first is returned (as given, trimmed). */
export function networkMatcher(cidrs: readonly string[]): NetworkMatcher {
  const index = networkIndex(cidrs.map((c) => [c, c.trim()] as const));
  return { match: (ip) => index.matchAll(ip)[0] ?? null };
}

/** True when the text parses as a CIDR block or a bare IP address. */
export function isNetwork(text: string): boolean {
  return parseBlock(text.trim()) !== null;
}
