// Loaded warning lists compiled once into lookups (cached per loaded list set): host names in Sets
// walked up the labels, CIDR blocks indexed by prefix length, substrings by length, exact values in
// Sets. A lookup costs about the number of lists, not the number of entries.
import type { IndicatorType } from '../../core/types.ts';
import { domainMatcher, networkIndex, networkMatcher } from '../indicators/host-match.ts';
import type { OwnWarningList, WarningList } from './warning-lists-format.ts';
import { compileMispList } from './warning-lists-misp.ts';

/** One list, ready to match. */
export interface CompiledList {
  readonly name: string;
  /** Only about top-level names: never makes a host "infrastructure" (every host ends in a TLD). */
  readonly tldOnly: boolean;
  /** Indicator types the list tests (`testValue`). */
  readonly valueTypes: ReadonlySet<IndicatorType>;
  /** The host of a `url` is tested (`testHost`): a host-level match, a warning on a URL with a path. */
  readonly urlHost: boolean;
  /** The IP-literal host of a `url` is tested (`testHost`), host-level as above. */
  readonly urlIpHost: boolean;
  /** The domain of an `email-addr` is tested (`testHost`). */
  readonly emailDomain: boolean;
  /** `host` is hostPart(type, value), computed once per indicator by the caller. */
  testValue(type: IndicatorType, value: string, host: string | null): boolean;
  /** `host` is a normalised host name or IP address. */
  testHost(host: string): boolean;
}

/** Lookups shared by the lists of one set: the CIDR blocks of all MISP lists in one index. */
export interface SharedLookups {
  /** Names of the MISP cidr lists with a block that contains `ip`. */
  cidrLists(ip: string): ReadonlySet<string>;
}

const COMPILED = new WeakMap<readonly WarningList[], readonly CompiledList[]>();

export function compileWarningLists(lists: readonly WarningList[]): readonly CompiledList[] {
  const cached = COMPILED.get(lists);
  if (cached) return cached;
  const compiled = lists.map((wl) => (wl.format === 'c4tap' ? compileOwnList(wl) : compileMispList(wl, shared(lists))));
  COMPILED.set(lists, compiled);
  return compiled;
}

const SHARED = new WeakMap<readonly WarningList[], SharedLookups>();

function shared(lists: readonly WarningList[]): SharedLookups {
  const cached = SHARED.get(lists);
  if (cached) return cached;
  const index = networkIndex(lists.flatMap((wl) => (wl.format === 'misp' && wl.type === 'cidr' ? wl.list.map((c) => [c, wl.name] as const) : [])));
  // One-entry memo: the lists of a set are asked about the same address one after the other.
  let last: { ip: string; names: ReadonlySet<string> } | null = null;
  const lookups: SharedLookups = {
    cidrLists(ip) {
      if (last?.ip !== ip) last = { ip, names: new Set(index.matchAll(ip)) };
      return last.names;
    },
  };
  SHARED.set(lists, lookups);
  return lookups;
}

/** Our own format: every match is value-level (the list's `appliesTo` says which forms it covers). */
function compileOwnList(wl: OwnWarningList): CompiledList {
  const domains = wl.matching === 'domain' ? domainMatcher(wl.list) : null;
  const networks = wl.matching === 'cidr' ? networkMatcher(wl.list) : null;
  const exact = wl.matching === 'exact' ? new Set(wl.list.map((e) => e.toLowerCase())) : null;
  const testHost = (host: string) => (domains !== null && domains.match(host) !== null) || (networks !== null && networks.match(host) !== null);
  return {
    name: wl.name,
    tldOnly: false,
    valueTypes: new Set(wl.appliesTo),
    urlHost: false,
    urlIpHost: false,
    emailDomain: false,
    testValue: (_type, value, host) => (exact !== null ? exact.has(value.toLowerCase()) : host !== null && testHost(host)),
    testHost,
  };
}
