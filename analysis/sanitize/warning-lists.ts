// Warning lists (policies/warninglists/*.json): benign or special infrastructure that must not be
// shared as malicious without an analyst's look. A matching indicator is kept and flagged with the
// list's name; flagged indicators are excluded from automatic publication.
//
// A list matches by `domain` (the domain and its subdomains; URL hosts and address domains too),
// `cidr` (IPv4/IPv6 blocks; URL hosts that are IP literals too) or `exact` (the whole value,
// case-insensitive), and only indicators of the types in its `appliesTo`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { C4Error } from '../../core/errors.ts';
import { INDICATOR_TYPES, type IndicatorType } from '../../core/types.ts';
import { domainMatcher, isNetwork, networkMatcher, type DomainMatcher, type NetworkMatcher } from '../indicators/host-match.ts';
import { normalizeAddress, normalizeHost } from '../indicators/normalize.ts';
import { readPolicyJson } from './policy-file.ts';

export const WARNING_LISTS_DIR = 'warninglists';

export const warningListSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens'),
    description: z.string().min(1),
    matching: z.enum(['domain', 'cidr', 'exact']),
    appliesTo: z.array(z.enum(INDICATOR_TYPES)).min(1),
    list: z.array(z.string().min(1)),
  })
  .superRefine((wl, ctx) => {
    wl.list.forEach((entry, i) => {
      const bad =
        (wl.matching === 'cidr' && !isNetwork(entry)) ||
        (wl.matching === 'domain' && normalizeHost(entry)?.kind !== 'domain' && !/^[a-z0-9-]+$/i.test(entry));
      if (bad) ctx.addIssue({ code: 'custom', path: ['list', i], message: `not a ${wl.matching}: ${entry}` });
    });
  });

export type WarningList = Readonly<z.infer<typeof warningListSchema>>;

/** Every `*.json` list in <policiesDir>/warninglists, in file name order; names must be unique. */
export function loadWarningLists(policiesDir: string): readonly WarningList[] {
  const dir = path.join(policiesDir, WARNING_LISTS_DIR);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `cannot read warning lists in ${dir}: ${(err as Error).message}`, { dir });
  }
  const lists = files.map((f) => readPolicyJson(path.join(dir, f), warningListSchema, 'warning list'));
  const names = new Set<string>();
  for (const wl of lists) {
    if (names.has(wl.name)) throw new C4Error('CONFIG_INVALID', `warning list name ${wl.name} is used twice in ${dir}`, { dir, name: wl.name });
    names.add(wl.name);
  }
  return Object.freeze(lists);
}

interface Compiled {
  readonly name: string;
  readonly types: ReadonlySet<IndicatorType>;
  readonly domains: DomainMatcher | null;
  readonly networks: NetworkMatcher | null;
  readonly exact: ReadonlySet<string> | null;
}

const COMPILED = new WeakMap<readonly WarningList[], readonly Compiled[]>();

function compile(lists: readonly WarningList[]): readonly Compiled[] {
  const cached = COMPILED.get(lists);
  if (cached) return cached;
  const compiled = lists.map((wl) => ({
    name: wl.name,
    types: new Set(wl.appliesTo),
    domains: wl.matching === 'domain' ? domainMatcher(wl.list) : null,
    networks: wl.matching === 'cidr' ? networkMatcher(wl.list) : null,
    exact: wl.matching === 'exact' ? new Set(wl.list.map((e) => e.toLowerCase())) : null,
  }));
  COMPILED.set(lists, compiled);
  return compiled;
}

/** The host part an indicator is matched on: the value, a URL's host, an address's domain. */
function hostOf(type: IndicatorType, value: string): string | null {
  if (type === 'domain-name' || type === 'email-message-id-domain' || type === 'ipv4-addr' || type === 'ipv6-addr') return value;
  if (type === 'email-addr') return normalizeAddress(value)?.domain.value ?? null;
  if (type === 'url') {
    try {
      return new URL(value).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return null;
    }
  }
  return null;
}

/** Names of the lists an indicator matches, in list order. */
export function matchWarningLists(indicator: { readonly type: IndicatorType; readonly value: string }, lists: readonly WarningList[]): string[] {
  const out: string[] = [];
  const host = hostOf(indicator.type, indicator.value);
  for (const wl of compile(lists)) {
    if (!wl.types.has(indicator.type)) continue;
    const hit =
      (wl.exact !== null && wl.exact.has(indicator.value.toLowerCase())) ||
      (host !== null && wl.domains !== null && wl.domains.match(host) !== null) ||
      (host !== null && wl.networks !== null && wl.networks.match(host) !== null);
    if (hit) out.push(wl.name);
  }
  return out;
}
