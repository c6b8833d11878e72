// Blobs no record refers to: left behind when the store failed after the vault write (the sender
// got 451 and never retried) or by a crash between the two. A blob goes only when no sample record
// of any kind names it, asked again after its removal (Vault.deleteUnless): a submission that is
// being accepted right now and stored the same content puts it back once its records are written
// (quarantine/keep-stored.ts), so sweeping while mail arrives loses nothing.
import type { Store } from '../core/store/port.ts';
import type { Vault } from './vault-port.ts';

export interface OrphanSweepDeps {
  readonly store: Pick<Store, 'listSampleRefs'>;
  readonly vault: Pick<Vault, 'list' | 'info' | 'deleteUnless'>;
}

export interface OrphanSweepResult {
  readonly blobsScanned: number;
  /** Orphans removed (found, for a dry run). */
  readonly orphans: readonly { readonly sha256: string; readonly size: number }[];
}

/** True when some sample record, purged or not, names the blob. */
async function referenced(store: OrphanSweepDeps['store'], sha256: string): Promise<boolean> {
  const [next] = await store.listSampleRefs({ unpurgedOnly: false, after: { sha256, submissionId: '' }, limit: 1 });
  return next?.sha256 === sha256;
}

export async function sweepOrphans(deps: OrphanSweepDeps, options: { readonly dryRun: boolean }): Promise<OrphanSweepResult> {
  const orphans: { sha256: string; size: number }[] = [];
  let blobsScanned = 0;
  const candidates: string[] = [];
  for await (const sha256 of deps.vault.list()) {
    blobsScanned++;
    if (!(await referenced(deps.store, sha256))) candidates.push(sha256);
  }
  for (const sha256 of candidates) {
    const size = (await deps.vault.info(sha256))?.size ?? 0;
    if (options.dryRun) {
      orphans.push({ sha256, size });
      continue;
    }
    const outcome = await deps.vault.deleteUnless(sha256, async () => !(await referenced(deps.store, sha256)));
    if (outcome === 'deleted') orphans.push({ sha256, size });
  }
  return { blobsScanned, orphans };
}
