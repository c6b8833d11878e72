// The Received chain and where it is cut (DESIGN.md §2). Received fields are written top first, each
// by the server that took the message (`by`) about the one that handed it over (`from`). Only the
// top of the chain can be trusted: everything below the entry into the victim's side was written
// by the sender and may be forged. So the chain is read from the top down, through the unbroken
// run of hops inside participants' (and the exchange's) infrastructure; the first node outside it
// is where the attacker side begins. Loopback, private and unknown names inside that run do not
// break it (internal relays often show them), and neither do hops of a known mail provider (a
// warning-listed name or address: the receiving mailbox is often Microsoft 365 or Gmail, whose
// internal hops fill the top of the chain). Hops above the cut never give indicators; below it, a
// hop whose address, reverse-DNS or `by` name is warning-listed is a provider's relay, not the
// attacker's, and gives none either (its claimed HELO name alone does not count: the sender writes it).
import ipaddr from 'ipaddr.js';
import type { HopNode } from '../../core/analysis-record/index.ts';
import { parse } from 'tldts';
import type { DomainMatcher, NetworkMatcher } from './host-match.ts';
import { normalizeHost, normalizeIp } from './normalize.ts';

export type { HopNode };

export interface ReceivedCut {
  /** Number of Received fields. */
  readonly hops: number;
  /**
   * Index (0 = top) of the lowest Received field of the run of participant or exchange hops at the
   * top: where the message entered the victim's side. Null when the top of the chain is not in
   * known infrastructure (then no hop is trusted and every Received indicator is flagged).
   */
  readonly entry: number | null;
  /** The listed domain or network that identified the entry (for the console; never published). */
  readonly entryMatched: string | null;
  /** The nodes below the cut, top first, that are no provider's: they give indicators. */
  readonly attackerSide: readonly HopNode[];
  /** Nodes below the cut that are a known provider's relays (name or address warning-listed): for the console only. */
  readonly providerSide: readonly { readonly node: HopNode; readonly matched: string }[];
  /** Hosts and IPs of the participants' own nodes above the cut (not providers'): never indicators, wherever else they appear. */
  readonly internalHosts: readonly string[];
  readonly internalIps: readonly string[];
}

export interface Infrastructure {
  readonly domains: DomainMatcher;
  readonly networks: NetworkMatcher;
  /** The warning list naming a host name or IP as a known provider's, or null (analysis/sanitize matchInfrastructure). */
  readonly provider?: (hostOrIp: string) => string | null;
}

const IP_IN_BRACKETS = /\[(?:ipv6:)?([0-9a-f:.]{3,45})\]/gi;
const IP_IN_PARENS = /\(([0-9a-f:.]{3,45})\)/gi;

function hostsOf(tokens: readonly (readonly [string | undefined, 'helo' | 'rdns' | 'by'])[]): HopNode['hosts'] {
  const out: { value: string; unicode?: string; role: 'helo' | 'rdns' | 'by' }[] = [];
  for (const [token, role] of tokens) {
    if (!token) continue;
    const host = normalizeHost(token.replace(/^[[(]+|[\])]+$/g, ''));
    if (host?.kind === 'domain' && !out.some((h) => h.value === host.value)) out.push({ ...host, role });
  }
  return out;
}

function ipsOf(text: string): HopNode['ips'] {
  const out: { value: string; kind: 'ipv4' | 'ipv6' }[] = [];
  for (const re of [IP_IN_BRACKETS, IP_IN_PARENS]) {
    for (const m of text.matchAll(re)) {
      const ip = normalizeIp(m[1]!);
      if (ip && !out.some((i) => i.value === ip.value)) out.push(ip);
    }
  }
  return out;
}

/** The `from` and `by` nodes of one Received field (either may be absent). */
export function parseReceived(field: string, header: number): { readonly from: HopNode | null; readonly by: HopNode | null } {
  const body = field
    .replace(/\s+/g, ' ')
    .replace(/;[^;]*$/, ' ')
    .slice(0, 4096);
  const byMatch = /(?:^|[\s)])by\s+(\S+)/i.exec(body);
  const fromMatch = /^\s*from\s+(\S+)/i.exec(body);
  let from: HopNode | null = null;
  if (fromMatch) {
    const fromText = body.slice(0, byMatch ? byMatch.index : body.length);
    const rdns = /\(\s*([^\s()[\]]+)\s*\[/.exec(fromText)?.[1];
    const helo = /\b(?:helo|ehlo)[=\s]\s*([^\s()]+)/i.exec(fromText)?.[1] ?? fromMatch[1];
    // `from 102.64.220.94 (…)`: webmail and some relays write the client's address bare.
    const bare = normalizeIp(fromMatch[1]!.replace(/^[[(]+|[\])]+$/g, ''));
    const ips = ipsOf(fromText);
    from = {
      header,
      part: 'from',
      hosts: hostsOf([
        [helo, 'helo'],
        [rdns, 'rdns'],
      ]),
      ips: bare && !ips.some((i) => i.value === bare.value) ? [bare, ...ips] : ips,
    };
  }
  let by: HopNode | null = null;
  if (byMatch) {
    const token = byMatch[1]!.replace(/^\[|\]$/g, '');
    const ip = normalizeIp(token);
    by = { header, part: 'by', hosts: ip ? [] : hostsOf([[token, 'by']]), ips: ip ? [ip] : [] };
  }
  return { from, by };
}

/** Not unicast on the public internet: loopback, private, link-local, … */
function isNonPublic(ip: string): boolean {
  return ipaddr.parse(ip).range() !== 'unicast';
}

type NodeClass =
  | { readonly kind: 'infra'; readonly matched: string }
  | { readonly kind: 'provider'; readonly matched: string }
  | { readonly kind: 'neutral' }
  | { readonly kind: 'outside' };

/** The list naming this node a provider's: by its addresses, its `by` name, or its reverse-DNS name; never by a HELO name alone. */
function providerOf(node: HopNode, infra: Infrastructure): string | null {
  if (!infra.provider) return null;
  // Special-purpose addresses (private, documentation, …) are no provider's: they say nothing of who relayed.
  const publicIps = node.ips.filter((ip) => !isNonPublic(ip.value));
  for (const ip of publicIps) {
    const listed = infra.provider(ip.value);
    if (listed) return listed;
  }
  for (const host of node.hosts) {
    // A HELO name counts only where no public address could contradict it (internal hops).
    if (host.role === 'helo' && publicIps.length > 0) continue;
    // Special-use names (`.example`, `.local`, …) are on lists too, but they name no provider.
    if (parse(host.value).isIcann !== true) continue;
    const listed = infra.provider(host.value);
    if (listed) return listed;
  }
  return null;
}

function classify(node: HopNode, infra: Infrastructure): NodeClass {
  for (const ip of node.ips) {
    const matched = infra.networks.match(ip.value);
    if (matched) return { kind: 'infra', matched };
  }
  // A sender's claimed names (HELO, reverse DNS) count only when no public address contradicts them.
  const publicIps = node.ips.filter((ip) => !isNonPublic(ip.value));
  if (publicIps.length === 0 || node.part === 'by') {
    for (const host of node.hosts) {
      const matched = infra.domains.match(host.value);
      if (matched) return { kind: 'infra', matched };
    }
  }
  const provider = providerOf(node, infra);
  if (provider) return { kind: 'provider', matched: provider };
  if (publicIps.length > 0) return { kind: 'outside' };
  return node.hosts.length === 0 ? { kind: 'neutral' } : { kind: 'outside' };
}

/** Cuts the chain (fields top first, as in OriginalHeaders.received) at the entry into `infra`. */
export function cutReceivedChain(received: readonly string[], infra: Infrastructure): ReceivedCut {
  const nodes: HopNode[] = [];
  received.forEach((field, i) => {
    const { from, by } = parseReceived(field, i);
    if (by) nodes.push(by);
    if (from) nodes.push(from);
  });
  let entry: number | null = null;
  let entryMatched: string | null = null;
  let cut = 0;
  const providers: boolean[] = [];
  for (; cut < nodes.length; cut++) {
    const node = nodes[cut]!;
    const c = classify(node, infra);
    if (c.kind === 'outside') break;
    providers.push(c.kind === 'provider');
    if (c.kind === 'infra' || c.kind === 'provider') {
      entry = node.header;
      entryMatched = c.kind === 'infra' ? c.matched : `warning list ${c.matched}`;
    }
  }
  if (entry === null) cut = 0; // nothing trusted at the top: every node is the sender's word
  // A provider's hops give no Received indicators, but their names stay indicators elsewhere (a
  // lure URL on github.com): only the participants' own side is suppressed wherever it appears.
  const internal = nodes.slice(0, cut).filter((_, i) => !providers[i]);
  const below = nodes.slice(cut).map((node) => ({ node, matched: providerOf(node, infra) }));
  return {
    hops: received.length,
    entry,
    entryMatched,
    attackerSide: below.filter((b) => b.matched === null).map((b) => b.node),
    providerSide: below.flatMap((b) => (b.matched === null ? [] : [{ node: b.node, matched: b.matched }])),
    internalHosts: [...new Set(internal.flatMap((n) => n.hosts.map((h) => h.value)))],
    internalIps: [...new Set(internal.flatMap((n) => n.ips.map((ip) => ip.value)))],
  };
}
