// Walking and copying the files of a backup: regular files under a directory, in a stable order,
// written with owner-only modes (files 0600, directories 0700) and fsynced.
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TEMP_SUFFIX } from '../../core/durable-file.ts';

/** Regular files under `root` (following no symlink out of it), relative with forward slashes, sorted. */
export function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.isFile() && !e.name.endsWith(TEMP_SUFFIX)) out.push(r);
    }
  };
  walk(root, '');
  return out;
}

/** Whether `dir` is missing or an empty directory. */
export function isEmptyOrMissing(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    return readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** Writes `data` to `target` (creating its directories 0700), mode 0600; never overwrites. Not yet fsynced: see syncTree. */
export function writeNew(target: string, data: Buffer): void {
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const fd = openSync(target, 'wx', 0o600);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes everything written under `root` durable. One syncfs(2) of its file system (`sync -f`,
 * coreutils) instead of an fsync per file: a vault of thousands of blobs is written at disk speed,
 * not at one journal commit per blob. Where `sync -f` is missing, every file and directory is
 * fsynced.
 */
export function syncTree(root: string): void {
  if (spawnSync('sync', ['-f', root], { stdio: 'ignore' }).status === 0) return;
  const fsyncPath = (p: string, flags: string): void => {
    const fd = openSync(p, flags);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  for (const rel of filesUnder(root)) fsyncPath(path.join(root, ...rel.split('/')), 'r');
  const dirs = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) dirs(path.join(dir, e.name));
    fsyncPath(dir, 'r');
  };
  dirs(root);
}

/** Reads a file, or null when it vanished meanwhile (a blob retention removed during an online backup). */
export function readIfPresent(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
