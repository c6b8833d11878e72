// `c4tap migrate` as an operator runs it: an embedded data directory filled through the real
// pipeline (accept, analysis with YARA-X, publication, sightings, tokens, retention tombstones) is
// copied to a MongoDB-wire server; both stores then answer the same, every blob decrypts from
// GridFS to its SHA-256, and running the command again resumes an interrupted copy.
import { expect } from 'chai';
import { createLogger } from '../../core/logger.ts';
import { openMongoStore } from '../../core/store/mongo-store.ts';
import { COLLECTIONS } from '../../core/store/mongo-schema.ts';
import type { Store } from '../../core/store/port.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import { storeDigest } from '../../core/store/store-export.ts';
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
          note: `Suspicious mail ${n}.`,
          submitter: SENDER,
        });
        const [sub] = await env.accept(raw);
        await analyseSubmission(env.deps(), sub!, { finalAttempt: false });
        subs.push(sub!);
      }
      const deps = { store, audit: env.ctx.audit, clock: env.ctx.clock };
      for (const sub of subs.slice(0, 4)) await publishSubmission(deps, sub.id, 'analyst-1');
      const [published] = await store.listPublications({ afterSeq: 0, limit: 1 });
      await store.addSighting({ indicatorId: published!.indicatorId, orgId: env.data.submitter.org.id, class: 'AMBER', count: 2, seenAt: env.ctx.clock().toISOString(), idempotencyKey: 'k1' }, env.ctx.clock().toISOString());
      // A participant reader of the submitting organisation, with an API token (copied with the store).
      const reader = await addPrincipal(env.ctx, 'test', { orgId: env.data.submitter.org.id, name: 'rail-reader', email: 'reader@rail.example', roles: ['reader', 'submitter'] });
      readerToken = (await issueToken(store, TOKENS, reader.principal, 24 * 3600 * 1000, 'pull', env.ctx.clock())).token;
      ownSubmission = subs[1]!.id;
      await store.createToken({ jti: 'tok-1', principalId: env.data.submitter.principal.id, label: 'feed', createdAt: '2025-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:00:00.000Z' });
      await store.revokeToken('tok-1', '2025-02-01T00:00:00.000Z');
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

    const [sqliteCounts, mongoCounts] = await both((s) => s.counts());
    expect(mongoCounts).to.deep.equal(sqliteCounts);
    expect(sqliteCounts.submissions).to.equal(6);
    expect(sqliteCounts.publications).to.be.greaterThan(0);

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
      };
    });
    expect(b).to.deep.equal(a);
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

    const r = migrate();
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/vault: 1 blobs copied, \d+ already there/);
    expect(r.stdout).to.match(/verified/);
    const [a, b] = await both((s) => storeDigest(s));
    expect(b).to.deep.equal(a);
  });

  it('fails verification, exiting 1, when the target holds records the source does not', async function () {
    await test.conn.db.collection(COLLECTIONS.organisations).insertOne({ _id: 'stray', name: 'Stray Org' } as never);
    const r = migrate();
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/MISMATCH organisations: source 1, target 2/);
    await test.conn.db.collection(COLLECTIONS.organisations).deleteOne({ _id: 'stray' } as never);
  });
});
