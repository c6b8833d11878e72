// The host part of an indicator in normal form, as the warning lists match it.
import type { IndicatorType } from '../../core/types.ts';
import { normalizeAddress, normalizeHost, normalizeIp } from '../indicators/normalize.ts';

/** The host part of an indicator in normal form: a host or IP value, a URL's host, an address's domain. */
export function hostPart(type: IndicatorType, value: string): string | null {
  if (type === 'domain-name' || type === 'email-message-id-domain' || type === 'ipv4-addr' || type === 'ipv6-addr') return normalHost(value);
  if (type === 'email-addr') return normalizeAddress(value)?.domain.value ?? null;
  if (type === 'url') return urlParts(value)?.host ?? null;
  return null;
}

/** Host names and IPs in normal form; a single label (`localhost`) lower-cased as written. */
export function normalHost(text: string): string {
  // A plain lower-case ASCII name is its own normal form (normalizeHost costs ~20 µs a call).
  if (/^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(text) && /[a-z_-]/.test(text.slice(text.lastIndexOf('.') + 1))) return text;
  return normalizeHost(text)?.value ?? text.trim().toLowerCase().replace(/\.+$/, '');
}

export interface UrlParts {
  /** Normalised host name or IP address. */
  readonly host: string;
  readonly isIp: boolean;
  /** A path other than "/" or a query: the URL names more than its host. */
  readonly hasPath: boolean;
}

export function urlParts(value: string): UrlParts | null {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `http://${value}`);
  } catch {
    return null;
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (hostname === '') return null;
  const ip = /^[\d.]+$|:/.test(hostname) ? normalizeIp(hostname) : null;
  return { host: ip?.value ?? normalHost(hostname), isIp: ip !== null, hasPath: (url.pathname !== '' && url.pathname !== '/') || url.search.length > 1 };
}
