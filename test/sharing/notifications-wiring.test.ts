// Submitter notifications as `c4tap serve` wires them: the composition root's context hands its
// event sink to the API (and console, worker); approving through the REST API mails the submitter,
// and closing the context sends what was handed in before it stops. The config switch turns it off.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { listOutbox } from '../../core/mailer.ts';
import { issueToken } from '../../core/tokens.ts';
import { openContext, outboxDir, type AppContext } from '../../bin/context.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { sharingRouters } from '../../sharing/http.ts';
import { orgInput, principalInput, seedSubmission } from '../contracts/store-fixtures.ts';
import { REPO } from '../helpers/cli.ts';

describe('submitter notifications wired by the composition root', function () {
  this.timeout(30_000);
  let dir: string;
  let ctx: AppContext | null;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-notify-wiring-'));
    ctx = null;
  });
  afterEach(async () => {
    await ctx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(notifications: boolean): Promise<AppContext> {
    const config = loadConfig({
      env: { C4TAP_CONFIG: '' },
      overrides: { dataDir: dir, policiesDir: path.join(REPO, 'policies'), mail: { submitterNotifications: notifications } },
    });
    return openContext(config, { log: createLogger({ level: 'silent' }), defaultMetrics: false });
  }

  async function seed(c: AppContext) {
    const now = c.clock().toISOString();
    const water = await c.store.createOrganisation(orgInput('water', { tier: 'participant' }), now);
    const sec = await c.store.createOrganisation(orgInput('secretariat', { tier: 'participant' }), now);
    const submitter = await c.store.createPrincipal(principalInput('water-sub', water.id), now);
    const analyst = await c.store.createPrincipal(principalInput('analyst', sec.id, { roles: ['analyst'] }), now);
    const id = await seedSubmission(c.store, { org: water, principal: submitter }, 'sub-wired', {
      classes: { sample: 'RED', mail: 'AMBER', network: 'GREEN', file: 'AMBER' },
    });
    await c.store.upsertIndicators(id, water.id, now, [{ type: 'domain-name', value: 'lure.example', kind: 'network', class: 'GREEN' }]);
    await c.store.updateSubmission(id, { status: 'awaiting-triage' }, now);
    return { id, submitter, analyst };
  }

  async function approveThroughApi(c: AppContext, id: string, analyst: Parameters<typeof issueToken>[2]): Promise<number> {
    const app = createHttpApp({
      log: c.log,
      registry: c.metrics.registry,
      trustProxy: false,
      health: async () => ({}),
      routers: sharingRouters({ ...c, limits: c.config.api, exchange: { name: c.config.exchange.name } }),
    });
    const server: Server = await listen(app, '127.0.0.1', 0);
    try {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const { token } = await issueToken(c.store, c.tokenSettings, analyst, 86_400_000, 'test', c.clock());
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/submissions/${id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return res.status;
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  it('mails the submitter when an analyst approves through the REST API, sent before the context closes', async () => {
    const c = await open(true);
    const { id, submitter, analyst } = await seed(c);
    expect(await approveThroughApi(c, id, analyst)).to.equal(200);
    await c.close();
    const mails = await Promise.all(listOutbox(outboxDir(c.config.dataDir)).map((e) => simpleParser(e.raw)));
    expect(mails.map((m) => m.subject)).to.deep.equal([`[C4TAP] Indicators published — ${id}`]);
    expect(mails[0]!.text).to.include('C⁴TAP:GREEN (1)').and.include('lure[.]example');
    expect(JSON.stringify(mails[0]!.to)).to.include(submitter.email);
  });

  it('sends no notice when mail.submitterNotifications is off', async () => {
    ctx = await open(false);
    expect(ctx.events).to.equal(undefined);
    const { id, analyst } = await seed(ctx);
    expect(await approveThroughApi(ctx, id, analyst)).to.equal(200);
    const c = ctx;
    ctx = null;
    await c.close();
    expect(listOutbox(outboxDir(c.config.dataDir))).to.deep.equal([]);
  });
});
