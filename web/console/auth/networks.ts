// The optional allow-list of client networks (console.allowedNetworks): an empty list allows
// every address. IPv4 clients seen through an IPv6 socket (::ffff:192.0.2.1) match IPv4 networks.
import ipaddr from 'ipaddr.js';

export type AddressCheck = (address: string | undefined) => boolean;

export function networkAllowList(cidrs: readonly string[]): AddressCheck {
  if (cidrs.length === 0) return () => true;
  const ranges = cidrs.map((c) =>
    c.includes('/') ? ipaddr.parseCIDR(c) : ([ipaddr.parse(c), ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number]),
  );
  return (address) => {
    if (!address || !ipaddr.isValid(address)) return false;
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    return ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  };
}

/** Whether the address lies in one of these networks (CIDR or single addresses); an empty list holds nothing. */
export function inNetworks(address: string, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return false;
  try {
    return networkAllowList(cidrs)(address);
  } catch {
    return false;
  }
}

/** The /24 (IPv4) or /48 (IPv6) of an address, the unit login failures are counted by; the address itself when it does not parse. */
export function networkOf(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const bits = ip.kind() === 'ipv4' ? 24 : 48;
  const net = ip.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/24`) : ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/48`);
  return `${net.toString()}/${bits}`;
}
