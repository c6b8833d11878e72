// Client addresses grouped the way limits count them: the network of an address (/24 for IPv4,
// /48 for IPv6, like Postfix's anvil-style per-network counting), and whether it lies in a
// network registered for an organisation (`networks` in the store), re-read every minute.
import ipaddr from 'ipaddr.js';
import type { Organisation } from '../core/types.ts';

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

function parse(address: string): Ip | null {
  if (!ipaddr.isValid(address)) return null;
  const ip = ipaddr.parse(address);
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

/** `192.0.2.0/24`, `2001:db8:1::/48`; the address itself when it does not parse. */
export function networkOf(address: string): string {
  const ip = parse(address);
  if (!ip) return address;
  const bits = ip.kind() === 'ipv4' ? 24 : 48;
  const net =
    ip.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${bits}`);
  return `${net.toString()}/${bits}`;
}

export type NetworkList = readonly (readonly [Ip, number])[];

export function parseNetworks(cidrs: readonly string[]): NetworkList {
  const out: [Ip, number][] = [];
  for (const c of cidrs) {
    try {
      if (c.includes('/')) out.push(ipaddr.parseCIDR(c));
      else {
        const ip = ipaddr.parse(c);
        out.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
      }
    } catch {
      // A malformed registration matches nothing.
    }
  }
  return out;
}

export function inNetworks(address: string, networks: NetworkList): boolean {
  const ip = parse(address);
  return ip !== null && networks.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

export interface RegisteredNetworks {
  /** The organisations whose registered networks hold this address (empty when none). */
  orgsOf(address: string): Promise<readonly string[]>;
}

/** Organisations' registered networks, re-read from the store at most every `ttlMs`. */
export function registeredNetworks(
  list: () => Promise<readonly Pick<Organisation, 'id' | 'networks'>[]>,
  ttlMs = 60_000,
  now: () => number = Date.now,
): RegisteredNetworks {
  let cached: Promise<readonly (readonly [string, NetworkList])[]> | null = null;
  let readAt = 0;
  const load = () => {
    if (!cached || now() - readAt >= ttlMs) {
      readAt = now();
      const current = list().then((orgs) => orgs.filter((o) => o.networks.length > 0).map((o) => [o.id, parseNetworks(o.networks)] as const));
      cached = current;
      current.catch(() => {
        if (cached === current) cached = null;
      });
    }
    return cached;
  };
  return {
    async orgsOf(address) {
      const orgs = await load();
      return orgs.filter(([, nets]) => inNetworks(address, nets)).map(([id]) => id);
    },
  };
}
