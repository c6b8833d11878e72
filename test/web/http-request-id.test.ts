// Every HTTP answer carries a request id, and the log line of a failed or refused request carries
// the same id: an operator finds the line a user reports. A proxy's X-Request-Id is kept when it is
// plain; anything else (log injection, a megabyte of text) is replaced.
import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { C4Error } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { createHttpApp, listen } from '../../web/server.ts';

type LogLine = Record<string, unknown>;

describe('HTTP: request ids in answers and logs', function () {
  let server: Server;
  let origin: string;
  const logs: LogLine[] = [];

  before(async () => {
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } });
    const router = express.Router();
    router.get('/broken', () => {
      throw new Error('a bug');
    });
    router.get('/refused', () => {
      throw new C4Error('VALIDATION_FAILED', 'limit must be a number');
    });
    const app = createHttpApp({ log, registry: new Registry(), trustProxy: false, health: async () => ({}), routers: [{ path: '/t', router }] });
    server = await listen(app, '127.0.0.1', 0);
    const addr = server.address();
    origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('logs a failed request under the id its answer carries', async function () {
    const res = await fetch(`${origin}/t/broken`);
    expect(res.status).to.equal(500);
    const id = res.headers.get('x-request-id');
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    const line = logs.find((l) => l.event === 'http.error' && l.requestId === id);
    expect(line, JSON.stringify(logs)).to.not.equal(undefined);
  });

  it('logs a refused request under the id its answer carries', async function () {
    const res = await fetch(`${origin}/t/refused`);
    expect(res.status).to.equal(400);
    const id = res.headers.get('x-request-id');
    expect(logs.find((l) => l.event === 'http.refused' && l.requestId === id)).to.not.equal(undefined);
  });

  it("keeps a proxy's plain X-Request-Id and replaces one that could forge a log line", async function () {
    const kept = await fetch(`${origin}/api/v1/health`, { headers: { 'X-Request-Id': 'nginx-4f1c.22' } });
    expect(kept.headers.get('x-request-id')).to.equal('nginx-4f1c.22');
    const forged = await fetch(`${origin}/api/v1/health`, { headers: { 'X-Request-Id': 'x" ,"level":60,"msg":"pwned' } });
    expect(forged.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });
});
