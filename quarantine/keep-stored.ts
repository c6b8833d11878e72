// The writer's half of the retention race (see Vault.deleteUnless): after recording references to
// content it put, a writer checks the blobs are still there and puts back any that a retention run
// removed meanwhile — the content may have been stored before, by an older submission now expiring.
import type { Vault } from './vault-port.ts';

export interface StoredContent {
  readonly sha256: string;
  readonly content: Buffer;
}

/** Puts back the contents that are gone; resolves with how many it restored. */
export async function keepStored(vault: Pick<Vault, 'has' | 'put'>, stored: readonly StoredContent[]): Promise<number> {
  let restored = 0;
  for (const s of stored) {
    if (await vault.has(s.sha256)) continue;
    await vault.put(s.content);
    restored++;
  }
  return restored;
}
