// MISP-format lists with MISP's semantics (app/Model/Warninglist.php), compiled for fast lookup:
//   string    the whole value, case-insensitive (hosts and IPs compared in normal form); an entry
//             with a leading dot (`.outlook.com`, as MISP's google and microsoft lists write them)
//             also matches every name under it
//   substring the value contains the entry (case-insensitive)
//   hostname  the host or any parent domain equals an entry (leading and trailing dots ignored)
//   cidr      an IPv4/IPv6 block contains the address
//   regex     a JavaScript RegExp of the entry (`/pattern/flags` or a bare pattern)
// `matching_attributes` (MISP attribute types) are mapped to our indicator types; types we do not
// have are ignored. A URL's host is tested by string and hostname lists that name `url`/`uri`
// (a host-level match); an IP-literal URL host by every list for IP attributes; an address's domain
// by hostname lists that name e-mail types and by string lists that name both e-mail and domains.
import { INDICATOR_TYPES, type IndicatorType } from '../../core/types.ts';
import type { CompiledList, SharedLookups } from './warning-lists-compile.ts';
import { normalHost } from './warning-lists-hosts.ts';
import { mispRegex, type MispWarningList } from './warning-lists-format.ts';

const IPS: readonly IndicatorType[] = ['ipv4-addr', 'ipv6-addr'];
const HOSTS: readonly IndicatorType[] = ['domain-name', 'email-message-id-domain'];

const ATTRIBUTE_TYPES: ReadonlyMap<string, readonly IndicatorType[]> = new Map([
  ['ip-src', IPS],
  ['ip-dst', IPS],
  ['ip-src|port', IPS],
  ['ip-dst|port', IPS],
  ['domain|ip', IPS],
  ['domain', HOSTS],
  ['hostname', HOSTS],
  ['url', ['url']],
  ['uri', ['url']],
  ['email', ['email-addr']],
  ['email-src', ['email-addr']],
  ['email-dst', ['email-addr']],
  ['md5', ['file-md5']],
  ['filename|md5', ['file-md5']],
  ['sha1', ['file-sha1']],
  ['filename|sha1', ['file-sha1']],
  ['sha256', ['file-sha256']],
  ['filename|sha256', ['file-sha256']],
]);

/** Lists only about top-level names (MISP's `tlds` and `second-level-tlds`). */
const TLD_LISTS = new Set(['misp/tlds', 'misp/second-level-tlds']);
const isTldList = (wl: MispWarningList) => TLD_LISTS.has(wl.name) || /\bTLDs?\b/.test(wl.title);

export function compileMispList(wl: MispWarningList, shared: SharedLookups): CompiledList {
  const mapped = new Set(wl.matchingAttributes === null ? INDICATOR_TYPES : wl.matchingAttributes.flatMap((a) => ATTRIBUTE_TYPES.get(a) ?? []));
  const names = (types: readonly IndicatorType[]) => types.some((t) => mapped.has(t));
  const test = entryTest(wl, shared);
  const hostLevel = wl.type === 'string' || wl.type === 'hostname';
  const valueTypes = new Set(mapped);
  if (wl.type === 'hostname') {
    valueTypes.delete('url'); // hostname lists see a URL's host, never the whole URL
    valueTypes.delete('email-addr');
  }
  return {
    name: wl.name,
    tldOnly: isTldList(wl),
    valueTypes,
    urlHost: hostLevel && mapped.has('url'),
    urlIpHost: names(IPS),
    emailDomain: mapped.has('email-addr') && (wl.type === 'hostname' || (wl.type === 'string' && names(HOSTS))),
    testValue: (type, value, host) => (HOSTS.includes(type) || IPS.includes(type) ? host !== null && test.host(host) : test.value(value)),
    testHost: (host) => test.host(host),
  };
}

interface EntryTest {
  /** A value that is not a host (URL, address, hash), compared as written. */
  value(value: string): boolean;
  /** A host name or IP address in normal form. */
  host(host: string): boolean;
}

/** Host names and IPs in normal form; other values (hashes, URLs) lower-cased. */
function canonical(text: string): string {
  const t = text.trim().toLowerCase();
  return !/[.:]/.test(t) || t.includes('/') ? t : normalHost(t);
}

/** Whether `host` or (with `parentsOnly`, only) one of its parent domains is in `set`. */
function walkUp(set: ReadonlySet<string>, host: string, parentsOnly: boolean): boolean {
  if (!parentsOnly && set.has(host)) return true;
  for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
    if (set.has(host.slice(dot + 1))) return true;
  }
  return false;
}

function entryTest(wl: MispWarningList, shared: SharedLookups): EntryTest {
  switch (wl.type) {
    case 'string': {
      const exact = new Set<string>();
      const under = new Set<string>();
      for (const e of wl.list) {
        const t = e.trim().toLowerCase();
        if (t.startsWith('.')) under.add(canonical(t.replace(/^\.+/, '')));
        else exact.add(t).add(canonical(t));
      }
      const host = (h: string) => exact.has(h) || (under.size > 0 && walkUp(under, h, true));
      return { value: (v) => exact.has(v.trim().toLowerCase()), host };
    }
    case 'hostname': {
      const set = new Set(wl.list.map((e) => canonical(e.replace(/^[\s.]+|[\s.]+$/g, ''))));
      const host = (h: string) => walkUp(set, h, false);
      return { value: (v) => host(canonical(v)), host };
    }
    case 'substring': {
      const contains = substringIndex(wl.list.map((e) => e.toLowerCase()));
      return { value: (v) => contains(v.toLowerCase()), host: contains };
    }
    case 'cidr': {
      const value = (v: string) => shared.cidrLists(v).has(wl.name);
      return { value, host: value };
    }
    case 'regex': {
      const patterns = wl.list.map(mispRegex);
      const value = (v: string) => patterns.some((p) => p.test(v));
      return { value, host: value };
    }
  }
}

/**
 * Whether a text contains one of the entries: entries are indexed by their first three characters,
 * so a text costs one Map probe per position, whatever the number and lengths of the entries.
 */
function substringIndex(entries: readonly string[]): (text: string) => boolean {
  const short = entries.filter((e) => e.length < 3);
  const byHead = new Map<number, string[]>();
  const head = (s: string, i: number) => (s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1)) * 65536 + s.charCodeAt(i + 2);
  for (const e of entries) {
    if (e.length < 3) continue;
    const list = byHead.get(head(e, 0));
    if (list) list.push(e);
    else byHead.set(head(e, 0), [e]);
  }
  return (text) => {
    if (short.some((e) => text.includes(e))) return true;
    for (let i = 0; i + 3 <= text.length; i++) {
      const candidates = byHead.get(head(text, i));
      if (candidates?.some((e) => text.startsWith(e, i))) return true;
    }
    return false;
  };
}
