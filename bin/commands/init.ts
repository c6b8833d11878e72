// `c4tap init`: creates and initialises the data directory (secrets, STARTTLS certificate, database,
// bootstrap secretariat account) without starting anything, and prints the next steps.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { bootstrapSecretariat } from '../../core/directory.ts';
import { loadOrCreateTls, secretsPath } from '../../core/secrets.ts';
import { openContext } from '../context.ts';
import { loadedFrom } from '../cli-support.ts';
import { checkDirectories } from '../setup/data-dir.ts';
import { createHumanLogger } from '../setup/human-log.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the data directory (secrets, certificate, database, bootstrap account) and print the next steps')
    .action(async (_opts: unknown, cmd: Command) => {
      const loaded = loadedFrom(cmd);
      const { dataDir, exchange, smtp, http } = loaded.config;
      const out = (line: string) => process.stdout.write(line + '\n');
      checkDirectories(loaded, { create: true });
      const already = existsSync(secretsPath(dataDir));
      const ctx = await openContext(loaded.config, { defaultMetrics: false, log: createHumanLogger(loaded) });
      try {
        const tls = await loadOrCreateTls(dataDir, exchange.hostname, { certFile: smtp.tlsCertFile, keyFile: smtp.tlsKeyFile });
        const boot = await bootstrapSecretariat(ctx, exchange.dropAddress.replace(/^[^@]*/, 'secretariat'));
        out(`C4TAP ${already ? 'data directory already initialised' : 'initialised data directory'} ${dataDir} (store: ${ctx.store.backend})`);
        if (!already) out(`secrets      ${secretsPath(dataDir)} (mode 0600; back it up apart from the database and vault)`);
        if (tls.created)
          out(`SMTP TLS     self-signed certificate for ${exchange.hostname} in ${dataDir}/tls (set smtp.tlsCertFile/smtp.tlsKeyFile in production)`);
        if (boot) {
          out(`Bootstrap secretariat account created — user "${boot.name}", one-time password: ${boot.password}`);
          out('This password is shown only now; it must be changed at first login.');
        }
        out('Next steps:');
        out('  npx c4tap serve              # SMTP ingest, console and API, analysis worker (Ctrl-C stops it)');
        out(`  open http://${http.host}:${http.port}/console/ and log in as "admin" to set a password and TOTP`);
        out('  npx c4tap org add --help     # register organisations, then principals and tokens (README)');
      } finally {
        await ctx.close();
      }
    });
}
