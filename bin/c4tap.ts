// The c4tap command: serve, worker and administration.
import { Command } from 'commander';
import { registerServe } from './commands/serve.ts';
import { registerOrg } from './commands/org.ts';
import { registerPrincipal } from './commands/principal.ts';
import { registerToken } from './commands/token.ts';
import { registerAudit } from './commands/audit.ts';
import { registerKeys } from './commands/keys.ts';
import { registerConfig } from './commands/config.ts';
import { registerRetention } from './commands/retention.ts';
import { registerImport } from './commands/import.ts';
import { reportError } from './cli-support.ts';

// Everything the exchange writes (database, WAL, vault, outbox, secrets) is for its own user only.
process.umask(0o077);

const program = new Command('c4tap')
  .description('C⁴TAP — targeted-attack e-mail sample exchange')
  .option('-c, --config <file>', 'JSON config file (default: $C4TAP_CONFIG or ./c4tap.config.json)')
  .showHelpAfterError();

registerServe(program);
registerOrg(program);
registerPrincipal(program);
registerToken(program);
registerAudit(program);
registerKeys(program);
registerConfig(program);
registerRetention(program);
registerImport(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.exitCode = reportError(err);
});
