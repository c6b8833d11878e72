// The vault: encryption, hashing and verification over a backend that only moves sealed bytes.
// Nothing is handed to the backend in plaintext; every read is checked twice (GCM tag bound to the
// id, then SHA-256 of the plaintext against the id).
import { C4Error } from '../core/errors.ts';
import { assertBlobId } from './blob-id.ts';
import { sha256Hex } from './hashes.ts';
import { fixedKeyring, isKeyringSource, type KeyringSource, type VaultKeyring } from './keyring.ts';
import { parseHeader, seal, unseal, type SealedHeader } from './sealed-format.ts';
import type { BlobInfo, PutResult, SealedBlobBackend, SealedBlobSpool, Vault } from './vault-port.ts';

export { createKeyring, keyringFromSecrets, type KeyringSource, type VaultKeyring } from './keyring.ts';

/**
 * `keys` is read at every seal and open (never captured): with a KeyringSource that re-reads the
 * secrets file, new blobs go under the current key as soon as a rotation is seen, and a blob under
 * a key this process has not seen yet makes it read the keys once more before failing.
 */
/*
 * With a `spool` (the SQLite store's, core/store/sqlite-spool.ts), a blob may be durable in the
 * spool before it is in the backend: every read, `has` and `info` look there when the backend has
 * not got it yet, `delete` removes it from both, and `settle` moves it into the backend.
 */
/** Spooled blobs moved into the backend at the same time (see settle). */
const MOVES_AT_ONCE = 2;

/** Runs at most `n` of the given tasks at once, the others in call order. */
function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export function createVault(backend: SealedBlobBackend, keys: VaultKeyring | KeyringSource, spool: SealedBlobSpool | null = null): Vault {
  const keyring = isKeyringSource(keys) ? keys : fixedKeyring(keys);

  /** Backend failures become VAULT_UNAVAILABLE; errors the backend already classified pass through. */
  async function io<T>(op: string, id: string | null, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof C4Error) throw err;
      throw new C4Error('VAULT_UNAVAILABLE', `vault backend failed to ${op}${id ? ` blob ${id}` : ''}`, id ? { sha256: id } : {}, {
        cause: err,
      });
    }
  }

  function currentKey(): { id: string; key: Buffer } {
    const ring = keyring.current();
    const key = ring.key(ring.currentKeyId);
    if (!key) throw new C4Error('VAULT_KEY_UNKNOWN', `current vault key ${ring.currentKeyId} is missing from the keyring`);
    return { id: ring.currentKeyId, key };
  }

  function sealCurrent(plain: Buffer, id: string): Buffer {
    const { id: keyId, key } = currentKey();
    return seal(plain, id, keyId, key);
  }

  /** The sealed bytes from the backend, else from the spool; null when neither has them. */
  async function readEither(id: string): Promise<Buffer | null> {
    if (!spool) return io('read', id, () => backend.read(id));
    // A backend that cannot be read (an unwritable or broken vault holding off the move) does not hide a spooled copy.
    const sealed = await io('read', id, () => backend.read(id)).catch(async (err: unknown) => {
      if (await io('check spooled', id, () => spool.has(id))) return null;
      throw err;
    });
    if (sealed) return sealed;
    return (await io('read spooled', id, () => spool.get(id))) ?? (await io('read', id, () => backend.read(id)));
  }

  async function readSealed(id: string): Promise<Buffer> {
    const sealed = await readEither(id);
    if (!sealed) throw new C4Error('VAULT_NOT_FOUND', `blob ${id} is not in the vault`, { sha256: id });
    return sealed;
  }

  function open(id: string, sealed: Buffer): { header: SealedHeader; plain: Buffer } {
    const header = parseHeader(sealed, id);
    const key = keyring.current().key(header.keyId) ?? keyring.refresh().key(header.keyId);
    if (!key) {
      throw new C4Error('VAULT_KEY_UNKNOWN', `blob ${id} is encrypted under unknown key ${header.keyId}`, { sha256: id, keyId: header.keyId });
    }
    const plain = unseal(sealed, header, id, key);
    if (sha256Hex(plain) !== id) {
      throw new C4Error('VAULT_TAMPERED', `blob ${id} failed its integrity check: content hash differs`, { sha256: id, reason: 'hash mismatch' });
    }
    return { header, plain };
  }

  // Moves run a few at a time: each is several fsyncs (file, directory, new shard directories),
  // and they must not crowd out the commits that new messages wait for.
  const moves = createLimiter(MOVES_AT_ONCE);

  function settle(sha256: string): Promise<boolean> {
    assertBlobId(sha256);
    return spool ? moves(() => move(spool, sha256)) : Promise.resolve(false);
  }

  async function move(spool: SealedBlobSpool, sha256: string): Promise<boolean> {
    const sealed = await io('read spooled', sha256, () => spool.get(sha256));
    if (!sealed) return false;
    // Durable in the backend (fsync of file and directory) before the spool lets it go.
    await io('write', sha256, () => backend.write(sha256, sealed));
    await io('remove spooled', sha256, () => spool.remove(sha256));
    return true;
  }

  return {
    async put(content: Buffer): Promise<PutResult> {
      const sha256 = sha256Hex(content);
      const result = (created: boolean): PutResult => ({ sha256, size: content.length, created });
      if (await io('check', sha256, () => backend.exists(sha256))) return result(false);
      const sealed = sealCurrent(content, sha256);
      return result(await io('write', sha256, () => backend.write(sha256, sealed)));
    },

    async get(sha256: string): Promise<Buffer> {
      assertBlobId(sha256);
      return open(sha256, await readSealed(sha256)).plain;
    },

    async has(sha256: string): Promise<boolean> {
      assertBlobId(sha256);
      if (spool && (await io('check spooled', sha256, () => spool.has(sha256)))) return true;
      return io('check', sha256, () => backend.exists(sha256));
    },

    /** From the header alone (no decryption); a malformed header throws VAULT_TAMPERED. */
    async info(sha256: string): Promise<BlobInfo | null> {
      assertBlobId(sha256);
      const sealed = await readEither(sha256);
      if (!sealed) return null;
      const header = parseHeader(sealed, sha256);
      return { sha256, size: header.plainSize, keyId: header.keyId };
    },

    async delete(sha256: string): Promise<boolean> {
      assertBlobId(sha256);
      const spooled = spool ? await io('remove spooled', sha256, () => spool.remove(sha256)) : false;
      return (await io('remove', sha256, () => backend.remove(sha256))) || spooled;
    },

    async deleteUnless(sha256: string, mayGo: () => Promise<boolean>) {
      assertBlobId(sha256);
      // A blob still in the spool is moved first, so that it is removed (or kept) where it lives.
      if (spool) await settle(sha256);
      // Held in memory (blobs are bounded by the message size limit) so it can be written back.
      const sealed = await io('read', sha256, () => backend.read(sha256));
      if (!sealed) return 'missing' as const;
      await io('remove', sha256, () => backend.remove(sha256));
      if (await mayGo().catch(() => false)) return 'deleted' as const;
      await io('write', sha256, () => backend.write(sha256, sealed));
      return 'kept' as const;
    },

    /** True when re-encrypted; false when already under the current key. Missing: VAULT_NOT_FOUND. */
    async rewrap(sha256: string): Promise<boolean> {
      assertBlobId(sha256);
      const { header, plain } = open(sha256, await readSealed(sha256));
      if (header.keyId === keyring.current().currentKeyId) return false;
      const sealed = sealCurrent(plain, sha256);
      await io('replace', sha256, () => backend.replace(sha256, sealed));
      return true;
    },

    /** The backend's blobs, then the spooled ones it has not got yet. */
    async *list(): AsyncIterable<string> {
      const spooled = new Set(spool ? await io('list spooled', null, () => spool.list()) : []);
      const it = backend.ids()[Symbol.asyncIterator]();
      let finished = false;
      try {
        for (;;) {
          const next = await io('list', null, () => it.next());
          if (next.done) {
            finished = true;
            break;
          }
          spooled.delete(next.value);
          yield next.value;
        }
      } finally {
        if (!finished) await it.return?.();
      }
      yield* spooled;
    },

    freeBytes: () => io('measure free space of', null, () => backend.freeBytes()),

    seal(content: Buffer, sha256: string): Buffer {
      assertBlobId(sha256);
      return sealCurrent(content, sha256);
    },

    spooling: spool !== null,

    settle,

    async settleAll() {
      let settled = 0;
      let failed = 0;
      for (const id of spool ? await io('list spooled', null, () => spool.list()) : []) {
        try {
          if (await settle(id)) settled++;
        } catch {
          failed++;
        }
      }
      return { settled, failed };
    },
  };
}
