// Values that are never indicators, whatever else is true of them (DESIGN.md §2): victims (addresses
// at registered domains, wherever found) and submitters, the exchange's own addresses, registered domains (and subdomains) and networks of
// any organisation or of the exchange, and hosts and IPs of the internal side of the Received chain.
import type { IndicatorType } from '../../core/types.ts';
import { domainMatcher, networkMatcher, type DomainMatcher, type NetworkMatcher } from '../indicators/host-match.ts';
import { normalizeAddress, normalizeHost } from '../indicators/normalize.ts';
import type { SanitizeContext } from './context.ts';
import { fold } from './identifiers.ts';

export interface NeverGuard {
  /** Why this indicator must never be one, or null when it may be. */
  reason(type: IndicatorType, value: string): string | null;
}

function hostReason(
  host: string,
  g: {
    members: DomainMatcher;
    exchange: DomainMatcher;
    networks: NetworkMatcher;
    exchangeNets: NetworkMatcher;
    internalHosts: ReadonlySet<string>;
    internalIps: ReadonlySet<string>;
  },
): string | null {
  const h = normalizeHost(host);
  if (!h) return null;
  if (h.kind === 'domain') {
    if (g.exchange.match(h.value)) return 'exchange domain';
    if (g.members.match(h.value)) return 'registered domain of an organisation';
    if (g.internalHosts.has(h.value)) return 'internal relay host';
    return null;
  }
  if (g.exchangeNets.match(h.value)) return 'exchange network';
  if (g.networks.match(h.value)) return 'registered network of an organisation';
  if (g.internalIps.has(h.value)) return 'internal relay address';
  return null;
}

export function neverGuard(ctx: SanitizeContext): NeverGuard {
  const people = new Map<string, string>();
  // Later entries win: the drop address is also a recipient of the forward, but it is the exchange's.
  for (const a of ctx.submitters) if (a.address) people.set(fold(a.address.trim()), 'submitter address');
  for (const a of ctx.victims) if (a.address) people.set(fold(a.address.trim()), 'victim address');
  for (const a of ctx.exchange.addresses) people.set(fold(a.trim()), 'exchange address');
  const g = {
    members: domainMatcher(ctx.organisations.flatMap((o) => o.domains)),
    exchange: domainMatcher(ctx.exchange.domains),
    networks: networkMatcher(ctx.organisations.flatMap((o) => o.networks)),
    exchangeNets: networkMatcher(ctx.exchange.networks),
    internalHosts: new Set(ctx.internalHops?.internalHosts ?? []),
    internalIps: new Set(ctx.internalHops?.internalIps ?? []),
  };
  return {
    reason(type, value) {
      switch (type) {
        case 'email-addr': {
          const addr = normalizeAddress(value);
          const who = people.get(fold(value)) ?? (addr ? people.get(addr.value) : undefined);
          if (who) return who;
          return addr ? hostReason(addr.domain.value, g) : null;
        }
        case 'domain-name':
        case 'email-message-id-domain':
        case 'ipv4-addr':
        case 'ipv6-addr':
          return hostReason(value, g);
        case 'url': {
          try {
            return hostReason(new URL(value).hostname.replace(/^\[|\]$/g, ''), g);
          } catch {
            return 'unparsable URL';
          }
        }
        // Not hosts nor addresses: what never leaves among these (a victim's name in a subject or a
        // file name) is the redaction's job (redact-text.ts), which runs before indicators exist.
        case 'email-subject':
        case 'x-mailer':
        case 'file-sha256':
        case 'file-sha1':
        case 'file-md5':
        case 'file-name':
        case 'yara-rule':
        case 'av-signature':
          return null;
      }
    },
  };
}
