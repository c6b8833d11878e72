// What was decided at publication, kept for the pull: each published indicator's item as every
// audience (core/store/ports/feed-views.ts FEED_AUDIENCES) sees it, serialised once by the same
// viewOf and indicatorJson a computed page uses, and stored on its feed rows. Stored when an entry is
// published, and again by the first page that finds them stale after any change (the store marks
// them stale in the transaction of the change, so a stale view is never served).
//
// An audience stands for every viewer whose view depends on nothing else: for a registered
// principal that is not staff, its organisation's tier decides what it sees, unless its own
// organisation is among the indicator's sources or sighters (then it sees its own RED sources,
// and its own sector is not counted): those pages compute the item for that viewer (feed-json.ts).
import { createHash } from 'node:crypto';
import type { FeedAudience, FeedViewBasis, FeedViews, FeedViewStore } from '../core/store/ports/feed-views.ts';
import { FEED_AUDIENCES } from '../core/store/ports/feed-views.ts';
import type { Organisation, Tier } from '../core/types.ts';
import { CLASSES } from '../core/types.ts';
import { indicatorJson } from './api/representation.ts';
import { isRegistered, seesAllClasses } from './class-policy.ts';
import { publishedSources, type FeedStore } from './feed.ts';
import { viewOf } from './indicator-view.ts';
import { DEFAULT_VIEW_RULES, type ViewRules } from './sector-privacy.ts';
import type { Viewer } from './viewer.ts';

/** The audience whose stored views this viewer reads (its own organisation's entries aside). */
export function feedAudienceOf(viewer: Viewer | null): FeedAudience {
  if (!isRegistered(viewer)) return 'public';
  if (seesAllClasses(viewer)) return 'staff';
  return viewer.org.tier;
}

/** No organisation has this id (it holds a NUL): a viewer of the audience that is no source of anything. */
const NO_ORG = '\u0000audience';

function audienceViewer(audience: FeedAudience): Viewer | null {
  if (audience === 'public') return null;
  const tier: Tier = audience === 'staff' ? 'participant' : audience;
  const at = '1970-01-01T00:00:00.000Z';
  return {
    principal: {
      id: NO_ORG,
      orgId: NO_ORG,
      name: NO_ORG,
      displayName: audience,
      email: '',
      roles: audience === 'staff' ? ['analyst'] : ['reader'],
      status: 'active',
      passwordHash: null,
      mustChangePassword: false,
      smtpSecretHash: null,
      allowedSenders: [],
      totpSecret: null,
      language: 'en',
      timeZone: 'UTC',
      createdAt: at,
    },
    org: {
      id: NO_ORG,
      name: audience,
      tier,
      sector: '',
      domains: [],
      networks: [],
      contacts: [],
      language: 'en',
      defaultClasses: {},
      rulesAcceptedAt: at,
      createdAt: at,
    },
  };
}

const AUDIENCE_VIEWERS = new Map(FEED_AUDIENCES.map((a) => [a, audienceViewer(a)]));

/** What stored views depend on besides the indicator: the view rules and every organisation's sector. */
export interface ViewsBasis {
  readonly key: string;
  readonly sectorOf: (orgId: string) => string | null;
  readonly rules: ViewRules;
}

export function viewsBasis(orgs: readonly Pick<Organisation, 'id' | 'sector'>[], rules: ViewRules): ViewsBasis {
  const sectors = new Map(orgs.map((o) => [o.id, o.sector]));
  const key = createHash('sha256')
    .update(JSON.stringify([rules.minOrgsPerSector, [...sectors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]))
    .digest('base64url')
    .slice(0, 22);
  return { key, sectorOf: (orgId) => sectors.get(orgId) ?? null, rules };
}

/** The item of the indicator for every audience ('' where it shows that audience nothing). */
export function renderFeedViews(b: FeedViewBasis, basis: ViewsBasis): FeedViews {
  const item = { indicator: b.current.indicator, sources: publishedSources(b.current.sources, CLASSES) };
  const ctx = { sectorOf: basis.sectorOf, sightings: b.current.sightings, rules: basis.rules };
  const red: FeedAudience[] = [];
  const views = {} as Record<FeedAudience, string>;
  for (const audience of FEED_AUDIENCES) {
    const view = viewOf(AUDIENCE_VIEWERS.get(audience)!, item, ctx);
    views[audience] = view ? JSON.stringify(indicatorJson(view)) : '';
    if (view?.redData) red.push(audience);
  }
  const orgs = [...new Set([...b.current.sources.map((s) => s.source.orgId), ...b.current.sightings.map((g) => g.orgId)])];
  return { indicatorId: b.indicatorId, basis: b.basis, viewsKey: basis.key, views, red, orgs };
}

/** Stores the views of these bases; returns how many indicators were stored (fewer when one changed meanwhile). */
export async function storeFeedViews(store: Pick<FeedViewStore, 'putFeedViews'>, bases: readonly FeedViewBasis[], basis: ViewsBasis): Promise<number> {
  return bases.length === 0 ? 0 : store.putFeedViews(bases.map((b) => renderFeedViews(b, basis)));
}

/** Computes and stores the views of these published indicators (after a publication, a narrowing, a false positive). */
export async function refreshFeedViews(
  store: Pick<FeedViewStore, 'getFeedBases' | 'putFeedViews'> & Pick<FeedStore, 'listOrganisations'>,
  indicatorIds: readonly string[],
  rules: ViewRules = DEFAULT_VIEW_RULES,
): Promise<number> {
  if (indicatorIds.length === 0) return 0;
  const [bases, orgs] = await Promise.all([store.getFeedBases([...new Set(indicatorIds)]), store.listOrganisations()]);
  return storeFeedViews(store, bases, viewsBasis(orgs, rules));
}
