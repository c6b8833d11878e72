// Which vault key each stored blob is sealed under, read from the sealed headers (no decryption):
// `c4tap keys list` shows it and `c4tap keys remove` refuses a key that still seals any blob.
import { isC4Error } from '../core/errors.ts';
import type { Vault } from './vault-port.ts';

export interface KeyUse {
  readonly blobs: number;
  /** A few blob ids sealed under the key, for the message that names them. */
  readonly examples: readonly string[];
}

const EXAMPLES = 3;

/** Blob count per key id over the whole vault; blobs removed while the scan runs are skipped. */
export async function blobsByKey(vault: Vault): Promise<ReadonlyMap<string, KeyUse>> {
  const uses = new Map<string, { blobs: number; examples: string[] }>();
  for await (const id of vault.list()) {
    const info = await vault.info(id).catch((err: unknown) => {
      if (isC4Error(err, 'VAULT_NOT_FOUND')) return null;
      throw err;
    });
    if (!info) continue;
    const use = uses.get(info.keyId) ?? { blobs: 0, examples: [] };
    use.blobs++;
    if (use.examples.length < EXAMPLES) use.examples.push(id);
    uses.set(info.keyId, use);
  }
  return uses;
}
