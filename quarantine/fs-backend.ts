// Filesystem backend of the vault: sealed blobs under <root>/ab/cd/<sha256>, written to a temp
// file, fsynced, renamed into place and the directory fsynced (core/durable-file.ts). Blob files
// are 0600 and directories 0700. Ids are checked again here so no caller can name a path outside
// the root.
import { chmodSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { access, mkdir, readdir, readFile, statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import { C4Error } from '../core/errors.ts';
import { fsyncDir, TEMP_SUFFIX, writeFileDurablyAsync } from '../core/durable-file.ts';
import { assertBlobId, isBlobId } from './blob-id.ts';
import type { SealedBlobBackend } from './vault-port.ts';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const SHARD = /^[0-9a-f]{2}$/;

export function shardPath(root: string, id: string): string {
  assertBlobId(id);
  return path.join(root, id.slice(0, 2), id.slice(2, 4), id);
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * Removes temp files left by writes interrupted by a crash (root and shard directories) that were
 * last modified before `cutoffMs`. Younger ones may belong to another process writing right now
 * (a CLI command opening the vault while the server runs). Returns how many were removed.
 */
export function removeLeftoverTemps(root: string, cutoffMs: number): number {
  let removed = 0;
  const sweep = (dir: string, depth: number): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isFile() && entry.name.endsWith(TEMP_SUFFIX)) {
        if (statSync(full).mtimeMs >= cutoffMs) continue;
        unlinkSync(full);
        removed++;
      } else if (entry.isDirectory() && depth < 2 && SHARD.test(entry.name)) {
        sweep(full, depth + 1);
      }
    }
  };
  sweep(root, 0);
  return removed;
}

/** Runs operations on the same id one after another, so a second write sees the first one's file. */
function createIdQueue(): <T>(id: string, run: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (id, run) => {
    const result = (tails.get(id) ?? Promise.resolve()).then(run);
    const tail = result.catch(() => undefined);
    tails.set(id, tail);
    void tail.then(() => {
      if (tails.get(id) === tail) tails.delete(id);
    });
    return result;
  };
}

export interface FsBackendOptions {
  /** Temp files older than this are crash leftovers and removed at creation (default 15 minutes). */
  readonly staleTempAfterMs?: number;
}

const STALE_TEMP_AFTER_MS = 15 * 60 * 1000;

/** Creates the root (0700, tightened if looser) and removes leftover temp files. */
export function createFsBackend(root: string, options: FsBackendOptions = {}): SealedBlobBackend {
  mkdirSync(root, { recursive: true, mode: DIR_MODE });
  if (statSync(root).mode & 0o077) chmodSync(root, DIR_MODE);
  removeLeftoverTemps(root, Date.now() - (options.staleTempAfterMs ?? STALE_TEMP_AFTER_MS));
  const queue = createIdQueue();

  async function exists(file: string): Promise<boolean> {
    try {
      await access(file);
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /**
   * Shard directories (ab and ab/cd) known to exist: created or found here. Nothing here removes
   * one, so a write skips the mkdir of each known level and its EEXIST error (an Error with a stack
   * trace: in a new vault the first level exists long before most second levels do); a shard
   * removed from outside is created again on the write that misses it (write below).
   */
  const knownDirs = new Set<string>();

  /** Creates ab/ and ab/cd/ as needed, fsyncing the parent of each directory it creates. */
  async function ensureShardDirs(id: string): Promise<void> {
    let parent = root;
    for (const key of [id.slice(0, 2), id.slice(0, 4)]) {
      const dir = path.join(parent, key.slice(-2));
      if (!knownDirs.has(key)) {
        try {
          await mkdir(dir, { mode: DIR_MODE });
          await fsyncDir(parent);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        knownDirs.add(key);
      }
      parent = dir;
    }
  }

  return {
    async write(id, sealed) {
      const file = shardPath(root, id);
      return queue(id, async () => {
        if (await exists(file)) return false;
        await ensureShardDirs(id);
        try {
          await writeFileDurablyAsync(file, sealed, FILE_MODE);
        } catch (err) {
          if (!isMissing(err)) throw err;
          // Its shard directory was removed from outside since it was known: create it again.
          knownDirs.delete(id.slice(0, 2));
          knownDirs.delete(id.slice(0, 4));
          await ensureShardDirs(id);
          await writeFileDurablyAsync(file, sealed, FILE_MODE);
        }
        return true;
      });
    },

    async read(id) {
      const file = shardPath(root, id);
      try {
        return await readFile(file);
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    async exists(id) {
      return exists(shardPath(root, id));
    },

    async remove(id) {
      const file = shardPath(root, id);
      return queue(id, async () => {
        try {
          await unlink(file);
        } catch (err) {
          if (isMissing(err)) return false;
          throw err;
        }
        await fsyncDir(path.dirname(file));
        return true;
      });
    },

    async replace(id, sealed) {
      const file = shardPath(root, id);
      return queue(id, async () => {
        if (!(await exists(file))) throw new C4Error('VAULT_NOT_FOUND', `blob ${id} is not in the vault`, { sha256: id });
        await writeFileDurablyAsync(file, sealed, FILE_MODE);
      });
    },

    async *ids() {
      for (const a of await subdirs(root)) {
        for (const b of await subdirs(path.join(root, a))) {
          const names = (await readdir(path.join(root, a, b), { withFileTypes: true }))
            .filter((e) => e.isFile() && isBlobId(e.name) && e.name.startsWith(a + b))
            .map((e) => e.name)
            .sort();
          yield* names;
        }
      }
    },

    async freeBytes() {
      const s = await statfs(root);
      return s.bavail * s.bsize;
    },
  };
}

/** Shard-named subdirectories, sorted; a shard removed meanwhile reads as empty. */
async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && SHARD.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
}
