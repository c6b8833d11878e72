// Who may send what to the drop: pure checks on envelope addresses, used at MAIL FROM and RCPT TO.
import { isIP } from 'node:net';
import { normaliseDomain } from '../core/directory.ts';
import type { Organisation, Principal } from '../core/types.ts';

export interface SplitAddress {
  readonly local: string;
  /** Lower-case, punycode. */
  readonly domain: string;
}

/** Local part and normalised domain, or null for an empty or domain-less address. */
export function splitAddress(address: string): SplitAddress | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  const domain = normaliseDomain(address.slice(at + 1));
  return domain ? { local: address.slice(0, at), domain } : null;
}

function sameOrSubdomain(domain: string, registered: string): boolean {
  return domain === registered || domain.endsWith('.' + registered);
}

/**
 * The envelope sender is allowed for this principal: one of its allowedSenders (an address, or
 * `@domain` / `domain` for any address at exactly that domain), or, when it has none, any address
 * at one of its organisation's registered domains or their subdomains. The null sender never is.
 */
export function senderAllowed(address: string, principal: Pick<Principal, 'allowedSenders'>, org: Pick<Organisation, 'domains'>): boolean {
  const sender = splitAddress(address);
  if (!sender) return false;
  const full = `${sender.local.toLowerCase()}@${sender.domain}`;
  if (principal.allowedSenders.length > 0) {
    return principal.allowedSenders.some((entry) => {
      const e = entry.toLowerCase();
      const at = e.lastIndexOf('@');
      if (at > 0) {
        const allowed = splitAddress(e);
        return allowed !== null && `${allowed.local}@${allowed.domain}` === full;
      }
      return normaliseDomain(at === 0 ? e.slice(1) : e) === sender.domain;
    });
  }
  return org.domains.some((d) => sameOrSubdomain(sender.domain, d));
}

/** The recipient is a drop address: any local part (and +tag) at the drop address's domain. */
export function isDropRecipient(address: string, dropAddress: string): boolean {
  const rcpt = splitAddress(address);
  const drop = splitAddress(dropAddress);
  return rcpt !== null && drop !== null && rcpt.domain === drop.domain;
}

export function isLoopback(address: string): boolean {
  const a = address.replace(/^::ffff:/i, '');
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}
