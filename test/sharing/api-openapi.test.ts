// The OpenAPI document stays true: every route the running app registers under /api/v1 is
// documented, every documented operation is registered, and every $ref resolves.
import { expect } from 'chai';
import type { Express } from 'express';
import { Registry } from 'prom-client';
import { createLogger } from '../../core/logger.ts';
import { createHttpApp } from '../../web/server.ts';
import { API_MOUNT, createApiRouter } from '../../sharing/api/router.ts';
import { openApiDocument } from '../../sharing/api/openapi.ts';
import { MISP_MOUNT, createMispRouter } from '../../sharing/misp/index.ts';
import { openWorld, type World } from './helpers/world.ts';
import { TOKEN_SETTINGS } from './helpers/api-env.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
}

/** `METHOD /path/{param}` of every route registered in the app, mounted routers included. */
function registeredRoutes(app: Express): string[] {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const path = (prefix + layer.route.path).replace(/:(\w+)/g, '{$1}');
        return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${path}`);
      }
      return layer.handle?.stack ? walk(layer.handle.stack, prefix + (layer.rawPath ?? '')) : [];
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
}

function documentedOperations(doc: Record<string, unknown>): string[] {
  const paths = doc['paths'] as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${API_MOUNT}${path}`));
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
  }
  return [];
}

describe('REST API: OpenAPI document', function () {
  let w: World;
  let app: Express;
  const limits = { rateLimitPoints: 10, rateLimitWindowSeconds: 60, defaultPageSize: 1000, maxPageSize: 5000 };
  beforeEach(async function () {
    w = await openWorld();
    const log = createLogger({ level: 'silent' });
    const router = createApiRouter({ store: w.store, audit: w.audit, clock: w.clock, log, tokenSettings: TOKEN_SETTINGS, limits });
    // The MISP feed lives below /api/v1 too and is documented in the same document (as mounted by serve).
    const misp = createMispRouter({
      store: w.store,
      audit: w.audit,
      clock: w.clock,
      tokenSettings: TOKEN_SETTINGS,
      exchange: { name: 'C4TAP' },
      rateLimit: { points: 10, windowSeconds: 60 },
    });
    const routers = [
      { path: MISP_MOUNT, router: misp },
      { path: API_MOUNT, router },
    ];
    app = createHttpApp({ log, registry: new Registry(), trustProxy: false, health: async () => ({}), routers });
  });
  afterEach(() => w.cleanup());

  it('documents every route registered under /api/v1, and registers every documented operation', function () {
    const registered = registeredRoutes(app).filter((r) => r.split(' ')[1]!.startsWith(API_MOUNT + '/'));
    const documented = documentedOperations(openApiDocument(limits));
    expect(registered).to.include('GET /api/v1/indicators');
    expect(registered).to.include('GET /api/v1/health');
    expect([...registered].sort()).to.deep.equal([...documented].sort());
  });

  it('is OpenAPI 3.1 with every $ref resolving inside the document and the page limits of the config', function () {
    const doc = openApiDocument(limits);
    expect(doc['openapi']).to.equal('3.1.0');
    for (const ref of refsIn(doc)) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).to.be.an('object');
    }
    const params = (doc['paths'] as Record<string, { get: { parameters: { name: string; schema: { maximum?: number } }[] } }>)['/indicators']!.get.parameters;
    expect(params.find((p) => p.name === 'limit')!.schema.maximum).to.equal(limits.maxPageSize);
  });
});
