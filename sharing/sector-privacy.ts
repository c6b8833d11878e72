// Sector k-anonymity: a view names a sector only when at least `minOrgsPerSector` distinct
// organisations of that sector, other than the viewer's own, are among the sources the viewer may
// see; the rest are summed up as one `withheld`. With two electricity participants as sources, each
// would otherwise learn who the other submitter is.
//
// - The viewer's own organisation is not counted (it knows its own sources, so they hide nobody
//   from it) but its own sector is named when it is a source: it learns nothing from that.
// - The secretariat and analysts see every sector: they are the RED audience of every submission
//   and know each submitter already.
// - A source whose organisation has no known sector adds nothing (as before).
import type { IndicatorSource } from '../core/types.ts';
import { seesAllClasses } from './class-policy.ts';
import type { Viewer } from './viewer.ts';

/** What views withhold to keep organisations from being singled out (config `sharing.*`). */
export interface ViewRules {
  readonly minOrgsPerSector: number;
}

/** The config's default; also what a surface that was not handed the rules applies (fail closed). */
export const DEFAULT_VIEW_RULES: ViewRules = { minOrgsPerSector: 3 };

/** How a sector below the threshold appears in `sectors`. */
export const WITHHELD_SECTOR = 'withheld';

export function visibleSectors(
  viewer: Viewer | null,
  sources: readonly Pick<IndicatorSource, 'orgId'>[],
  sectorOf: (orgId: string) => string | null,
  rules: ViewRules = DEFAULT_VIEW_RULES,
): readonly string[] {
  const staff = seesAllClasses(viewer);
  const ownOrg = viewer?.org.id ?? null;
  const named = new Set<string>();
  const others = new Map<string, Set<string>>();
  for (const s of sources) {
    const sector = sectorOf(s.orgId);
    if (!sector) continue;
    if (staff || s.orgId === ownOrg) {
      named.add(sector);
      continue;
    }
    const orgs = others.get(sector) ?? new Set<string>();
    orgs.add(s.orgId);
    others.set(sector, orgs);
  }
  let withheld = false;
  for (const [sector, orgs] of others) {
    if (orgs.size >= rules.minOrgsPerSector) named.add(sector);
    else withheld = true;
  }
  return [...[...named].sort(), ...(withheld ? [WITHHELD_SECTOR] : [])];
}
