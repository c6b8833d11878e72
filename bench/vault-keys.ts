// `npm run bench -- vault-keys`: what key rotation and its checks cost on a filesystem vault of N
// sealed blobs of 64 KiB: `keys remove`'s scan of every sealed header (blobsByKey), `keys rotate
// --rewrap` (decrypt + re-encrypt + durable replace per blob), and one health probe (4 KiB write +
// fsync, two statfs) that /api/v1/health runs at most every 5 s.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateSecrets, rotateVaultKey } from '../core/secrets.ts';
import { createLogger } from '../core/logger.ts';
import { createFsBackend } from '../quarantine/fs-backend.ts';
import { blobsByKey } from '../quarantine/vault-keys.ts';
import { openVault, vaultRoot } from '../bin/context.ts';
import { createHealthProbe } from '../bin/setup/health-probe.ts';

export const VAULT_KEY_BLOBS = [200, 2000];
const BLOB_BYTES = 64 * 1024;

export interface VaultKeysRow {
  readonly blobs: number;
  readonly scanMs: number;
  readonly rewrapMs: number;
  readonly probeMs: number;
}

export async function benchVaultKeys(blobs: number): Promise<VaultKeysRow> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c4tap-bench-keys-'));
  try {
    const dataDir = path.join(root, 'var');
    const { secrets } = loadOrCreateSecrets(dataDir);
    const backend = createFsBackend(vaultRoot(dataDir));
    const vault = openVault(backend, secrets);
    for (let i = 0; i < blobs; i++) await vault.put(randomBytes(BLOB_BYTES));
    const t0 = performance.now();
    const uses = await blobsByKey(vault);
    const t1 = performance.now();
    if (uses.get(secrets.currentVaultKeyId)?.blobs !== blobs) throw new Error('scan counted the wrong number of blobs');
    const rotated = openVault(backend, rotateVaultKey(dataDir).secrets);
    for await (const id of rotated.list()) await rotated.rewrap(id);
    const t2 = performance.now();
    const probe = createHealthProbe({ dataDir, vaultDir: vaultRoot(dataDir), vault, minFreeBytes: 0, log: createLogger({ level: 'silent' }), cacheMs: 0 });
    const runs = 20;
    const t3 = performance.now();
    for (let i = 0; i < runs; i++) await probe();
    const t4 = performance.now();
    return { blobs, scanMs: t1 - t0, rewrapMs: t2 - t1, probeMs: (t4 - t3) / runs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatVaultKeysRow(r: VaultKeysRow): string {
  const per = (ms: number) => `${((ms / r.blobs) * 1000).toFixed(0)} µs/blob`;
  return `${String(r.blobs).padStart(5)} blobs of 64 KiB: key scan ${r.scanMs.toFixed(0)} ms (${per(r.scanMs)}), rewrap ${r.rewrapMs.toFixed(0)} ms (${per(r.rewrapMs)}), health probe ${r.probeMs.toFixed(1)} ms`;
}
