// A small in-memory cache for exports that many callers read alike (the MISP feed of one audience,
// the public WHITE feed): an entry serves while the publication log has not moved (`version`) and
// for at most `ttlMs`; concurrent misses share one computation.
import type { Clock } from '../core/ids.ts';

export interface ExportCache<V> {
  get(key: string, version: number, make: () => Promise<V>): Promise<V>;
}

export function createExportCache<V>(opts: { readonly ttlMs: number; readonly maxEntries: number; readonly clock: Clock }): ExportCache<V> {
  const entries = new Map<string, { version: number; until: number; value: Promise<V> }>();
  return {
    get(key, version, make) {
      const now = opts.clock().getTime();
      const hit = entries.get(key);
      if (hit && hit.version === version && hit.until > now) return hit.value;
      const value = make();
      entries.delete(key);
      entries.set(key, { version, until: now + opts.ttlMs, value });
      if (entries.size > opts.maxEntries) entries.delete(entries.keys().next().value!);
      value.catch(() => entries.get(key)?.value === value && entries.delete(key));
      return value;
    },
  };
}
