// Matching host names against domain lists (a domain matches itself and its subdomains) and IP
// addresses against CIDR lists (IPv4 and IPv6). Shared by the Received-chain cut, the sanitizer
// and the warning lists.
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
      const h = normalizeHost(host);
      const name = h?.kind === 'domain' ? h.value : host.trim().toLowerCase().replace(/\.+$/, '');
      if (name === '') return null;
      // Walk up the labels: a.b.corp.example → b.corp.example → corp.example → example.
      for (let cur = name; ; ) {
        if (set.has(cur)) return cur;
        const dot = cur.indexOf('.');
        if (dot < 0) return null;
        cur = cur.slice(dot + 1);
      }
    },
  };
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Matcher over CIDR blocks (a bare address is a /32 or /128); unparsable entries are ignored. */
export function networkMatcher(cidrs: readonly string[]): NetworkMatcher {
  const ranges: { readonly text: string; readonly range: Range }[] = [];
  for (const text of cidrs) {
    const t = text.trim();
    try {
      const addr = t.includes('/') ? null : ipaddr.parse(t);
      const range: Range = addr ? [addr, addr.kind() === 'ipv4' ? 32 : 128] : ipaddr.parseCIDR(t);
      ranges.push({ text: t, range });
    } catch {
      // not a network: skipped (lists are validated when loaded)
    }
  }
  return {
    match(ip) {
      const normal = normalizeIp(ip);
      if (!normal) return null;
      const addr = ipaddr.parse(normal.value);
      for (const { text, range } of ranges) {
        if (range[0].kind() === addr.kind() && addr.match(range)) return text;
      }
      return null;
    },
  };
}

/** True when the text parses as a CIDR block or a bare IP address. */
export function isNetwork(text: string): boolean {
  try {
    if (text.includes('/')) ipaddr.parseCIDR(text.trim());
    else ipaddr.parse(text.trim());
    return true;
  } catch {
    return false;
  }
}
