// Hostile request bodies and floods against the real HTTP stack (createHttpApp with every sharing
// router): deeply nested, truncated, 10 MB and 1M-element JSON bodies are answered 400/413 problem
// details without a stack and without an error-level log line; the public WHITE feed, health and
// metrics, which need no token, are limited per client address (429 with Retry-After).
import { expect } from 'chai';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { createLogger } from '../../core/logger.ts';
import { issueToken } from '../../core/tokens.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { sharingRouters } from '../../sharing/http.ts';
import { DAY_MS, TOKEN_SETTINGS } from '../sharing/helpers/api-env.ts';
import { addCouncilOrgs, openWorld, type World } from '../sharing/helpers/world.ts';

type LogLine = Record<string, unknown> & { level: number };

describe('HTTP: hostile bodies and floods', function () {
  this.timeout(60_000);
  let w: World;
  let server: Server;
  let origin: string;
  let token: string;
  const logs: LogLine[] = [];

  before(async () => {
    w = await openWorld();
    await addCouncilOrgs(w);
    const reader = await w.addPrincipal('rail-reader', 'rail', ['reader']);
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } });
    const routers = sharingRouters({
      store: w.store,
      audit: w.audit,
      clock: w.clock,
      log,
      tokenSettings: TOKEN_SETTINGS,
      exchange: { name: 'C4TAP test exchange' },
      limits: {
        rateLimitPoints: 100_000,
        rateLimitWindowSeconds: 60,
        defaultPageSize: 1000,
        maxPageSize: 5000,
        publicRateLimitPoints: 50,
        publicRateLimitWindowSeconds: 60,
      },
    });
    const app = createHttpApp({
      log,
      registry: new Registry(),
      trustProxy: false,
      health: async () => ({}),
      routers,
      publicRateLimit: { points: 30, windowSeconds: 60 },
    });
    server = await listen(app, '127.0.0.1', 0);
    const addr = server.address();
    origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    token = (await issueToken(w.store, TOKEN_SETTINGS, reader, 30 * DAY_MS, 'test', w.clock())).token;
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await w.cleanup();
  });

  const post = (body: string | Blob) =>
    fetch(`${origin}/api/v1/sightings`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

  const bodies: readonly [string, () => string | Blob, number][] = [
    ['deeply nested JSON (5,000 levels)', () => '['.repeat(5000) + ']'.repeat(5000), 400],
    ['deeply nested JSON objects over the limit', () => '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 413],
    ['truncated JSON', () => '{"indicator": "evil.example", "seen_at": "2026-', 400],
    ['not JSON at all', () => new Blob([new Uint8Array([0xff, 0xfe, 0x00, 0x7b])]), 400],
    ['a 10 MB JSON body', () => JSON.stringify({ note: 'x'.repeat(10 * 1024 * 1024) }), 413],
    ['a 1M-element JSON array', () => '[' + new Array(1_000_000).fill('0').join(',') + ']', 413],
  ];
  for (const [name, body, status] of bodies) {
    it(`answers ${status} problem details to ${name}, with no stack and no error-level log`, async () => {
      const before = logs.length;
      const res = await post(body());
      expect(res.status).to.equal(status);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      const text = await res.text();
      const p = JSON.parse(text) as { status: number; code: string };
      expect(p.status).to.equal(status);
      expect(p.code).to.equal(status === 413 ? 'MESSAGE_TOO_LARGE' : 'VALIDATION_FAILED');
      expect(text).to.not.match(/at .*\.(ts|js):\d+|node_modules|SyntaxError|RangeError/);
      const lines = logs.slice(before);
      expect(
        lines.filter((l) => l.level >= 50),
        'error-level log lines',
      ).to.deep.equal([]);
      expect(JSON.stringify(lines)).to.not.include('"stack"');
    });
  }

  it('answers 400 to a body that ends before its Content-Length (aborted upload)', async () => {
    const net = await import('node:net');
    const port = Number(new URL(origin).port);
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.write(
          `POST /api/v1/sightings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":`,
        );
        setTimeout(() => s.end(), 100);
      });
      let out = '';
      s.on('data', (d: Buffer) => (out += d.toString()));
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
    });
    // Node closes the half-closed request; whatever is answered is never a 500.
    expect(reply).to.not.match(/^HTTP\/1\.1 5/);
    expect(logs.filter((l) => l.level >= 50)).to.deep.equal([]);
  });

  it('limits /public/v1/indicators.json per client address: a flood gets 429 with Retry-After, another address is still served', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 70; i++) {
      const res = await fetch(`${origin}/public/v1/indicators.json?since=${i}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, 50).every((s) => s === 200)).to.equal(true);
    expect(statuses.slice(50).every((s) => s === 429)).to.equal(true);
    expect(Number(retryAfter)).to.be.greaterThan(0);
    // The .stix variant shares the budget of the address.
    expect((await fetch(`${origin}/public/v1/indicators.stix`)).status).to.equal(429);
    const http = await import('node:http');
    const other = await new Promise<number>((resolve, reject) => {
      http
        .get(`${origin}/public/v1/indicators.json`, { localAddress: '127.0.0.2' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(other).to.equal(200);
  });

  it('limits health and metrics per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${origin}${i % 2 ? '/metrics' : '/api/v1/health'}`);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200)).to.have.length(30);
    expect(statuses.slice(30).every((s) => s === 429)).to.equal(true);
  });
});

describe('HTTP: hostile form bodies to the console', function () {
  this.timeout(60_000);
  let env: Awaited<ReturnType<typeof import('./helpers/console-env.ts').startConsoleEnv>>;
  before(async () => {
    const { startConsoleEnv } = await import('./helpers/console-env.ts');
    env = await startConsoleEnv();
  });
  after(() => env?.close());

  const postForm = (body: string) =>
    fetch(`${env.origin}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

  it('answers 413 to a 10 MB login form and to one with 100,000 fields, never 500', async () => {
    for (const body of [`name=a&password=${'x'.repeat(10 * 1024 * 1024)}`, Array.from({ length: 100_000 }, (_, i) => `f${i}=1`).join('&')]) {
      const res = await postForm(body);
      expect(res.status).to.equal(413);
      const text = await res.text();
      expect(text).to.not.match(/at .*\.(ts|js):\d+|node_modules|PayloadTooLargeError/);
    }
  });
});
