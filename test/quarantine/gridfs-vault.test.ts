// The vault on the GridFS backend: the shared vault contract on a real MongoDB-wire server, plus
// what only this backend has (leftovers of interrupted writes, readers during a rewrap, writers
// in several processes).
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { loadOrCreateSecrets, rotateVaultKey } from '../../core/secrets.ts';
import { createGridFsBackend, sweepOrphans } from '../../quarantine/gridfs-backend.ts';
import { createVault, keyringFromSecrets } from '../../quarantine/vault.ts';
import { vaultContract } from '../contracts/vault.contract.ts';
import { freshDatabase, requireMongo, type TestDatabase } from '../helpers/mongo-server.ts';
import { collect, makeTempDir } from './helpers.ts';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('GridFS vault (needs MongoDB-wire server)', function () {
  this.timeout(60_000);
  let test: TestDatabase;

  before(async function () {
    test = await freshDatabase(await requireMongo(this), 'vault');
  });

  after(async function () {
    await test?.drop();
  });

  async function open() {
    await test.clear();
    const tmp = await makeTempDir('gridfs');
    const { secrets } = loadOrCreateSecrets(tmp.dir, new Date('2025-01-01T00:00:00Z'));
    const backend = await createGridFsBackend(test.conn.db);
    return {
      tmp,
      backend,
      vault: createVault(backend, keyringFromSecrets(secrets)),
      rotate: async () => createVault(backend, keyringFromSecrets(rotateVaultKey(tmp.dir, new Date('2025-06-01T00:00:00Z')).secrets)),
      keys: keyringFromSecrets(secrets),
    };
  }

  vaultContract('gridfs (needs MongoDB-wire server)', async () => {
    const fx = await open();
    return { vault: fx.vault, backend: fx.backend, rotate: fx.rotate, cleanup: fx.tmp.remove };
  });

  describe('GridFS only', function () {
    let fx: Awaited<ReturnType<typeof open>>;
    beforeEach(async function () {
      fx = await open();
    });
    afterEach(async function () {
      await fx.tmp.remove();
    });

    it('creates a blob once when two processes write it at the same moment', async function () {
      const content = Buffer.concat([Buffer.from('two writers\n'), randomBytes(300_000)]);
      const otherBackend = await createGridFsBackend(test.conn.db);
      const other = createVault(otherBackend, fx.keys);
      const results = await Promise.all([fx.vault.put(content), other.put(content), fx.vault.put(content), other.put(content)]);
      expect(results.filter((r) => r.created)).to.have.length(1);
      expect((await other.get(sha256(content))).equals(content)).to.equal(true);
      expect(await test.conn.db.collection('vault.files').countDocuments({}), 'losers removed their uploads').to.equal(1);
    });

    it('lets readers see the old or the new blob, never a failure, while it is rewrapped', async function () {
      const content = Buffer.concat([Buffer.from('rewrap\n'), randomBytes(600_000)]);
      const { sha256: id } = await fx.vault.put(content);
      const rotated = await fx.rotate();
      const reads = Array.from({ length: 12 }, () => rotated.get(id));
      const [rewrapped, ...got] = await Promise.all([rotated.rewrap(id), ...reads]);
      expect(rewrapped).to.equal(true);
      for (const g of got) expect(g.equals(content)).to.equal(true);
      expect(await test.conn.db.collection('vault.files').countDocuments({}), 'the old file is gone').to.equal(1);
    });

    it('sweeps the leftovers of interrupted writes once they are stale, and keeps young ones and stored blobs', async function () {
      const kept = await fx.vault.put(Buffer.from('kept blob'));
      const files = test.conn.db.collection('vault.files');
      const chunks = test.conn.db.collection('vault.chunks');
      const longAgo = Date.now() - 60 * 60 * 1000;
      // A file whose pointer was never written (crash after the upload), an hour old and a young one.
      const staleFile = new ObjectId(Math.floor(longAgo / 1000));
      const youngFile = new ObjectId();
      for (const [id, when] of [
        [staleFile, longAgo],
        [youngFile, Date.now()],
      ] as const) {
        await files.insertOne({ _id: id, length: 3, chunkSize: 261120, uploadDate: new Date(when), filename: 'x' });
        await chunks.insertOne({ files_id: id, n: 0, data: Buffer.from('abc') });
      }
      // Chunks without their file document (crash during the upload).
      const staleChunks = new ObjectId(Math.floor(longAgo / 1000));
      await chunks.insertOne({ files_id: staleChunks, n: 0, data: Buffer.from('def') });

      expect(await sweepOrphans(test.conn.db, 'vault', Date.now() - 15 * 60 * 1000)).to.equal(2);
      expect(await files.countDocuments({ _id: staleFile })).to.equal(0);
      expect(await chunks.countDocuments({ files_id: { $in: [staleFile, staleChunks] } })).to.equal(0);
      expect(await files.countDocuments({ _id: youngFile }), 'a young file may be a write in progress').to.equal(1);
      expect((await fx.vault.get(kept.sha256)).toString()).to.equal('kept blob');
      expect(await collect(fx.vault.list())).to.deep.equal([kept.sha256]);
    });
  });
});
