// The vault on the filesystem backend: the shared contract plus what only a filesystem can show
// (no plaintext in any file, modes, shard layout, crash leftovers, ids that try to leave the root).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { loadOrCreateSecrets, rotateVaultKey } from '../../core/secrets.ts';
import { TEMP_SUFFIX } from '../../core/durable-file.ts';
import { createFsBackend } from '../../quarantine/fs-backend.ts';
import { createVault, keyringFromSecrets } from '../../quarantine/vault.ts';
import type { SealedBlobBackend, Vault } from '../../quarantine/vault-port.ts';
import { BAD_IDS, vaultContract } from '../contracts/vault.contract.ts';
import { openDatabase } from '../../core/store/sqlite-db.ts';
import { sqliteSpool } from '../../core/store/sqlite-spool.ts';
import { collect, makeTempDir, rejectsWith, type TempDir } from './helpers.ts';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface FsFixture {
  readonly tmp: TempDir;
  readonly root: string;
  readonly backend: SealedBlobBackend;
  readonly vault: Vault;
  readonly rotate: () => Promise<Vault>;
}

async function openFs(): Promise<FsFixture> {
  const tmp = await makeTempDir('vault');
  const root = path.join(tmp.dir, 'vault');
  const { secrets } = loadOrCreateSecrets(tmp.dir, new Date('2025-01-01T00:00:00Z'));
  const backend = createFsBackend(root);
  return {
    tmp,
    root,
    backend,
    vault: createVault(backend, keyringFromSecrets(secrets)),
    rotate: async () => createVault(backend, keyringFromSecrets(rotateVaultKey(tmp.dir, new Date('2025-06-01T00:00:00Z')).secrets)),
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

vaultContract('filesystem', async () => {
  const fx = await openFs();
  return { vault: fx.vault, backend: fx.backend, rotate: fx.rotate, cleanup: fx.tmp.remove };
});

describe('filesystem vault', () => {
  let fx: FsFixture;
  beforeEach(async () => {
    fx = await openFs();
  });
  afterEach(async () => {
    await fx.tmp.remove();
  });

  it('writes no file that contains the plaintext, also after a rewrap', async () => {
    const marker = 'C4TAP-PLAINTEXT-MARKER-7f3a9c';
    const content = Buffer.from(`Subject: invoice\r\n\r\n${marker}\r\n`.repeat(50));
    await fx.vault.put(content);
    const rotated = await fx.rotate();
    expect(await rotated.rewrap(sha256(content))).to.equal(true);
    const files = await filesUnder(fx.root);
    expect(files).to.have.length(1);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(Buffer.from(marker)), file).to.equal(false);
      expect(bytes.includes(Buffer.from(marker, 'utf16le')), file).to.equal(false);
    }
  });

  it('stores a blob at ab/cd/<sha256> with mode 0600 in 0700 directories', async () => {
    const { sha256: id } = await fx.vault.put(Buffer.from('mode check'));
    const shard1 = path.join(fx.root, id.slice(0, 2));
    const shard2 = path.join(shard1, id.slice(2, 4));
    expect((await stat(path.join(shard2, id))).mode & 0o777).to.equal(0o600);
    for (const dir of [fx.root, shard1, shard2]) expect((await stat(dir)).mode & 0o777, dir).to.equal(0o700);
  });

  it('stores a blob in a shard whose directories were removed from outside after an earlier write there', async () => {
    const first = Buffer.from('first in its shard');
    const { sha256: id } = await fx.vault.put(first);
    // Another content in the same shard ab/cd (one in 65,536 hashes).
    let second = Buffer.alloc(0);
    for (let i = 0; ; i++) {
      second = Buffer.from(`same shard ${i}`);
      if (sha256(second).slice(0, 4) === id.slice(0, 4)) break;
    }
    await rm(path.join(fx.root, id.slice(0, 2)), { recursive: true });
    await fx.vault.put(second);
    expect((await fx.vault.get(sha256(second))).equals(second)).to.equal(true);
  });

  it('tightens a vault root that is readable by others', async () => {
    const root = path.join(fx.tmp.dir, 'loose');
    await mkdir(root, { mode: 0o755 });
    createFsBackend(root);
    expect((await stat(root)).mode & 0o777).to.equal(0o700);
  });

  it('removes temp files left by a crash when it starts, keeping blobs and writes in flight', async () => {
    const { sha256: id } = await fx.vault.put(Buffer.from('survivor'));
    const shard = path.join(fx.root, id.slice(0, 2), id.slice(2, 4));
    const leftovers = [path.join(shard, `.${id}.0a0b0c0d0e0f${TEMP_SUFFIX}`), path.join(fx.root, `.stray${TEMP_SUFFIX}`)];
    const anHourAgo = new Date(Date.now() - 3600_000);
    for (const file of leftovers) {
      await writeFile(file, 'half-written sealed bytes');
      await utimes(file, anHourAgo, anHourAgo);
    }
    const inFlight = path.join(shard, `.${id}.111111111111${TEMP_SUFFIX}`);
    await writeFile(inFlight, 'another process is writing this now');
    const unrelated = path.join(fx.root, 'README');
    await writeFile(unrelated, 'not ours to delete');

    const restarted = createVault(createFsBackend(fx.root), keyringFromSecrets(loadOrCreateSecrets(fx.tmp.dir).secrets));
    for (const file of leftovers) expect(existsSync(file), file).to.equal(false);
    expect(existsSync(inFlight)).to.equal(true);
    expect(existsSync(unrelated)).to.equal(true);
    expect((await restarted.get(id)).toString()).to.equal('survivor');
    expect(await collect(restarted.list())).to.deep.equal([id]);
  });

  it('refuses ids that try to leave the root and creates nothing outside it', async () => {
    const outside = path.join(fx.tmp.dir, 'escaped');
    const attempts = [...BAD_IDS, `../escaped`, `${'a'.repeat(2)}/../../../escaped`];
    for (const id of attempts) {
      await rejectsWith(fx.backend.write(id, Buffer.from('x')), 'VAULT_BAD_KEY');
      await rejectsWith(fx.vault.get(id), 'VAULT_BAD_KEY');
    }
    expect(existsSync(outside)).to.equal(false);
    expect(await filesUnder(fx.root)).to.deep.equal([]);
  });

  it('ignores files in the tree that are not blobs in their own shard', async () => {
    const { sha256: id } = await fx.vault.put(Buffer.from('listed'));
    const misplaced = 'f'.repeat(64);
    await mkdir(path.join(fx.root, '00', '00'), { recursive: true });
    await writeFile(path.join(fx.root, '00', '00', misplaced), 'x');
    await writeFile(path.join(fx.root, id.slice(0, 2), id.slice(2, 4), 'notes.txt'), 'x');
    expect(await collect(fx.vault.list())).to.deep.equal([id]);
  });

  it('fails with VAULT_UNAVAILABLE, keeping the cause, when the shard cannot be created', async () => {
    const content = Buffer.from('blocked shard');
    await writeFile(path.join(fx.root, sha256(content).slice(0, 2)), 'a file where a directory belongs');
    const err = await rejectsWith(fx.vault.put(content), 'VAULT_UNAVAILABLE');
    expect((err.cause as NodeJS.ErrnoException).code).to.be.oneOf(['ENOTDIR', 'EEXIST']);
  });

  it('fails with VAULT_UNAVAILABLE when a blob cannot be read', async () => {
    const id = sha256(Buffer.from('unreadable'));
    await mkdir(path.join(fx.root, id.slice(0, 2), id.slice(2, 4), id), { recursive: true });
    const err = await rejectsWith(fx.vault.get(id), 'VAULT_UNAVAILABLE');
    expect((err.cause as NodeJS.ErrnoException).code).to.equal('EISDIR');
  });

  it('reports the free bytes of the file system holding the root', async () => {
    const free = await fx.vault.freeBytes();
    expect(free).to.be.a('number').and.above(0);
  });

  it('retention removes or keeps a blob still in the store spool where it lives, never reporting it missing', async () => {
    const db = openDatabase(path.join(fx.tmp.dir, 'c4tap.db'));
    try {
      const rows = sqliteSpool(db);
      const spool = {
        get: async (id: string) => rows.get(id),
        has: async (id: string) => rows.has(id),
        list: async () => rows.list(),
        remove: async (id: string) => rows.remove(id),
      };
      const { secrets } = loadOrCreateSecrets(fx.tmp.dir);
      const vault = createVault(fx.backend, keyringFromSecrets(secrets), spool);
      const spoolOne = (content: Buffer) => {
        const id = sha256(content);
        rows.put([{ sha256: id, sealed: vault.seal(content, id) }], new Date().toISOString());
        return id;
      };
      const kept = spoolOne(Buffer.from('still referenced sample'));
      expect(await vault.deleteUnless(kept, async () => false)).to.equal('kept');
      expect(rows.list()).to.deep.equal([]);
      expect(await fx.backend.exists(kept)).to.equal(true);
      expect((await vault.get(kept)).toString()).to.equal('still referenced sample');

      const expired = spoolOne(Buffer.from('expired sample'));
      expect(await vault.deleteUnless(expired, async () => true)).to.equal('deleted');
      expect(await vault.has(expired)).to.equal(false);
      expect(rows.list()).to.deep.equal([]);
    } finally {
      db.close();
    }
  });
});
