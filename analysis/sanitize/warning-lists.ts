// Warning lists: benign or special infrastructure that must not be shared as malicious without an
// analyst's look. Two formats (warning-lists-format.ts): our own lists in
// policies/warninglists/*.json and the MISP project's lists in policies/warninglists/misp/, where
// operators drop newer MISP files unchanged.
//
// A match has one of two effects (classifyWarnings):
//   withhold  the indicator is infrastructure or benign: kept for the analyst, flagged with the
//             list's name, never published automatically;
//   advise    a warning shown with the indicator, which is still published. A popular host is a
//             warning on a host indicator, not a reason to drop a full URL: a `url` with a path or
//             query that a list matches only by its host (MISP string/hostname lists on the URL's
//             host, cidr lists on an IP-literal host) is advised, not withheld.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { C4Error } from '../../core/errors.ts';
import type { IndicatorType } from '../../core/types.ts';
import { normalizeHost } from '../indicators/normalize.ts';
import { compileWarningLists } from './warning-lists-compile.ts';
import { hostPart, urlParts } from './warning-lists-hosts.ts';
import { readWarningListFile, type WarningList } from './warning-lists-format.ts';

export { warningListSchema, type MispWarningList, type OwnWarningList, type WarningList } from './warning-lists-format.ts';

export const WARNING_LISTS_DIR = 'warninglists';
export const MISP_WARNING_LISTS_DIR = 'misp';

/**
 * Our own lists (`<policiesDir>/warninglists/*.json`), then the MISP lists
 * (`warninglists/misp/*.json`, or `misp/<list>/list.json` as in the MISP repository), each in file
 * name order. A file's format is told by its keys; names must be unique (a MISP list is named
 * `misp/<file name>`).
 */
export function loadWarningLists(policiesDir: string): readonly WarningList[] {
  const dir = path.join(policiesDir, WARNING_LISTS_DIR);
  const mispDir = path.join(dir, MISP_WARNING_LISTS_DIR);
  const files = [...listFiles(dir, true), ...listFiles(mispDir, false)];
  const lists = files.map((file) => readWarningListFile(file, mispName(file)));
  const names = new Set<string>();
  for (const wl of lists) {
    if (names.has(wl.name)) throw new C4Error('CONFIG_INVALID', `warning list name ${wl.name} is used twice in ${dir}`, { dir, name: wl.name });
    names.add(wl.name);
  }
  return Object.freeze(lists);
}

function listFiles(dir: string, required: boolean): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new C4Error('CONFIG_INVALID', `cannot read warning lists in ${dir}: ${(err as Error).message}`, { dir });
  }
  if (required) return entries.filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f));
  return entries.flatMap((f) => {
    const full = path.join(dir, f);
    if (f.endsWith('.json')) return [full];
    const nested = path.join(full, 'list.json');
    return statSync(full).isDirectory() && statSync(nested, { throwIfNoEntry: false })?.isFile() ? [nested] : [];
  });
}

/** The name a MISP-format file's list gets: `misp/<file name>` (`misp/<folder>` for `<folder>/list.json`). */
const mispName = (file: string) => `misp/${path.basename(file) === 'list.json' ? path.basename(path.dirname(file)) : path.basename(file, '.json')}`;

type IndicatorRef = { readonly type: IndicatorType; readonly value: string };

export interface WarningClasses {
  /** Lists that make the indicator infrastructure or benign: not published automatically. */
  readonly withhold: readonly string[];
  /** Lists that only warn: the indicator is still published, with the warning. */
  readonly advise: readonly string[];
}

/** The lists an indicator matches, split by effect, each in list order. */
export function classifyWarnings(indicator: IndicatorRef, lists: readonly WarningList[]): WarningClasses {
  const { type, value } = indicator;
  const url = type === 'url' ? urlParts(value) : null;
  const host = url ? url.host : hostPart(type, value);
  const domain = type === 'email-addr' ? host : null;
  const withhold: string[] = [];
  const advise: string[] = [];
  for (const wl of compileWarningLists(lists)) {
    if ((wl.valueTypes.has(type) && wl.testValue(type, value, host)) || (domain !== null && wl.emailDomain && wl.testHost(domain))) withhold.push(wl.name);
    else if (url !== null && (wl.urlHost || (wl.urlIpHost && url.isIp)) && wl.testHost(url.host)) (url.hasPath ? advise : withhold).push(wl.name);
  }
  return { withhold, advise };
}

/** Names of the lists that withhold an indicator, in list order (classifyWarnings(...).withhold). */
export function matchWarningLists(indicator: IndicatorRef, lists: readonly WarningList[]): string[] {
  return [...classifyWarnings(indicator, lists).withhold];
}

/**
 * The first list naming a host (lists for domain names) or an IP address (lists for addresses), or
 * null: whether a Received hop is a known provider's. Lists only about top-level names never count.
 */
export function matchInfrastructure(hostOrIp: string, lists: readonly WarningList[]): string | null {
  const host = normalizeHost(hostOrIp);
  if (!host) return null;
  const type: IndicatorType = host.kind === 'ipv4' ? 'ipv4-addr' : host.kind === 'ipv6' ? 'ipv6-addr' : 'domain-name';
  for (const wl of compileWarningLists(lists)) {
    if (!wl.tldOnly && wl.valueTypes.has(type) && wl.testValue(type, host.value, host.value)) return wl.name;
  }
  return null;
}
