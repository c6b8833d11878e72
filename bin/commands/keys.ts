// `c4tap keys list | rotate [--rewrap] | remove <id>`
import type { Command } from 'commander';
import { C4Error, isC4Error } from '../../core/errors.ts';
import { removeVaultKey, rotateVaultKey } from '../../core/secrets.ts';
import { blobsByKey } from '../../quarantine/vault-keys.ts';
import { openVault } from '../context.ts';
import { actorName, withContext } from '../cli-support.ts';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('encryption keys of the quarantine vault');
  keys
    .command('list')
    .description('vault keys with the number of blobs sealed under each')
    .action(
      withContext(async (ctx) => {
        const uses = await blobsByKey(ctx.vault);
        for (const k of ctx.secrets.vaultKeys) {
          const current = k.id === ctx.secrets.currentVaultKeyId ? '  (current)' : '';
          process.stdout.write(`${k.id}  created ${k.createdAt}  ${uses.get(k.id)?.blobs ?? 0} blobs${current}\n`);
        }
        for (const [id, use] of uses) {
          if (!ctx.secrets.vaultKeys.some((k) => k.id === id)) process.stdout.write(`${id}  NOT IN secrets.json  ${use.blobs} blobs cannot be read\n`);
        }
      }),
    );
  keys
    .command('rotate')
    .description('add a new vault key and make it current; old keys stay for reading (a running serve or worker picks it up)')
    .option('--rewrap', 're-encrypt every stored blob under the new key')
    .action(
      withContext(async (ctx, opts: { rewrap?: boolean }) => {
        const { secrets, key } = rotateVaultKey(ctx.config.dataDir, ctx.clock());
        process.stdout.write(`new vault key ${key.id} is current (${secrets.vaultKeys.length} keys kept)\n`);
        let rewrapped = 0;
        if (opts.rewrap) {
          const vault = openVault(ctx.vaultBackend, secrets, ctx.spool);
          // Blobs still in the store's spool are moved into the vault first, so the rewrap below reaches them.
          const spooled = await vault.settleAll();
          if (spooled.failed > 0)
            throw new C4Error(
              'VAULT_UNAVAILABLE',
              `${spooled.failed} spooled blob(s) could not be moved into the vault, so nothing was re-encrypted (the new key is current): fix the vault directory and run "c4tap keys rotate --rewrap" again`,
            );
          for await (const id of vault.list()) {
            // A blob that retention removed while the loop ran is gone, not lost.
            const moved = await vault.rewrap(id).catch((err: unknown) => {
              if (isC4Error(err, 'VAULT_NOT_FOUND')) return false;
              throw err;
            });
            if (moved) rewrapped++;
          }
          process.stdout.write(`re-encrypted ${rewrapped} blobs under ${key.id}\n`);
        }
        await ctx.audit({ actor: actorName(), action: 'vault.key-rotated', target: key.id, data: { rewrapped } });
      }),
    );
  keys
    .command('remove <id>')
    .description('drop an old vault key; refused while any blob is still sealed under it (run "keys rotate --rewrap" first)')
    .action(
      withContext(async (ctx, id: string) => {
        if (id === ctx.secrets.currentVaultKeyId) {
          throw new C4Error('CONFLICT', `vault key ${id} is the current key: rotate first ("c4tap keys rotate --rewrap")`, { keyId: id });
        }
        const use = (await blobsByKey(ctx.vault)).get(id);
        if (use) {
          throw new C4Error(
            'CONFLICT',
            `vault key ${id} still seals ${use.blobs} blob${use.blobs === 1 ? '' : 's'} (e.g. ${use.examples.join(', ')}); ` +
              'run "c4tap keys rotate --rewrap" first — removing it would make them unreadable',
            { keyId: id, blobs: use.blobs },
          );
        }
        const secrets = removeVaultKey(ctx.config.dataDir, id);
        process.stdout.write(`vault key ${id} removed (${secrets.vaultKeys.length} keys kept)\n`);
        await ctx.audit({ actor: actorName(), action: 'vault.key-removed', target: id, data: {} });
      }),
    );
}
