// A long-running process keeps its vault keys in step with secrets.json: a rotation by another
// process is seen without restart, a blob under a key not seen yet reads after one re-read, and a
// secrets file that does not parse is never adopted.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { createLogger } from '../../core/logger.ts';
import { loadOrCreateSecrets, rotateVaultKey, secretsPath } from '../../core/secrets.ts';
import { createFsBackend } from '../../quarantine/fs-backend.ts';
import { watchKeyring, type WatchedKeyring } from '../../quarantine/keyring-watch.ts';
import { createVault, keyringFromSecrets } from '../../quarantine/vault.ts';
import { makeTempDir, rejectsWith, type TempDir } from './helpers.ts';

const HOUR = 3600_000;

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('vault keys re-read by a running process', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let ring: WatchedKeyring | null;
  let logged: { event?: string; trigger?: string }[];
  const log = () => createLogger({ level: 'info', destination: { write: (line: string) => void logged.push(JSON.parse(line) as { event?: string }) } });

  beforeEach(async () => {
    tmp = await makeTempDir('keyring');
    logged = [];
    ring = null;
  });
  afterEach(async () => {
    ring?.close();
    await tmp.remove();
  });

  function open(options: { debounceMs?: number; pollMs?: number } = {}) {
    const { secrets } = loadOrCreateSecrets(tmp.dir);
    const backend = createFsBackend(path.join(tmp.dir, 'vault'));
    ring = watchKeyring(tmp.dir, secrets, { log: log(), ...options });
    return { secrets, backend, vault: createVault(backend, ring) };
  }

  it('seals new blobs under the key another process rotated to, once the file change is seen', async () => {
    const { secrets, vault } = open();
    const before = await vault.put(Buffer.from('sealed before the rotation'));
    expect((await vault.info(before.sha256))!.keyId).to.equal(secrets.currentVaultKeyId);

    const { key } = rotateVaultKey(tmp.dir);
    await until(() => ring!.current().currentKeyId === key.id, 'the rotation to be seen');
    expect(logged.some((l) => l.event === 'vault.keyring_reloaded')).to.equal(true);

    const after = await vault.put(Buffer.from('sealed after the rotation'));
    expect((await vault.info(after.sha256))!.keyId).to.equal(key.id);
    expect((await vault.get(before.sha256)).toString()).to.equal('sealed before the rotation');
  });

  it('reads a blob another process sealed under a key it has not seen yet, after one re-read of the keys', async () => {
    // No file event or poll within the test: only the unknown key makes it read the file again.
    const { secrets, backend, vault } = open({ debounceMs: HOUR, pollMs: HOUR });
    const other = createVault(backend, keyringFromSecrets(rotateVaultKey(tmp.dir).secrets));
    const written = await other.put(Buffer.from('written by the rotating process'));
    expect(ring!.current().currentKeyId).to.equal(secrets.currentVaultKeyId);

    expect((await vault.get(written.sha256)).toString()).to.equal('written by the rotating process');
    expect(logged.filter((l) => l.event === 'vault.keyring_reloaded').map((l) => l.trigger)).to.deep.equal(['unknown-key']);
    const next = await vault.put(Buffer.from('sealed after the re-read'));
    expect((await vault.info(next.sha256))!.keyId).to.equal((await other.info(written.sha256))!.keyId);
  });

  it('still fails "unknown key" for a blob under a key that is in no keyring', async () => {
    const { backend, vault } = open({ debounceMs: HOUR, pollMs: HOUR });
    const strangerDir = await makeTempDir('stranger');
    try {
      const stranger = createVault(backend, keyringFromSecrets(loadOrCreateSecrets(strangerDir.dir).secrets));
      const written = await stranger.put(Buffer.from('sealed under a foreign key'));
      await rejectsWith(vault.get(written.sha256), 'VAULT_KEY_UNKNOWN');
    } finally {
      await strangerDir.remove();
    }
  });

  it('never adopts a secrets file that does not parse, and keeps sealing under the keys it had', async () => {
    const { secrets, vault } = open({ debounceMs: HOUR, pollMs: HOUR });
    const { key } = rotateVaultKey(tmp.dir);
    const whole = JSON.stringify(loadOrCreateSecrets(tmp.dir).secrets);
    writeFileSync(secretsPath(tmp.dir), whole.slice(0, Math.floor(whole.length / 2)));

    expect(ring!.reload('test')).to.equal(false);
    expect(ring!.current().currentKeyId).to.equal(secrets.currentVaultKeyId);
    expect(logged.some((l) => l.event === 'vault.keyring_reload_failed')).to.equal(true);
    const put = await vault.put(Buffer.from('sealed while the file is broken'));
    expect((await vault.info(put.sha256))!.keyId).to.equal(secrets.currentVaultKeyId);

    writeFileSync(secretsPath(tmp.dir), whole);
    expect(ring!.reload('test')).to.equal(true);
    expect(ring!.current().currentKeyId).to.equal(key.id);
  });
});
