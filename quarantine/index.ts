// Public surface of the quarantine: the encrypted content-addressed vault, its filesystem
// backend, sample hashes and retention.
export type { BlobInfo, PutResult, SealedBlobBackend, Vault } from './vault-port.ts';
export { createVault } from './vault.ts';
export { createKeyring, keyringFromSecrets, type RawVaultKey, type VaultKeyring } from './keyring.ts';
export { createFsBackend, removeLeftoverTemps, type FsBackendOptions } from './fs-backend.ts';
export { assertBlobId, isBlobId } from './blob-id.ts';
export { createMultiHasher, hashBuffer, sha256Hex, type FileHashes, type MultiHasher } from './hashes.ts';
export { loadRetentionPolicy, retentionPolicySchema, type RetentionPolicy } from './retention-policy.ts';
export {
  planRetention,
  runRetention,
  type PurgeCandidate,
  type RetentionDeps,
  type RetentionOptions,
  type RetentionPlan,
  type RetentionResult,
} from './retention.ts';
