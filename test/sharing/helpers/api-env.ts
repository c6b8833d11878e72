// The REST API over real HTTP on an ephemeral loopback port, on the real SQLite store, with the
// same Express stack `c4tap serve` uses. Organisations: two participants (the submitter `water`
// and the reader `rail`), an observer, an affiliate, and the secretariat with an analyst.
import type { Server } from 'node:http';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '../../../core/logger.ts';
import { issueToken, type TokenSettings } from '../../../core/tokens.ts';
import type { Organisation, Principal } from '../../../core/types.ts';
import { createHttpApp, listen } from '../../../web/server.ts';
import { API_MOUNT, createApiRouter } from '../../../sharing/api/router.ts';
import type { ApiLimits } from '../../../sharing/api/deps.ts';
import type { FeedFormatter } from '../../../sharing/api/formats.ts';
import type { ViewRules } from '../../../sharing/sector-privacy.ts';
import { publishSubmission } from '../../../sharing/publication.ts';
import { addCouncilOrgs, openWorld, type World } from './world.ts';
import { REPO } from '../../helpers/cli.ts';

export const TOKEN_SETTINGS: TokenSettings = { algorithm: 'HS256', issuer: 'c4tap', audience: 'c4tap-api', maxTtlDays: 365, secret: 's'.repeat(48) };
export const DAY_MS = 24 * 3600 * 1000;

export interface ApiEnv {
  readonly w: World;
  readonly base: string;
  readonly orgs: Record<'water' | 'rail' | 'observer' | 'affiliate' | 'secretariat', Organisation>;
  readonly people: Record<'waterSubmitter' | 'waterReader' | 'railReader' | 'observerReader' | 'affiliateReader' | 'analyst' | 'secretariat', Principal>;
  /** A valid bearer token for this principal (issued once, cached). */
  token(p: Principal): Promise<string>;
  /** GET/POST with the principal's token; `path` is below /api/v1. */
  get(p: Principal | null, path: string, headers?: Record<string, string>): Promise<Response>;
  post(p: Principal, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  del(p: Principal, path: string, body?: unknown): Promise<Response>;
  /** Approves a submission as the analyst, through the same function as the API. */
  publish(submissionId: string): Promise<void>;
  close(): Promise<void>;
}

export async function openApiEnv(limits: Partial<ApiLimits> = {}, formatters: readonly FeedFormatter[] = [], viewRules?: ViewRules): Promise<ApiEnv> {
  const w = await openWorld();
  const orgs = await addCouncilOrgs(w);
  const people = {
    waterSubmitter: await w.addPrincipal('water-sub', 'water', ['submitter']),
    waterReader: await w.addPrincipal('water-reader', 'water', ['reader']),
    railReader: await w.addPrincipal('rail-reader', 'rail', ['reader']),
    observerReader: await w.addPrincipal('obs-reader', 'observer', ['reader']),
    affiliateReader: await w.addPrincipal('aff-reader', 'affiliate', ['reader']),
    analyst: await w.addPrincipal('analyst', 'secretariat', ['analyst']),
    secretariat: await w.addPrincipal('sec', 'secretariat', ['secretariat']),
  };
  const router = createApiRouter({
    store: w.store,
    audit: w.audit,
    clock: w.clock,
    log: createLogger({ level: 'silent' }),
    tokenSettings: TOKEN_SETTINGS,
    limits: { rateLimitPoints: 1000, rateLimitWindowSeconds: 60, defaultPageSize: 1000, maxPageSize: 5000, ...limits },
    formatters,
    viewRules,
    // The triage steps' victim check (no vault: the registry's identifiers only).
    config: { exchange: { dropAddress: 'report@c4tap.example', hostname: 'c4tap.example' }, policiesDir: path.join(REPO, 'policies') },
  });
  const app = createHttpApp({
    log: createLogger({ level: 'silent' }),
    registry: new Registry(),
    trustProxy: false,
    health: async () => ({ store: w.store.backend }),
    routers: [{ path: API_MOUNT, router }],
  });
  const server: Server = await listen(app, '127.0.0.1', 0);
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}${API_MOUNT}`;
  const tokens = new Map<string, string>();
  const token = async (p: Principal) => {
    let t = tokens.get(p.id);
    if (!t) {
      t = (await issueToken(w.store, TOKEN_SETTINGS, p, 30 * DAY_MS, 'test', w.clock())).token;
      tokens.set(p.id, t);
    }
    return t;
  };
  const auth = async (p: Principal | null): Promise<Record<string, string>> => (p ? { authorization: `Bearer ${await token(p)}` } : {});
  return {
    w,
    base,
    orgs,
    people,
    token,
    get: async (p, path, headers = {}) => fetch(base + path, { headers: { ...(await auth(p)), ...headers } }),
    post: async (p, path, body, headers = {}) =>
      fetch(base + path, {
        method: 'POST',
        headers: { ...(await auth(p)), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    del: async (p, path, body) =>
      fetch(base + path, {
        method: 'DELETE',
        headers: { ...(await auth(p)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    publish: async (id) => void (await publishSubmission({ store: w.store, audit: w.audit, clock: w.clock }, id, people.analyst.id)),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await w.cleanup();
    },
  };
}

/** The problem-details body of a response, checking its media type. */
export async function problem(res: Response): Promise<{ type: string; title: string; status: number; code: string; detail?: string }> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${type}: ${await res.text()}`);
  return (await res.json()) as { type: string; title: string; status: number; code: string; detail?: string };
}
