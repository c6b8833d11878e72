// The MongoDB adapter: the same store contract as SQLite, on a real MongoDB-wire server (FerretDB
// from .ci/mongo/start.sh, or MONGODB_URI), plus what only this adapter has: the server guarantee
// it relies on, schema versions, many processes' worth of connections publishing at once.
import { expect } from 'chai';
import { createAuditAppender, verifyAudit } from '../../core/audit.ts';
import { isC4Error } from '../../core/errors.ts';
import type { PublicationEntry } from '../../core/types.ts';
import { connectMongo, writeConcernOf } from '../../core/store/mongo-db.ts';
import { COLLECTIONS, MONGO_SCHEMA_VERSION } from '../../core/store/mongo-schema.ts';
import { openMongoStore } from '../../core/store/mongo-store.ts';
import type { Store } from '../../core/store/port.ts';
import { storeContract } from '../contracts/store.contract.ts';
import { at, rejection, seedSubmission, seedSubmitter } from '../contracts/store-fixtures.ts';
import { freshDatabase, requireMongo, type TestDatabase } from '../helpers/mongo-server.ts';

describe('MongoDB store (needs MongoDB-wire server)', function () {
  this.timeout(60_000);
  let test: TestDatabase;

  before(async function () {
    test = await freshDatabase(await requireMongo(this), 'store');
  });

  after(async function () {
    await test?.drop();
  });

  it('runs on a server that applies concurrent updates of one document atomically, as MongoDB does', async function () {
    // The adapter's job claims and lease checks rely on it; FerretDB v1 alone does not give it
    // (test/mongo-server/serialize.go), so a server without it fails here first.
    const probe = test.conn.db.collection<{ _id: string; n: number }>('atomicity_probe');
    await probe.insertOne({ _id: 'x', n: 0 });
    const results = await Promise.all(Array.from({ length: 40 }, () => probe.findOneAndUpdate({ _id: 'x' }, { $inc: { n: 1 } }, { returnDocument: 'after' })));
    expect((await probe.findOne({ _id: 'x' }))?.n).to.equal(40);
    expect(new Set(results.map((r) => r?.n)).size).to.equal(40);
    await probe.drop();
  });

  storeContract('mongodb (needs MongoDB-wire server)', async () => {
    await test.clear();
    const store = await openMongoStore(test.conn);
    return { store, cleanup: () => store.close() };
  });

  describe('MongoDB only', function () {
    let store: Store;
    beforeEach(async function () {
      await test.clear();
      store = await openMongoStore(test.conn);
    });
    afterEach(async function () {
      await store.close();
    });

    it('gives strictly increasing, gap-free seqs, none twice, to many publishers on separate connections', async function () {
      const publishers = await Promise.all(Array.from({ length: 4 }, () => openMongoStore({ uri: test.uri, dbName: test.conn.db.databaseName })));
      try {
        const perPublisher = 12;
        const results = await Promise.all(
          publishers.map((p, w) =>
            (async () => {
              const mine: PublicationEntry[] = [];
              for (let i = 0; i < perPublisher; i++) {
                const entries = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
                  idempotencyKey: `w${w}-${i}-${k}`,
                  action: 'publish' as const,
                  indicatorId: `ind_${i}`,
                  submissionId: `sub_${w}`,
                  kind: 'network' as const,
                  class: 'AMBER' as const,
                }));
                const got = await p.appendPublications(entries, at(i));
                // Within one call, entries come out in order.
                for (let k = 1; k < got.length; k++) expect(got[k]!.seq).to.be.greaterThan(got[k - 1]!.seq);
                mine.push(...got);
              }
              return mine;
            })(),
          ),
        );
        // Each publisher sees its own seqs rise.
        for (const mine of results) for (let i = 1; i < mine.length; i++) expect(mine[i]!.seq).to.be.greaterThan(mine[i - 1]!.seq);
        const all = results
          .flat()
          .map((e) => e.seq)
          .sort((a, b) => a - b);
        expect(new Set(all).size, 'no seq twice').to.equal(all.length);
        expect(all, 'gap-free from 1').to.deep.equal(Array.from({ length: all.length }, (_, i) => i + 1));
        const log = await store.listPublications({ afterSeq: 0, limit: 1000 });
        expect(log.map((e) => e.seq)).to.deep.equal(all);
        expect(await store.lastPublicationSeq()).to.equal(all.length);
      } finally {
        await Promise.all(publishers.map((p) => p.close()));
      }
    });

    it('publishes a key once when two connections publish it at the same moment', async function () {
      const other = await openMongoStore({ uri: test.uri, dbName: test.conn.db.databaseName });
      try {
        const entry = { idempotencyKey: 'same', action: 'publish' as const, indicatorId: 'i', submissionId: 's', kind: 'file' as const, class: 'RED' as const };
        const [a, b] = await Promise.all([store.appendPublications([entry], at(1)), other.appendPublications([entry], at(2))]);
        expect(a).to.deep.equal(b);
        expect((await store.counts()).publications).to.equal(1);
      } finally {
        await other.close();
      }
    });

    it('refuses a database whose schema is newer than the program with SCHEMA_TOO_NEW', async function () {
      await test.conn.db
        .collection<{ _id: string; version: number }>(COLLECTIONS.meta)
        .updateOne({ _id: 'schema' }, { $set: { version: MONGO_SCHEMA_VERSION + 1 } });
      const err = await rejection(openMongoStore(test.conn));
      expect(isC4Error(err, 'SCHEMA_TOO_NEW'), String(err)).to.equal(true);
      await test.conn.db
        .collection<{ _id: string; version: number }>(COLLECTIONS.meta)
        .updateOne({ _id: 'schema' }, { $set: { version: MONGO_SCHEMA_VERSION } });
    });

    it('records its schema version and creates its unique indexes at start-up', async function () {
      expect((await test.conn.db.collection<{ _id: string; version: number }>(COLLECTIONS.meta).findOne({ _id: 'schema' }))?.version).to.equal(
        MONGO_SCHEMA_VERSION,
      );
      const names = (await test.conn.db.collection(COLLECTIONS.submissions).listIndexes().toArray()).map((i) => i.name as string);
      expect(names).to.include('dedup_unique');
    });

    it('completes a submission whose job was lost in a crash when the sender retries', async function () {
      const who = await seedSubmitter(store);
      const id = await seedSubmission(store, who, 's1');
      // The crash: the submission was written, its job was not.
      await test.conn.db.collection(COLLECTIONS.jobs).deleteMany({ submissionId: id });
      const retry = await store.createSubmission(
        { ...(await store.getSubmission(id))!, id: 's1-retry' },
        { id: 'job-retry', type: 'analyse', submissionId: 's1-retry', runAfter: at(60) },
      );
      expect(retry.created).to.equal(false);
      expect(retry.submission.id).to.equal(id);
      expect(retry.job).to.include({ submissionId: id, status: 'pending' });
      expect(await store.getJobForSubmission(id, 'analyse')).to.deep.equal(retry.job);
      expect(await store.getSubmission('s1-retry')).to.equal(null);
    });

    it('completes an audit head update lost in a crash, and refuses to append after a removed tail or head', async function () {
      const key = Buffer.alloc(32, 3);
      const append = createAuditAppender(store, () => new Date(at(0)), key);
      for (let i = 0; i < 4; i++) await append({ actor: 'system', action: 'test', data: { i } });
      const meta = test.conn.db.collection<{ _id: string; seq: number; hash: string }>(COLLECTIONS.meta);
      const events = test.conn.db.collection<{ _id: number; hash: string }>(COLLECTIONS.audit);
      // The crash: event 4 was written, the head still names event 3.
      const third = (await events.findOne({ _id: 3 }))!;
      await meta.updateOne({ _id: 'audit.head' }, { $set: { seq: 3, hash: third.hash } });
      expect((await append({ actor: 'system', action: 'after-crash' })).seq).to.equal(5);
      expect(await store.auditHead()).to.include({ seq: 5 });
      expect((await verifyAudit(store, key)).ok).to.equal(true);

      await events.deleteOne({ _id: 5 });
      expect(isC4Error(await rejection(append({ actor: 'x', action: 'y' })), 'AUDIT_CHAIN_BROKEN')).to.equal(true);
      await meta.deleteOne({ _id: 'audit.head' });
      expect(isC4Error(await rejection(append({ actor: 'x', action: 'y' })), 'AUDIT_CHAIN_BROKEN')).to.equal(true);
    });

    it('answers STORE_UNAVAILABLE when no server answers, and after close', async function () {
      const err = await rejection(openMongoStore({ uri: 'mongodb://127.0.0.1:9/', serverSelectionTimeoutMs: 300 }));
      expect(isC4Error(err, 'STORE_UNAVAILABLE'), String(err)).to.equal(true);
      const own = await openMongoStore({ uri: test.uri, dbName: test.conn.db.databaseName });
      await own.close();
      expect(isC4Error(await rejection(own.getSubmission('x')), 'STORE_UNAVAILABLE')).to.equal(true);
    });

    it('maps the write concern setting: majority and journal by default, a number of members when numeric', function () {
      expect(writeConcernOf({})).to.deep.equal({ w: 'majority', journal: true });
      expect(writeConcernOf({ writeConcern: '2', journal: false })).to.deep.equal({ w: 2, journal: false });
    });

    it('connects with the write concern it was given', async function () {
      const conn = await connectMongo({ uri: test.uri, dbName: test.conn.db.databaseName, writeConcern: '1', journal: false });
      try {
        expect(conn.db.writeConcern).to.include({ w: 1 });
      } finally {
        await conn.close();
      }
    });
  });
});
