// `c4tap migrate` as an operator runs it: an embedded data directory filled through the real
// pipeline (accept, analysis with YARA-X, publication, sightings, tokens, retention tombstones,
// digest subscriptions with a delivery, a drill with acknowledgements) is copied to a
// MongoDB-wire server; both stores then answer the same, every blob decrypts from GridFS to its
// SHA-256, and running the command again resumes an interrupted copy.
import { expect } from 'chai';
import { createLogger } from '../../core/logger.ts';
import { openMongoStore } from '../../core/store/mongo-store.ts';
import { COLLECTIONS } from '../../core/store/mongo-schema.ts';
import type { Store } from '../../core/store/port.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import { storeDigest } from '../../core/store/store-export.ts';
import { verifyStoreCopy } from '../../core/store/copy-store.ts';
import { drillTokenKey } from '../../core/drills.ts';
import { digestDeps } from '../../bin/commands/digest.ts';
import { runDigests, subscribe } from '../../sharing/digests/index.ts';
import { startDrill } from '../../sharing/drills/index.ts';
import { markFalsePositive } from '../../sharing/false-positives.ts';
import { analyseSubmission } from '../../analysis/pipeline.ts';
import { createFsBackend } from '../../quarantine/fs-backend.ts';
import { createGridFsBackend } from '../../quarantine/gridfs-backend.ts';
import { publishSubmission } from '../../sharing/publication.ts';
import { loadOrCreateSecrets } from '../../core/secrets.ts';
import { openVault, sqliteFile, vaultRoot } from '../../bin/context.ts';
import { buildForward, type MailSpec } from '../fixtures/mail-builder.ts';
import { buildLnk, buildZip } from '../analysis/helpers/file-builders.ts';
import { startAnalysisEnv } from '../analysis/helpers/analysis-env.ts';
import { SENDER } from '../ingest/helpers/smtp-env.ts';
import { runCli } from '../helpers/cli.ts';
import { freshDatabase, requireMongo, uriWithDb, type TestDatabase } from '../helpers/mongo-server.ts';
import { Registry } from 'prom-client';
import { addPrincipal } from '../../core/directory.ts';
import { issueToken, type TokenSettings } from '../../core/tokens.ts';
import { createAuditAppender } from '../../core/audit.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { API_MOUNT, createApiRouter } from '../../sharing/api/router.ts';

const TOKENS: TokenSettings = { algorithm: 'HS256', issuer: 'c4tap', audience: 'c4tap-api', maxTtlDays: 365, secret: 'm'.repeat(48) };

/** GET the API path from a server over this store, as the reader holding `token`. */
async function apiAnswer(store: Store, token: string, pathAndQuery: string): Promise<unknown> {
  const log = createLogger({ level: 'silent' });
  const clock = () => new Date();
  const router = createApiRouter({
    store,
    audit: createAuditAppender(store, clock, Buffer.alloc(32, 7)),
    clock,
    log,
    tokenSettings: TOKENS,
    limits: { rateLimitPoints: 1000, rateLimitWindowSeconds: 60, defaultPageSize: 1000, maxPageSize: 5000 },
  });
  const app = createHttpApp({ log, registry: new Registry(), trustProxy: false, health: async () => ({}), routers: [{ path: API_MOUNT, router }] });
  const server = await listen(app, '127.0.0.1', 0);
  try {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const res = await fetch(`http://127.0.0.1:${port}${API_MOUNT}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

const suspect = (n: number, attachments: MailSpec['attachments']): MailSpec => ({
  from: `Billing <billing${n}@invoices-secure.example>`,
  to: 'Taro Yamada <taro@rail.example>',
  subject: `Invoice ${n} — https://login-${n}.evil.example/reset`,
  text: `Please check the attached file or visit https://login-${n}.evil.example/reset?id=${n}`,
  attachments,
});

describe('c4tap migrate (needs MongoDB-wire server)', function () {
  this.timeout(180_000);
  let test: TestDatabase;
  let dataDir: string;
  let removeData: () => Promise<void>;
  let readerToken: string;
  let ownSubmission: string;
  let drillId: string;

  before(async function () {
    test = await freshDatabase(await requireMongo(this), 'migrate');
    // A populated embedded data directory, built through the real pipeline.
    const env = await startAnalysisEnv({ log: createLogger({ level: 'silent' }) });
    dataDir = env.data.dir;
    removeData = env.data.remove;
    try {
      const { store, vault } = env.ctx;
      const subs = [];
      for (let n = 0; n < 6; n++) {
        const zip = await buildZip([{ name: `invoice${n}.pdf.lnk`, content: buildLnk() }]);
        const raw = await buildForward('rfc822', suspect(n, [{ filename: `invoice${n}.zip`, content: zip, contentType: 'application/zip' }]), {
          // Submission 4's file indicators are shared at GREEN (they reach the reader's digest).
          note: n === 4 ? `Suspicious mail ${n}.\nC4TAP-Class: file=GREEN` : `Suspicious mail ${n}.`,
          submitter: SENDER,
        });
        const [sub] = await env.accept(raw);
        await analyseSubmission(env.deps(), sub!, { finalAttempt: false });
        subs.push(sub!);
      }
      const deps = { store, audit: env.ctx.audit, clock: env.ctx.clock };
      for (const sub of subs.slice(0, 4)) await publishSubmission(deps, sub.id, 'analyst-1');
      const [published] = await store.listPublications({ afterSeq: 0, limit: 1 });
      await store.addSighting(
        {
          indicatorId: published!.indicatorId,
          orgId: env.data.submitter.org.id,
          class: 'AMBER',
          count: 2,
          seenAt: env.ctx.clock().toISOString(),
          idempotencyKey: 'k1',
        },
        env.ctx.clock().toISOString(),
      );
      // An exchange-level false positive: it must keep withholding its value after the move.
      const fp = (await store.listPublications({ afterSeq: 0, limit: 100 })).find((e) => e.indicatorId !== published!.indicatorId)!;
      await markFalsePositive(deps, fp.indicatorId, 'analyst-1', 'vendor update server');
      // A participant reader of the submitting organisation, with an API token (copied with the store).
      const reader = await addPrincipal(env.ctx, 'test', {
        orgId: env.data.submitter.org.id,
        name: 'rail-reader',
        email: 'reader@rail.example',
        roles: ['reader', 'submitter'],
      });
      readerToken = (await issueToken(store, TOKENS, reader.principal, 24 * 3600 * 1000, 'pull', env.ctx.clock())).token;
      ownSubmission = subs[1]!.id;
      await store.createToken({
        jti: 'tok-1',
        principalId: env.data.submitter.principal.id,
        label: 'feed',
        createdAt: '2025-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T00:00:00.000Z',
      });
      await store.revokeToken('tok-1', '2025-02-01T00:00:00.000Z');
      // The reader's daily digest from the log's start: submission 4 is published, one digest is
      // delivered (to the outbox) and the cursor moves past it.
      const now = () => env.ctx.clock().toISOString();
      const digests = digestDeps(env.ctx);
      const daily = await subscribe(
        { ...digests, newId: env.ctx.newId },
        { principalId: reader.principal.id, schedule: 'daily', attachments: 'zip', zipPassword: 'correct horse battery', fromSeq: 0 },
      );
      await publishSubmission(deps, subs[4]!.id, 'analyst-1');
      const outcomes = await runDigests(digests, { force: true });
      expect(outcomes.map((o) => o.kind)).to.deep.equal(['sent']);
      // Then a run holding the lease with the next range pending, as if it was under way at migration time …
      await publishSubmission(deps, subs[5]!.id, 'analyst-1');
      const logEnd = await store.lastPublicationSeq();
      expect(
        await store.claimDigestRun({
          subscriptionId: daily.subscription.id,
          owner: 'old-host:4242:dig-1',
          now: now(),
          leaseUntil: '2099-01-01T00:00:00.000Z',
          logEnd,
        }),
      ).to.not.equal(null);
      // … and a weekly subscription whose last run failed, waiting for its retry time.
      const weekly = await subscribe(
        { ...digests, newId: env.ctx.newId },
        { principalId: reader.principal.id, schedule: 'weekly', attachments: 'link', fromSeq: 2 },
      );
      await store.claimDigestRun({ subscriptionId: weekly.subscription.id, owner: 'w1', now: now(), leaseUntil: '2099-01-01T00:00:00.000Z', logEnd });
      await store.releaseDigestRun({
        subscriptionId: weekly.subscription.id,
        owner: 'w1',
        now: now(),
        retryAt: '2099-01-02T00:00:00.000Z',
        clearPending: false,
        error: 'MAIL_RELAY_FAILED',
      });
      // A drill to three contacts: one acknowledges by reply, one does not, one has no e-mail address.
      const org = (await store.getOrganisation(env.data.submitter.org.id))!;
      await store.updateOrganisation(org.id, {
        contacts: [
          ...org.contacts,
          { name: 'CSIRT duty', means: [{ kind: 'email', value: 'csirt@rail.example' }] },
          { name: 'Night desk', means: [{ kind: 'phone', value: '+81 3 1111 1111' }] },
        ],
      });
      const drill = await startDrill(
        { ...env.ctx, tokenKey: drillTokenKey(env.ctx.secrets), exchange: env.ctx.config.exchange },
        { actor: 'cli:test', title: 'Drill before the move' },
      );
      expect(await drill.sending).to.deep.equal({ sent: 2, failed: 0, withoutAddress: 1 });
      drillId = drill.drill.id;
      const soc = (await store.listDrillNotices(drillId)).find((n) => n.contactName === 'SOC')!;
      expect((await store.acknowledgeDrillNotice(soc.tokenHash, '2099-01-01T00:05:00.000Z', 'reply'))?.first).to.equal(true);
      // A retention purge: the blob is gone, its records stay as tombstones.
      const [member] = (await store.listSamples(subs[5]!.id)).filter((s) => s.role === 'member');
      await vault.delete(member!.sha256);
      await store.markBlobPurged(member!.sha256, '2025-03-01T00:00:00.000Z');
      // A published indicator whose only source was removed: only the publication log still names it.
      const lone = (await store.listIndicatorsForSubmission(subs[0]!.id)).find((i) => i.sources.length === 1);
      expect(await store.removeIndicatorSource(lone!.indicator.id, subs[0]!.id)).to.equal(true);
    } finally {
      await env.yara.close();
      await env.ctx.close();
    }
  });

  after(async function () {
    await test?.drop();
    await removeData?.();
  });

  function migrate(): ReturnType<typeof runCli> {
    const env: NodeJS.ProcessEnv = { ...process.env, C4TAP_CONFIG: '', C4TAP_LOG_LEVEL: 'warn' };
    delete env.MONGODB_URI;
    return runCli(['migrate', '--from', `sqlite:${dataDir}`, '--to', uriWithDb(test.uri, test.conn.db.databaseName), '--no-progress'], env);
  }

  /** Runs a `c4tap` command on the source data directory's store, or on the migrated MongoDB store. */
  function cliOn(backend: 'sqlite' | 'mongodb', args: readonly string[]): string {
    const env: NodeJS.ProcessEnv = { ...process.env, C4TAP_CONFIG: '', C4TAP_LOG_LEVEL: 'warn', C4TAP_DATA_DIR: dataDir };
    delete env.MONGODB_URI;
    if (backend === 'mongodb') env.MONGODB_URI = uriWithDb(test.uri, test.conn.db.databaseName);
    const r = runCli(args, env);
    expect(r.status, `${args.join(' ')} on ${backend}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  }

  async function both<T>(read: (s: Store) => Promise<T>): Promise<[T, T]> {
    const sqlite = openSqliteStore(sqliteFile(dataDir));
    const mongo = await openMongoStore(test.conn);
    try {
      return [await read(sqlite), await read(mongo)];
    } finally {
      await sqlite.close();
      await mongo.close();
    }
  }

  it('copies store and vault, verifies, and both stores then answer the same', async function () {
    const r = migrate();
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/verified: counts equal/);
    expect(r.stdout).to.match(/note: 1 digest run lease\(s\) held in the source, copied as they are: they end by 2099-01-01T00:00:00.000Z/);

    const [sqliteCounts, mongoCounts] = await both((s) => s.counts());
    expect(mongoCounts).to.deep.equal(sqliteCounts);
    expect(sqliteCounts.submissions).to.equal(6);
    expect(sqliteCounts.publications).to.be.greaterThan(0);
    expect(sqliteCounts).to.include({ drills: 1, drillNotices: 3, digestSubscriptions: 2, digestDeliveries: 1, falsePositives: 1 });
    const [fpA, fpB] = await both((s) => s.listFalsePositives(null, 10));
    expect(fpB).to.deep.equal(fpA);

    const [a, b] = await both(async (s) => {
      const list = await s.listSubmissions({}, { limit: 100 });
      return {
        list,
        one: await s.getSubmission(list.items[2]!.id),
        published: await s.listSubmissions({ status: ['published'] }, { limit: 2 }),
        log: await s.listPublications({ afterSeq: 0, limit: 1000 }),
        feed: await s.listPublicationFeed({ afterSeq: 0, limit: 1000, classes: ['AMBER', 'GREEN', 'WHITE'], types: ['url', 'domain-name'] }),
        lastSeq: await s.lastPublicationSeq(),
        tokens: await s.listTokens(),
        audit: await s.listAudit(0, 1000),
        head: await s.auditHead(),
        tombstones: await s.listSampleRefs({ unpurgedOnly: false, limit: 1000 }),
        subscriptions: await s.listDigestSubscriptions(),
        deliveries: await Promise.all((await s.listDigestSubscriptions()).map((d) => s.listDigestDeliveries(d.id, 100))),
        drills: await s.listDrills(100),
        notices: await s.listDrillNotices(drillId),
      };
    });
    expect(b).to.deep.equal(a);
    // Every field of the digest state arrived: the cursor past the delivery, the pending range
    // and lease of the run under way, the sealed zip password, the failed run's error and retry time.
    const [daily, weekly] = a.subscriptions;
    const [delivery] = a.deliveries[0]!;
    expect(delivery).to.include({ subscriptionId: daily!.id, fromSeq: 0 });
    expect(daily).to.include({
      schedule: 'daily',
      cursorSeq: delivery!.toSeq,
      pendingToSeq: a.lastSeq,
      leaseOwner: 'old-host:4242:dig-1',
      leaseUntil: '2099-01-01T00:00:00.000Z',
      lastError: null,
    });
    expect(daily!.cursorSeq).to.be.greaterThan(0).and.below(a.lastSeq);
    expect(daily!.zipPasswordSealed).to.be.a('string').that.does.not.include('correct horse');
    expect(daily!.lastSlotAt).to.be.a('string');
    expect(weekly).to.include({
      schedule: 'weekly',
      cursorSeq: 2,
      leaseOwner: null,
      leaseUntil: '2099-01-02T00:00:00.000Z',
      lastError: 'MAIL_RELAY_FAILED',
      zipPasswordSealed: null,
    });
    // The drill's evidence: who acknowledged when and how, who was sent and did not, who could not be sent.
    expect(a.notices.map((n) => [n.contactName, n.sentAt !== null, n.ackAt, n.ackVia, n.lastError])).to.deep.equal([
      ['CSIRT duty', true, null, null, null],
      ['Night desk', false, null, null, 'no e-mail address'],
      ['SOC', true, '2099-01-01T00:05:00.000Z', 'reply', null],
    ]);
    // Operators read the same from the migrated store.
    for (const args of [
      ['digest', 'list'],
      ['drill', 'list'],
      ['drill', 'report', drillId, '--csv'],
    ]) {
      const fromSqlite = cliOn('sqlite', args);
      expect(cliOn('mongodb', args), args.join(' ')).to.equal(fromSqlite);
    }
    expect(cliOn('mongodb', ['digest', 'list'])).to.match(/failing: MAIL_RELAY_FAILED/);
    expect(a.tokens[0]?.revokedAt).to.equal('2025-02-01T00:00:00.000Z');
    expect(a.tombstones.some((t) => t.purgedAt !== null)).to.equal(true);
    const [da, db] = await both(storeDigest);
    expect(db).to.deep.equal(da);

    // The API answers the same over both backends: the pull, one indicator, the own submissions.
    for (const path of ['/indicators?since=0&limit=1000', '/indicators?since=0&limit=3', '/submissions', `/submissions/${ownSubmission}`]) {
      const [fromSqlite, fromMongo] = await both((s) => apiAnswer(s, readerToken, path));
      expect((fromSqlite as { status: number }).status, path).to.equal(200);
      expect(fromMongo, path).to.deep.equal(fromSqlite);
    }
    const pulled = (await both((s) => apiAnswer(s, readerToken, '/indicators?since=0&limit=1000')))[0] as { body: { items?: { id: string }[] } };
    const someId = pulled.body.items?.[0]?.id;
    expect(someId, 'the pull returned indicators').to.be.a('string');
    const [oneA, oneB] = await both((s) => apiAnswer(s, readerToken, `/indicators/${someId}`));
    expect(oneB).to.deep.equal(oneA);

    // Every blob of the source reads back from GridFS, decrypted and hash-checked by the vault.
    const { secrets } = loadOrCreateSecrets(dataDir);
    const source = createFsBackend(vaultRoot(dataDir));
    const target = openVault(await createGridFsBackend(test.conn.db), secrets);
    let blobs = 0;
    for await (const id of source.ids()) {
      expect((await target.get(id)).length).to.equal((await openVault(source, secrets).get(id)).length);
      blobs++;
    }
    expect(blobs).to.be.greaterThan(6);
    const listed: string[] = [];
    for await (const id of target.list()) listed.push(id);
    expect(listed).to.have.length(blobs);
  });

  it('resumes an interrupted migration by running again', async function () {
    // As if the first run stopped half-way: some blobs and records never arrived.
    const db = test.conn.db;
    const [oneBlob] = await db.collection('vault.blobs').find().limit(1).toArray();
    await db.collection('vault.blobs').deleteOne({ _id: oneBlob!._id });
    await db.collection<{ _id: number }>(COLLECTIONS.publications).deleteMany({ _id: { $gt: 1 } });
    await db.collection(COLLECTIONS.audit).deleteMany({});
    await db.collection(COLLECTIONS.drillNotices).deleteMany({});
    await db.collection(COLLECTIONS.digestDeliveries).deleteMany({});
    await db.collection(COLLECTIONS.digestSubscriptions).updateMany({}, { $set: { cursorSeq: 0, pendingToSeq: null } });

    const r = migrate();
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/vault: 1 blobs copied, \d+ already there/);
    expect(r.stdout).to.match(/verified/);
    const [a, b] = await both((s) => storeDigest(s));
    expect(b).to.deep.equal(a);
  });

  it('notices a digest cursor or a drill acknowledgement that differs in the copy, with equal counts', async function () {
    const db = test.conn.db;
    const source = openSqliteStore(sqliteFile(dataDir));
    const target = await openMongoStore(test.conn);
    try {
      const [daily] = await source.listDigestSubscriptions();
      const acked = (await source.listDrillNotices(drillId)).find((n) => n.ackAt !== null)!;
      expect((await verifyStoreCopy(source, target)).ok).to.equal(true);
      for (const [collection, id, change, restore] of [
        [COLLECTIONS.digestSubscriptions, daily!.id, { cursorSeq: 0 }, { cursorSeq: daily!.cursorSeq }],
        [COLLECTIONS.drillNotices, acked.id, { ackAt: null, ackVia: null }, { ackAt: acked.ackAt, ackVia: acked.ackVia }],
      ] as const) {
        await db.collection<{ _id: string }>(collection).updateOne({ _id: id }, { $set: change });
        const check = await verifyStoreCopy(source, target);
        expect(check.countMismatches, collection).to.deep.equal([]);
        expect(check.ok, collection).to.equal(false);
        expect(check.digest.target.sha256).to.not.equal(check.digest.source.sha256);
        await db.collection<{ _id: string }>(collection).updateOne({ _id: id }, { $set: restore });
      }
      expect((await verifyStoreCopy(source, target)).ok).to.equal(true);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('fails verification, exiting 1, when the target holds records the source does not', async function () {
    await test.conn.db.collection(COLLECTIONS.organisations).insertOne({ _id: 'stray', name: 'Stray Org' } as never);
    const r = migrate();
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/MISMATCH organisations: source 1, target 2/);
    await test.conn.db.collection(COLLECTIONS.organisations).deleteOne({ _id: 'stray' } as never);
  });
});
