// Every sharing surface as `c4tap serve` mounts it (sharing/http.ts: MISP feed, REST API with its
// `stix` format, TAXII, public WHITE feed) over real HTTP on an ephemeral loopback port, on the
// real SQLite store, with the Express stack `c4tap serve` uses. Organisations: two participants
// (the submitter `water` and the reader `rail`), an observer, an affiliate and the secretariat.
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { createLogger } from '../../../core/logger.ts';
import { issueToken } from '../../../core/tokens.ts';
import type { IndicatorInput } from '../../../core/store/port.ts';
import type { Organisation, Principal, SharingClass } from '../../../core/types.ts';
import { createHttpApp, listen } from '../../../web/server.ts';
import { sharingRouters } from '../../../sharing/http.ts';
import { publishSubmission } from '../../../sharing/publication.ts';
import { DAY_MS, TOKEN_SETTINGS } from './api-env.ts';
import { addCouncilOrgs, allClasses, openWorld, type World } from './world.ts';

export const EXCHANGE = { name: 'C4TAP test exchange' };

export interface FeedsEnv {
  readonly w: World;
  /** http://127.0.0.1:port */
  readonly origin: string;
  readonly orgs: Record<'water' | 'rail' | 'observer' | 'affiliate' | 'secretariat', Organisation>;
  readonly people: Record<'waterSubmitter' | 'railReader' | 'observerReader' | 'affiliateReader' | 'secretariat', Principal>;
  token(p: Principal): Promise<string>;
  /** A request with the principal's bearer token (none for null). */
  fetch(p: Principal | null, path: string, init?: RequestInit): Promise<Response>;
  /** A published submission of `water` with these indicators, every kind at `cls`. */
  publish(id: string, cls: SharingClass, indicators: readonly Omit<IndicatorInput, 'class'>[]): Promise<string>;
  /** Narrows every kind of a published submission to `cls` and publishes it again. */
  narrow(id: string, cls: SharingClass): Promise<void>;
  close(): Promise<void>;
}

export interface FeedsEnvOptions {
  readonly pageSize?: { readonly defaultPageSize: number; readonly maxPageSize: number };
}

export async function openFeedsEnv(opts: FeedsEnvOptions = {}): Promise<FeedsEnv> {
  const w = await openWorld();
  const orgs = await addCouncilOrgs(w);
  const people = {
    waterSubmitter: await w.addPrincipal('water-sub', 'water', ['submitter']),
    railReader: await w.addPrincipal('rail-reader', 'rail', ['reader']),
    observerReader: await w.addPrincipal('obs-reader', 'observer', ['reader']),
    affiliateReader: await w.addPrincipal('aff-reader', 'affiliate', ['reader']),
    secretariat: await w.addPrincipal('sec', 'secretariat', ['secretariat']),
  };
  const log = createLogger({ level: 'silent' });
  const pageSize = opts.pageSize ?? { defaultPageSize: 1000, maxPageSize: 5000 };
  const routers = sharingRouters({
    store: w.store,
    audit: w.audit,
    clock: w.clock,
    log,
    tokenSettings: TOKEN_SETTINGS,
    exchange: EXCHANGE,
    limits: { rateLimitPoints: 100_000, rateLimitWindowSeconds: 60, ...pageSize },
  });
  const app = createHttpApp({ log, registry: new Registry(), trustProxy: false, health: async () => ({ store: w.store.backend }), routers });
  const server: Server = await listen(app, '127.0.0.1', 0);
  const addr = server.address();
  const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const tokens = new Map<string, string>();
  const token = async (p: Principal) => {
    let t = tokens.get(p.id);
    if (!t) {
      t = (await issueToken(w.store, TOKEN_SETTINGS, p, 30 * DAY_MS, 'test', w.clock())).token;
      tokens.set(p.id, t);
    }
    return t;
  };
  return {
    w,
    origin,
    orgs,
    people,
    token,
    fetch: async (p, path, init = {}) =>
      fetch(origin + path, {
        ...init,
        headers: { ...(p ? { authorization: `Bearer ${await token(p)}` } : {}), ...(init.headers as Record<string, string> | undefined) },
      }),
    async publish(id, cls, indicators) {
      await w.addSubmission(
        id,
        orgs.water,
        people.waterSubmitter,
        allClasses(cls),
        indicators.map((i) => ({ ...i, class: cls })),
      );
      await publishSubmission({ store: w.store, audit: w.audit, clock: w.clock }, id, people.secretariat.id);
      return id;
    },
    async narrow(id, cls) {
      await w.store.updateSubmission(id, { classes: allClasses(cls) }, w.clock().toISOString());
      await publishSubmission({ store: w.store, audit: w.audit, clock: w.clock }, id, people.secretariat.id);
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await w.cleanup();
    },
  };
}
