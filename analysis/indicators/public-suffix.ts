// Hosts must end in a real top-level domain (issue 12: `r11.o.lencr.org0`, `o@bnb.gov.b`,
// `mail.localdomain` and HELO junk are not indicators). The Public Suffix List (tldts) decides:
// a host counts when its public suffix is an ICANN one; a private suffix (blogspot.com,
// github.io) is fine because its ICANN top-level domain exists. IP literals always count.
// `.example` and `.test` (RFC 2606, reserved for documentation) count too: they never route, every
// fixture and document of this project uses them, and a real mail carrying one harms no one.
import { parse } from 'tldts';
import type { CandidateIndicator } from '../types.ts';
import { normalizeIp } from './normalize.ts';

const DOCUMENTATION_TLDS = new Set(['example', 'test']);

/** True when the host is an IP literal or its top-level domain is in the Public Suffix List. */
export function hasPublicSuffix(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/\.+$/, '');
  if (h === '' || normalizeIp(h)) return true;
  if (DOCUMENTATION_TLDS.has(h.slice(h.lastIndexOf('.') + 1))) return true;
  return parse(h, { allowPrivateDomains: false }).isIcann === true;
}

/** The host a candidate names (URL host, address domain, domain), or null for other types. */
export function hostOfCandidate(c: Pick<CandidateIndicator, 'type' | 'value'>): string | null {
  switch (c.type) {
    case 'domain-name':
    case 'email-message-id-domain':
      return c.value;
    case 'email-addr':
      return c.value.slice(c.value.lastIndexOf('@') + 1);
    case 'url': {
      try {
        return new URL(c.value).hostname.replace(/^\[|\]$/g, '');
      } catch {
        return null;
      }
    }
    case 'ipv4-addr':
    case 'ipv6-addr':
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
}

/** False for a candidate whose host has no real public suffix; true otherwise. */
export function candidateHasPublicSuffix(c: Pick<CandidateIndicator, 'type' | 'value'>): boolean {
  const host = hostOfCandidate(c);
  return host === null || hasPublicSuffix(host);
}
