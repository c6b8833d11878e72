// The vault keyring of a long-running process (serve, worker), kept in step with the secrets file:
// `c4tap keys rotate` in another process replaces secrets.json (atomically, by rename), and the
// running process reads it again — on a change seen by fs.watch on the data directory, by a stat
// poll as a fallback where fs.watch sees nothing (network file systems), on SIGHUP, and once when a
// blob names a key it has not seen. A file that does not parse is never adopted: the process keeps
// the keys it had and logs why.
import { watch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger.ts';
import { readSecrets, secretsPath, type Secrets } from '../core/secrets.ts';
import { keyringFromSecrets, type KeyringSource, type VaultKeyring } from './keyring.ts';

export interface WatchedKeyringOptions {
  readonly log: Logger;
  /** Changes closer together than this make one re-read (default 200 ms). */
  readonly debounceMs?: number;
  /** Stat poll of the secrets file, the fallback for file systems without change events (default 5 s). */
  readonly pollMs?: number;
}

export interface WatchedKeyring extends KeyringSource {
  /** Reads the secrets file now; true when the keyring changed. */
  reload(trigger: string): boolean;
  close(): void;
}

/** `initial`: the secrets this process started with (already read and checked). */
export function watchKeyring(dataDir: string, initial: Secrets, options: WatchedKeyringOptions): WatchedKeyring {
  const { log } = options;
  const file = secretsPath(dataDir);
  let ring: VaultKeyring = keyringFromSecrets(initial);
  let adopted = JSON.stringify({ keys: initial.vaultKeys.map((k) => k.id), current: initial.currentVaultKeyId });
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  function reload(trigger: string): boolean {
    let secrets: Secrets;
    let next: VaultKeyring;
    try {
      secrets = readSecrets(dataDir).secrets;
      next = keyringFromSecrets(secrets);
    } catch (err) {
      log.warn({ event: 'vault.keyring_reload_failed', trigger, file, err: (err as Error).message }, 'secrets file not adopted; keeping the vault keys in use');
      return false;
    }
    const ids = secrets.vaultKeys.map((k) => k.id);
    const seen = JSON.stringify({ keys: ids, current: secrets.currentVaultKeyId });
    if (seen === adopted) return false;
    adopted = seen;
    ring = next;
    log.info({ event: 'vault.keyring_reloaded', trigger, currentKeyId: secrets.currentVaultKeyId, keyIds: ids }, 'vault keys re-read');
    return true;
  }

  function soon(trigger: string): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      reload(trigger);
    }, options.debounceMs ?? 200);
  }

  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dataDir, { persistent: false }, (_event, name) => {
      if (name === path.basename(file)) soon('file-change');
    });
    watcher.on('error', (err) =>
      log.warn(
        { event: 'vault.keyring_watch_failed', dir: dataDir, err: err.message },
        'watching the data directory failed; the stat poll and SIGHUP still reload',
      ),
    );
  } catch (err) {
    log.warn(
      { event: 'vault.keyring_watch_failed', dir: dataDir, err: (err as Error).message },
      'cannot watch the data directory; the stat poll and SIGHUP still reload',
    );
  }
  const polled = (cur: { mtimeMs: number; ino: number }, prev: { mtimeMs: number; ino: number }) => {
    if (cur.mtimeMs !== prev.mtimeMs || cur.ino !== prev.ino) soon('file-poll');
  };
  watchFile(file, { persistent: false, interval: options.pollMs ?? 5000 }, polled);
  const onHup = () => soon('SIGHUP');
  process.on('SIGHUP', onHup);

  return {
    current: () => ring,
    refresh: () => {
      reload('unknown-key');
      return ring;
    },
    reload,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      unwatchFile(file, polled);
      process.off('SIGHUP', onHup);
    },
  };
}
