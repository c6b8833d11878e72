// The data and policies directories a command works on, checked before anything opens them.
// Only `serve` and `init` may create the data directory; every other command refuses with one line
// naming the path it looked at, the setting that chose it and how to fix it (no silent new ./var).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describeSetting, type LoadedConfig } from '../../core/config.ts';
import { C4Error } from '../../core/errors.ts';
import { secretsPath } from '../../core/secrets.ts';

function refuse(message: string): never {
  throw new C4Error('CONFIG_INVALID', message);
}

const POINT_IT = 'run the command where your config is, pass --config FILE, or set C4TAP_DATA_DIR to the data directory `c4tap serve` or `c4tap init` created';

const FIX: Readonly<Record<string, string>> = {
  EACCES: 'give that user the directory (chown, chmod 0700) or mount it read-write',
  EROFS: 'mount it read-write, or point the setting at a writable directory',
  ENOSPC: 'free space on that file system, or point the setting at a larger one',
  EDQUOT: "raise the user's disk quota, or point the setting at another file system",
};

export interface Unwritable {
  readonly code: string;
  /** "data directory /x is on a read-only file system (EROFS)" and the like. */
  readonly message: string;
}

const PROBE_BYTES = Buffer.alloc(4096);

function probeFile(dir: string): string {
  return path.join(dir, `.c4tap-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** What a failed probe write says about `dir`. */
function unwritableFrom(err: unknown, dir: string, label: string): Unwritable {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const what =
    code === 'EROFS'
      ? 'is on a read-only file system'
      : code === 'ENOSPC' || code === 'EDQUOT'
        ? 'is full (no space left for a 4 KiB write)'
        : code === 'EACCES' || code === 'EPERM'
          ? `is not writable by user ${os.userInfo().username}`
          : 'cannot be written';
  return { code, message: `${label} ${dir} ${what} (${code})` };
}

/**
 * Writes, fsyncs and removes a small file in `dir` — what the store and vault will do — so a
 * read-only mount, a full disk or a missing permission shows now and for root too (access(2)
 * answers yes to root on a directory mode 0500). Null when the write went through.
 */
export function writeProbe(dir: string, label = 'data directory'): Unwritable | null {
  const file = probeFile(dir);
  let fd: number | null = null;
  try {
    fd = openSync(file, 'wx', 0o600);
    writeSync(fd, PROBE_BYTES);
    fsyncSync(fd);
    return null;
  } catch (err) {
    return unwritableFrom(err, dir, label);
  } finally {
    if (fd !== null) closeSync(fd);
    try {
      rmSync(file, { force: true });
    } catch {
      /* never created (read-only file system) */
    }
  }
}

/** The same probe without blocking the event loop (the health check of a running server). */
export async function writeProbeAsync(dir: string, label = 'data directory'): Promise<Unwritable | null> {
  const file = probeFile(dir);
  let handle: FileHandle | null = null;
  try {
    handle = await open(file, 'wx', 0o600);
    await handle.write(PROBE_BYTES);
    await handle.sync();
    return null;
  } catch (err) {
    return unwritableFrom(err, dir, label);
  } finally {
    await handle?.close();
    await rm(file, { force: true }).catch(() => undefined);
  }
}

/**
 * Refuses a missing, uninitialised or unwritable data directory, and a missing policies directory.
 * With `create`, makes the data directory (mode 0700) when it does not exist yet.
 */
export function checkDirectories(loaded: LoadedConfig, options: { readonly create: boolean }): void {
  const { dataDir, policiesDir } = loaded.config;
  const dataSetting = describeSetting('dataDir', loaded.sources);
  if (!existsSync(policiesDir) || !statSync(policiesDir).isDirectory()) {
    refuse(
      `no policies directory at ${policiesDir}: ${describeSetting('policiesDir', loaded.sources)}; point it at the installation's policies/ folder or a copy of it`,
    );
  }
  if (!existsSync(dataDir)) {
    if (!options.create) refuse(`no data directory at ${dataDir}: ${dataSetting}; create one with "c4tap init", or ${POINT_IT}`);
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      refuse(`cannot create the data directory ${dataDir}: ${dataSetting}: ${(err as Error).message}`);
    }
  }
  if (!statSync(dataDir).isDirectory()) refuse(`data directory ${dataDir} is not a directory: ${dataSetting}`);
  const unwritable = writeProbe(dataDir);
  if (unwritable) refuse(`${unwritable.message}: ${dataSetting}; ${FIX[unwritable.code] ?? FIX.EACCES}`);
  if (!options.create && !existsSync(secretsPath(dataDir))) {
    refuse(`data directory ${dataDir} is not initialised (no secrets.json): ${dataSetting}; initialise it with "c4tap init", or ${POINT_IT}`);
  }
}
