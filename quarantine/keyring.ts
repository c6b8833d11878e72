// Vault encryption keys: the current one encrypts new blobs, every known one decrypts, so blobs
// written before a rotation still read (and `rewrap` moves them to the current key).
import { C4Error } from '../core/errors.ts';
import type { Secrets } from '../core/secrets.ts';

export const VAULT_KEY_BYTES = 32;
/** Key ids go into every sealed blob's header (one length byte), so they are short and printable. */
const KEY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface VaultKeyring {
  readonly currentKeyId: string;
  /** The 32-byte key with this id, or null when the keyring does not hold it. */
  key(id: string): Buffer | null;
}

/**
 * Where the vault gets its keyring each time it seals or opens a blob, so a running process picks
 * up a rotation (quarantine/keyring-watch.ts re-reads the secrets file).
 */
export interface KeyringSource {
  /** The keyring in force now. */
  current(): VaultKeyring;
  /**
   * A blob names a key this process has not seen (another process rotated): reads the keys again
   * and returns the keyring in force afterwards (the same one when nothing changed).
   */
  refresh(): VaultKeyring;
}

export interface RawVaultKey {
  readonly id: string;
  readonly key: Buffer;
}

export function createKeyring(keys: readonly RawVaultKey[], currentKeyId: string): VaultKeyring {
  const byId = new Map<string, Buffer>();
  for (const k of keys) {
    if (!KEY_ID.test(k.id)) throw new C4Error('CONFIG_INVALID', `vault key id ${JSON.stringify(k.id)} is not 1-128 of A-Z a-z 0-9 . _ : -`);
    if (k.key.length !== VAULT_KEY_BYTES) throw new C4Error('CONFIG_INVALID', `vault key ${k.id} is not ${VAULT_KEY_BYTES} bytes`);
    if (byId.has(k.id)) throw new C4Error('CONFIG_INVALID', `vault key id ${k.id} appears twice`);
    byId.set(k.id, Buffer.from(k.key));
  }
  if (!byId.has(currentKeyId)) throw new C4Error('CONFIG_INVALID', `current vault key ${currentKeyId} is not among the vault keys`);
  return { currentKeyId, key: (id) => byId.get(id) ?? null };
}

export function keyringFromSecrets(secrets: Pick<Secrets, 'vaultKeys' | 'currentVaultKeyId'>): VaultKeyring {
  return createKeyring(
    secrets.vaultKeys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    secrets.currentVaultKeyId,
  );
}

/** A keyring that never changes (one-shot commands, tests). */
export function fixedKeyring(keyring: VaultKeyring): KeyringSource {
  return { current: () => keyring, refresh: () => keyring };
}

export function isKeyringSource(keys: VaultKeyring | KeyringSource): keys is KeyringSource {
  return typeof (keys as KeyringSource).current === 'function';
}
