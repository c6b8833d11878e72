// What a refused or failed transaction must leave behind: nothing.
import { expect } from 'chai';
import type { Store } from '../../../core/store/port.ts';
import type { Vault } from '../../../quarantine/vault-port.ts';

export async function blobsIn(vault: Vault): Promise<string[]> {
  const ids: string[] = [];
  for await (const id of vault.list()) ids.push(id);
  return ids;
}

/** No submission, sample or job in the store; and, unless told otherwise, no blob in the vault. */
export async function expectNothingStored(store: Store, vault: Vault | null): Promise<void> {
  const counts = await store.counts();
  expect({ submissions: counts.submissions, samples: counts.samples, jobs: counts.jobs }).to.deep.equal({ submissions: 0, samples: 0, jobs: 0 });
  if (vault) expect(await blobsIn(vault)).to.deep.equal([]);
}
