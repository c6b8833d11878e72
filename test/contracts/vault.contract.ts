// Contract of the vault over a backend, run against every backend (filesystem now, GridFS later).
// Written only against the ports: a backend is reached through SealedBlobBackend, never its files.
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { SealedBlobBackend, Vault } from '../../quarantine/vault-port.ts';
import { createKeyring, createVault } from '../../quarantine/vault.ts';
import { collect, rejectsWith } from '../quarantine/helpers.ts';

export interface VaultFixture {
  readonly vault: Vault;
  readonly backend: SealedBlobBackend;
  /** Adds a new key, makes it current and returns a vault over the same backend that uses it. */
  readonly rotate: () => Promise<Vault>;
  readonly cleanup: () => Promise<void>;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sample = (label: string): Buffer => Buffer.concat([Buffer.from(`${label}\n`), randomBytes(2048)]);

export const BAD_IDS: readonly string[] = [
  '',
  '../../../../etc/passwd',
  `../${'a'.repeat(61)}`,
  'A'.repeat(64),
  'a'.repeat(63),
  'a'.repeat(65),
  `${'a'.repeat(62)}/x`,
  `${'a'.repeat(63)}\u0000`,
  `${'g'.repeat(64)}`,
];

export function vaultContract(name: string, open: () => Promise<VaultFixture>): void {
  describe(`vault contract: ${name}`, () => {
    let fx: VaultFixture;
    beforeEach(async () => {
      fx = await open();
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('returns the content stored under its SHA-256', async () => {
      const content = sample('round trip');
      const put = await fx.vault.put(content);
      expect(put).to.deep.equal({ sha256: sha256(content), size: content.length, created: true });
      expect((await fx.vault.get(put.sha256)).equals(content)).to.equal(true);
    });

    it('stores and returns empty content', async () => {
      const put = await fx.vault.put(Buffer.alloc(0));
      expect(put.sha256).to.equal(sha256(Buffer.alloc(0)));
      expect((await fx.vault.get(put.sha256)).length).to.equal(0);
    });

    it('keeps one blob when the same content is put twice, without rewriting it', async () => {
      const content = sample('twice');
      const first = await fx.vault.put(content);
      const sealedBefore = await fx.backend.read(first.sha256);
      const second = await fx.vault.put(Buffer.from(content));
      expect(second).to.deep.equal({ ...first, created: false });
      expect((await fx.backend.read(first.sha256))!.equals(sealedBefore!)).to.equal(true);
      expect(await collect(fx.vault.list())).to.deep.equal([first.sha256]);
    });

    it('creates the blob once when the same content is put concurrently', async () => {
      const content = sample('concurrent');
      const results = await Promise.all([1, 2, 3].map(() => fx.vault.put(content)));
      expect(results.filter((r) => r.created)).to.have.length(1);
      expect((await fx.vault.get(sha256(content))).equals(content)).to.equal(true);
    });

    it('never hands the backend the plaintext', async () => {
      const content = Buffer.from('C4TAP-CONTRACT-MARKER '.repeat(20));
      const { sha256: id } = await fx.vault.put(content);
      const sealed = (await fx.backend.read(id))!;
      expect(sealed.includes(Buffer.from('C4TAP-CONTRACT-MARKER'))).to.equal(false);
    });

    for (const where of ['middle', 'last'] as const) {
      it(`rejects a blob with a flipped ciphertext byte (${where}) with VAULT_TAMPERED`, async () => {
        const { sha256: id } = await fx.vault.put(sample(`tamper ${where}`));
        const sealed = Buffer.from((await fx.backend.read(id))!);
        const at = where === 'middle' ? Math.floor(sealed.length / 2) : sealed.length - 1;
        sealed[at] = sealed[at]! ^ 0x01;
        await fx.backend.replace(id, sealed);
        await rejectsWith(fx.vault.get(id), 'VAULT_TAMPERED');
      });
    }

    it('rejects a truncated blob with VAULT_TAMPERED', async () => {
      const { sha256: id } = await fx.vault.put(sample('truncated'));
      const sealed = (await fx.backend.read(id))!;
      await fx.backend.replace(id, sealed.subarray(0, sealed.length - 100));
      await rejectsWith(fx.vault.get(id), 'VAULT_TAMPERED');
      await fx.backend.replace(id, sealed.subarray(0, 3));
      await rejectsWith(fx.vault.get(id), 'VAULT_TAMPERED');
    });

    it('rejects a blob moved under another id with VAULT_TAMPERED', async () => {
      const a = await fx.vault.put(sample('blob a'));
      const b = await fx.vault.put(sample('blob b'));
      await fx.backend.replace(b.sha256, (await fx.backend.read(a.sha256))!);
      await rejectsWith(fx.vault.get(b.sha256), 'VAULT_TAMPERED');
      await rejectsWith(fx.vault.rewrap(b.sha256), 'VAULT_TAMPERED');
      expect((await fx.vault.get(a.sha256)).length).to.equal(a.size);
    });

    it('rejects a blob under a key it does not hold with VAULT_KEY_UNKNOWN', async () => {
      const { sha256: id } = await fx.vault.put(sample('foreign key'));
      const stranger = createVault(fx.backend, createKeyring([{ id: 'k-stranger', key: randomBytes(32) }], 'k-stranger'));
      const err = await rejectsWith(stranger.get(id), 'VAULT_KEY_UNKNOWN');
      expect(err.details['keyId']).to.equal((await fx.vault.info(id))!.keyId);
    });

    it('reads a blob written under an old key after rotation and rewraps it to the new key', async () => {
      const content = sample('rotation');
      const { sha256: id } = await fx.vault.put(content);
      const oldKey = (await fx.vault.info(id))!.keyId;
      const rotated = await fx.rotate();
      expect((await rotated.get(id)).equals(content)).to.equal(true);
      expect((await rotated.info(id))!.keyId).to.equal(oldKey);

      const fresh = await rotated.put(sample('after rotation'));
      const newKey = (await rotated.info(fresh.sha256))!.keyId;
      expect(newKey).to.not.equal(oldKey);

      expect(await rotated.rewrap(id)).to.equal(true);
      expect((await rotated.info(id))!.keyId).to.equal(newKey);
      expect((await rotated.get(id)).equals(content)).to.equal(true);
      expect(await rotated.rewrap(id)).to.equal(false);
    });

    it('refuses ids that are not lower-case SHA-256 hex with VAULT_BAD_KEY', async () => {
      for (const id of BAD_IDS) {
        await rejectsWith(fx.vault.get(id), 'VAULT_BAD_KEY');
        await rejectsWith(fx.vault.has(id), 'VAULT_BAD_KEY');
        await rejectsWith(fx.vault.info(id), 'VAULT_BAD_KEY');
        await rejectsWith(fx.vault.delete(id), 'VAULT_BAD_KEY');
        await rejectsWith(fx.vault.rewrap(id), 'VAULT_BAD_KEY');
      }
    });

    it('has a backend that refuses bad ids itself', async () => {
      for (const id of BAD_IDS) {
        await rejectsWith(fx.backend.read(id), 'VAULT_BAD_KEY');
        await rejectsWith(fx.backend.write(id, Buffer.from('x')), 'VAULT_BAD_KEY');
        await rejectsWith(fx.backend.exists(id), 'VAULT_BAD_KEY');
        await rejectsWith(fx.backend.remove(id), 'VAULT_BAD_KEY');
        await rejectsWith(fx.backend.replace(id, Buffer.from('x')), 'VAULT_BAD_KEY');
      }
    });

    it('answers VAULT_NOT_FOUND, false and null for a blob never stored', async () => {
      const id = sha256(sample('absent'));
      await rejectsWith(fx.vault.get(id), 'VAULT_NOT_FOUND');
      await rejectsWith(fx.vault.rewrap(id), 'VAULT_NOT_FOUND');
      expect(await fx.vault.has(id)).to.equal(false);
      expect(await fx.vault.info(id)).to.equal(null);
      expect(await fx.vault.delete(id)).to.equal(false);
    });

    it('reports presence, plaintext size and key id of a stored blob', async () => {
      const content = sample('info');
      const { sha256: id } = await fx.vault.put(content);
      expect(await fx.vault.has(id)).to.equal(true);
      const info = (await fx.vault.info(id))!;
      expect(info.sha256).to.equal(id);
      expect(info.size).to.equal(content.length);
      expect(info.keyId).to.be.a('string').and.not.equal('');
    });

    it('deletes a blob so it is gone from get, has, info and list', async () => {
      const keep = await fx.vault.put(sample('keep'));
      const content = sample('delete');
      const gone = await fx.vault.put(content);
      expect(await fx.vault.delete(gone.sha256)).to.equal(true);
      expect(await fx.vault.delete(gone.sha256)).to.equal(false);
      expect(await fx.vault.has(gone.sha256)).to.equal(false);
      expect(await fx.vault.info(gone.sha256)).to.equal(null);
      await rejectsWith(fx.vault.get(gone.sha256), 'VAULT_NOT_FOUND');
      expect(await collect(fx.vault.list())).to.deep.equal([keep.sha256]);
      expect((await fx.vault.put(content)).created).to.equal(true);
    });

    it('deletes a blob conditionally: gone when allowed, written back readable when not, and says when it was missing', async () => {
      const content = sample('conditional');
      const { sha256 } = await fx.vault.put(content);
      let presentWhileAsked: boolean | null = null;
      const kept = await fx.vault.deleteUnless(sha256, async () => {
        presentWhileAsked = await fx.vault.has(sha256);
        return false;
      });
      expect(kept).to.equal('kept');
      expect(presentWhileAsked, 'the blob is removed before the question is asked').to.equal(false);
      expect(await fx.vault.get(sha256)).to.deep.equal(content);
      expect(await fx.vault.deleteUnless(sha256, async () => true)).to.equal('deleted');
      expect(await fx.vault.has(sha256)).to.equal(false);
      expect(await fx.vault.deleteUnless(sha256, async () => true)).to.equal('missing');
    });

    it('lists every stored blob once', async () => {
      const ids = await Promise.all(['x', 'y', 'z', 'w'].map(async (l) => (await fx.vault.put(sample(l))).sha256));
      expect((await collect(fx.vault.list())).sort()).to.deep.equal([...ids].sort());
    });

    it('tells free space as a non-negative number or null', async () => {
      const free = await fx.vault.freeBytes();
      if (free !== null) expect(free).to.be.a('number').and.at.least(0);
    });
  });
}
