// `c4tap keys rotate [--rewrap]`
import type { Command } from 'commander';
import { rotateVaultKey } from '../../core/secrets.ts';
import { openVault } from '../context.ts';
import { actorName, withContext } from '../cli-support.ts';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('encryption keys of the quarantine vault');
  keys
    .command('rotate')
    .description('add a new vault key and make it current; old keys stay for reading')
    .option('--rewrap', 're-encrypt every stored blob under the new key')
    .action(
      withContext(async (ctx, opts: { rewrap?: boolean }) => {
        const { secrets, key } = rotateVaultKey(ctx.config.dataDir, ctx.clock());
        process.stdout.write(`new vault key ${key.id} is current (${secrets.vaultKeys.length} keys kept)\n`);
        let rewrapped = 0;
        if (opts.rewrap) {
          const vault = openVault(ctx.vaultBackend, secrets);
          for await (const id of vault.list()) if (await vault.rewrap(id)) rewrapped++;
          process.stdout.write(`re-encrypted ${rewrapped} blobs under ${key.id}\n`);
        }
        await ctx.audit({ actor: actorName(), action: 'vault.key-rotated', target: key.id, data: { rewrapped } });
      }),
    );
}
