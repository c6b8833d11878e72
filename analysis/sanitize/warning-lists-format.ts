// The two warning-list file formats, told apart by their keys: our own (`matching`, `appliesTo`)
// and the MISP project's (`type`, `matching_attributes`; github.com/MISP/misp-warninglists), so
// operators can drop the MISP project's newer files in unchanged. A bad file fails start-up with
// CONFIG_INVALID naming the file and the position of each problem.
import { z } from 'zod';
import { readJsonFile, validatePolicy } from '../../core/policy-file.ts';
import { INDICATOR_TYPES } from '../../core/types.ts';
import { isNetwork } from '../indicators/host-match.ts';
import { normalizeHost } from '../indicators/normalize.ts';

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
        (wl.matching === 'cidr' && !isNetwork(entry)) || (wl.matching === 'domain' && normalizeHost(entry)?.kind !== 'domain' && !/^[a-z0-9-]+$/i.test(entry));
      if (bad) ctx.addIssue({ code: 'custom', path: ['list', i], message: `not a ${wl.matching}: ${entry}` });
    });
  });

export const MISP_LIST_TYPES = ['string', 'substring', 'hostname', 'cidr', 'regex'] as const;
export type MispListType = (typeof MISP_LIST_TYPES)[number];

/** A MISP `regex` entry: `/pattern/flags` as MISP's preg_match takes it, or a bare pattern. */
export function mispRegex(entry: string): RegExp {
  const delimited = /^\/(.*)\/([a-zA-Z]*)$/s.exec(entry);
  const flags = delimited ? delimited[2]! : '';
  // g and y make test() stateful; x, U, D, A... are PCRE-only.
  if (/[^imsu]/.test(flags)) throw new SyntaxError(`unsupported regex flags: ${flags}`);
  return new RegExp(delimited ? delimited[1]! : entry, flags);
}

export const mispWarningListSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    type: z.enum(MISP_LIST_TYPES),
    list: z.array(z.string().min(1)),
    matching_attributes: z.array(z.string()).optional(),
    version: z.union([z.number(), z.string()]).optional(),
    category: z.string().optional(),
  })
  .superRefine((wl, ctx) => {
    wl.list.forEach((entry, i) => {
      if (wl.type === 'cidr' && !isNetwork(entry)) ctx.addIssue({ code: 'custom', path: ['list', i], message: `not a cidr: ${entry}` });
      if (wl.type === 'regex') {
        try {
          mispRegex(entry);
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['list', i], message: `not a regex: ${entry} (${(err as Error).message})` });
        }
      }
    });
  });

/** One of our own lists (policies/warninglists/*.json). */
export type OwnWarningList = Readonly<z.infer<typeof warningListSchema>> & { readonly format: 'c4tap' };

/** One MISP-format list. */
export interface MispWarningList {
  readonly format: 'misp';
  /** `misp/<file name without .json>`: unique, stable across MISP's renames, shown to analysts. */
  readonly name: string;
  /** MISP's own `name`, e.g. "List of known Office 365 IP address ranges". */
  readonly title: string;
  readonly description: string;
  readonly type: MispListType;
  readonly list: readonly string[];
  /** MISP attribute types the list is for; null when the file names none (MISP: every type). */
  readonly matchingAttributes: readonly string[] | null;
}

export type WarningList = OwnWarningList | MispWarningList;

/** Reads one list file of either format; `mispName` is the name a MISP-format file gets. */
export function readWarningListFile(file: string, mispName: string): WarningList {
  const raw = readJsonFile(file, 'warning list');
  const isOwn = typeof raw === 'object' && raw !== null && ('matching' in raw || 'appliesTo' in raw);
  if (isOwn) return { ...validatePolicy(file, raw, warningListSchema, 'warning list'), format: 'c4tap' };
  const m = validatePolicy(file, raw, mispWarningListSchema, 'MISP warning list');
  return {
    format: 'misp',
    name: mispName,
    title: m.name,
    description: m.description,
    type: m.type,
    list: m.list,
    matchingAttributes: m.matching_attributes ?? null,
  };
}
