// The optional allow-list of client networks (console.allowedNetworks): an empty list allows
// every address. IPv4 clients seen through an IPv6 socket (::ffff:192.0.2.1) match IPv4 networks.
import ipaddr from 'ipaddr.js';

export type AddressCheck = (address: string | undefined) => boolean;

export function networkAllowList(cidrs: readonly string[]): AddressCheck {
  if (cidrs.length === 0) return () => true;
  const ranges = cidrs.map((c) => (c.includes('/') ? ipaddr.parseCIDR(c) : ([ipaddr.parse(c), ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number])));
  return (address) => {
    if (!address || !ipaddr.isValid(address)) return false;
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    return ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  };
}
