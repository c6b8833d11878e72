// Copies a vault's sealed blobs from one backend to another (`c4tap migrate`: filesystem → GridFS)
// without decrypting them, and verifies the copy through a vault over the target: every source
// blob must be there, decrypt under the keyring and hash to its id. Blobs already in the target
// are skipped, so an interrupted copy resumes by running again.
import type { SealedBlobBackend, Vault } from './vault-port.ts';

export interface VaultCopyResult {
  readonly copied: number;
  readonly skipped: number;
}

export async function copyVault(
  source: SealedBlobBackend,
  target: SealedBlobBackend,
  onBlob: (id: string, outcome: 'copied' | 'skipped') => void = () => {},
): Promise<VaultCopyResult> {
  let copied = 0;
  let skipped = 0;
  for await (const id of source.ids()) {
    if (await target.exists(id)) {
      skipped++;
      onBlob(id, 'skipped');
      continue;
    }
    const sealed = await source.read(id);
    if (sealed === null) continue; // removed meanwhile (retention): nothing to copy
    await target.write(id, sealed);
    copied++;
    onBlob(id, 'copied');
  }
  return { copied, skipped };
}

export interface VaultVerification {
  /** Blobs of the source that read back intact from the target. */
  readonly verified: number;
  readonly missing: readonly string[];
  /** Blobs that failed decryption or the hash check, with the error code. */
  readonly damaged: readonly { readonly sha256: string; readonly error: string }[];
  /** Blobs in the target that the source does not have. */
  readonly extra: number;
}

export async function verifyVaultCopy(source: SealedBlobBackend, target: Vault, onBlob: (id: string) => void = () => {}): Promise<VaultVerification> {
  let verified = 0;
  const missing: string[] = [];
  const damaged: { sha256: string; error: string }[] = [];
  const ids = new Set<string>();
  for await (const id of source.ids()) {
    ids.add(id);
    onBlob(id);
    if (!(await target.has(id))) {
      missing.push(id);
      continue;
    }
    try {
      await target.get(id); // decrypts, checks the GCM tag and the SHA-256 against the id
      verified++;
    } catch (err) {
      damaged.push({ sha256: id, error: (err as { code?: string }).code ?? String(err) });
    }
  }
  let extra = 0;
  for await (const id of target.list()) if (!ids.has(id)) extra++;
  return { verified, missing, damaged, extra };
}
