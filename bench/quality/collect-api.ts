// Every pull surface a reader has, read to the end: REST JSON, CSV and STIX pages (cursor
// `since`), TAXII 2.1 (each collection, `next`), the MISP feed (manifest, events, hashes.csv), and
// the anonymous public WHITE feed (JSON and STIX).
import { getOk } from './http.ts';

export interface Surface {
  /** e.g. `observer/taxii/YELLOW` */
  readonly name: string;
  readonly body: string;
}

export interface FeedItem {
  readonly seq: number;
  readonly action: 'publish' | 'retract';
  readonly type: string;
  readonly value: string;
  readonly class: string;
}

export interface Collected {
  readonly surfaces: Surface[];
  /** JSON feed items per tier label, in log order. */
  readonly feeds: Map<string, FeedItem[]>;
}

const TAXII = 'application/taxii+json;version=2.1';
const PAGE = 5000;

async function pagesBySince(url: (since: number) => string, token: string | null, name: string, out: Surface[]): Promise<string[]> {
  const bodies: string[] = [];
  let since = 0;
  for (let page = 0; page < 10_000; page++) {
    const a = await getOk(url(since), token);
    bodies.push(a.body);
    out.push({ name: `${name}#${page}`, body: a.body });
    const headerNext = a.headers.get('C4TAP-Next-Since');
    const json = a.body.startsWith('{') ? (JSON.parse(a.body) as { next_since?: number; more?: boolean }) : null;
    const next = Number(headerNext ?? json?.next_since ?? since);
    const more = a.headers.get('C4TAP-More') === 'true' || json?.more === true;
    if (!more || next <= since) break;
    since = next;
  }
  return bodies;
}

async function readerSurfaces(base: string, tier: string, token: string, out: Collected): Promise<void> {
  const api = `${base}/api/v1`;
  const json = await pagesBySince((s) => `${api}/indicators?since=${s}&limit=${PAGE}`, token, `${tier}/json`, out.surfaces);
  out.feeds.set(
    tier,
    json.flatMap((b) => (JSON.parse(b) as { items: FeedItem[] }).items),
  );
  await pagesBySince((s) => `${api}/indicators?since=${s}&limit=${PAGE}&format=csv`, token, `${tier}/csv`, out.surfaces);
  await pagesBySince((s) => `${api}/indicators?since=${s}&limit=${PAGE}&format=stix`, token, `${tier}/stix`, out.surfaces);

  const root = `${base}/taxii2/c4tap`;
  const collections = JSON.parse((await getOk(`${root}/collections/`, token, TAXII)).body) as { collections?: { id: string; title?: string }[] };
  for (const c of collections.collections ?? []) {
    let next: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const a = await getOk(`${root}/collections/${c.id}/objects/?limit=${PAGE}${next ? `&next=${next}` : ''}`, token, TAXII);
      out.surfaces.push({ name: `${tier}/taxii/${c.title ?? c.id}#${page}`, body: a.body });
      const env = JSON.parse(a.body) as { more?: boolean; next?: string };
      if (!env.more || !env.next || env.next === next) break;
      next = env.next;
    }
  }

  const misp = `${api}/misp`;
  const manifest = await getOk(`${misp}/manifest.json`, token);
  out.surfaces.push({ name: `${tier}/misp/manifest`, body: manifest.body });
  out.surfaces.push({ name: `${tier}/misp/hashes.csv`, body: (await getOk(`${misp}/hashes.csv`, token)).body });
  for (const uuid of Object.keys(JSON.parse(manifest.body) as object)) {
    out.surfaces.push({ name: `${tier}/misp/${uuid}.json`, body: (await getOk(`${misp}/${uuid}.json`, token)).body });
  }
}

/** Reads every surface of each reader token (tier label → token) and the public feed. */
export async function collectApiSurfaces(base: string, readers: ReadonlyMap<string, string>): Promise<Collected> {
  const out: Collected = { surfaces: [], feeds: new Map() };
  for (const [tier, token] of readers) await readerSurfaces(base, tier, token, out);
  const pub = await pagesBySince((s) => `${base}/public/v1/indicators.json?since=${s}&limit=${PAGE}`, null, 'public/json', out.surfaces);
  out.feeds.set(
    'public',
    pub.flatMap((b) => (JSON.parse(b) as { items: FeedItem[] }).items),
  );
  await pagesBySince((s) => `${base}/public/v1/indicators.stix?since=${s}&limit=${PAGE}`, null, 'public/stix', out.surfaces);
  return out;
}

/** Values whose latest entry in a feed is a publication (retracted ones are gone). */
export function publishedOf(items: readonly FeedItem[]): Map<string, FeedItem> {
  const latest = new Map<string, FeedItem>();
  for (const it of items) latest.set(`${it.type}\u0000${it.value}`, it);
  return new Map([...latest].filter(([, it]) => it.action === 'publish'));
}
