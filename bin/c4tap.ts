// The c4tap command: serve, worker and administration.
//
// Each command group lives in its own module, loaded only when that group is run: `c4tap org list`
// does not load the analysis engines, the console or the MongoDB driver. With no command (or
// `--help`), every group is loaded to list them all.
import { Command } from 'commander';
import { reportError } from './cli-support.ts';

type Register = (program: Command) => void;

const GROUPS: Readonly<Record<string, () => Promise<Register>>> = {
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  worker: async () => (await import('./commands/worker.ts')).registerWorker,
  org: async () => (await import('./commands/org.ts')).registerOrg,
  principal: async () => (await import('./commands/principal.ts')).registerPrincipal,
  token: async () => (await import('./commands/token.ts')).registerToken,
  audit: async () => (await import('./commands/audit.ts')).registerAudit,
  keys: async () => (await import('./commands/keys.ts')).registerKeys,
  config: async () => (await import('./commands/config.ts')).registerConfig,
  retention: async () => (await import('./commands/retention.ts')).registerRetention,
  import: async () => (await import('./commands/import.ts')).registerImport,
  migrate: async () => (await import('./commands/migrate.ts')).registerMigrate,
  digest: async () => (await import('./commands/digest.ts')).registerDigest,
  drill: async () => (await import('./commands/drill.ts')).registerDrill,
  outbox: async () => (await import('./commands/outbox.ts')).registerOutbox,
};

/** The command group named on the command line (skipping the global `-c FILE` option), if any. */
function groupIn(argv: readonly string[]): string | null {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c' || a === '--config') i++;
    else if (!a.startsWith('-')) return Object.hasOwn(GROUPS, a) ? a : null;
  }
  return null;
}

async function main(): Promise<void> {
  // Everything the exchange writes (database, WAL, vault, outbox, secrets) is for its own user only.
  process.umask(0o077);
  const program = new Command('c4tap')
    .description('C⁴TAP — targeted-attack e-mail sample exchange')
    .option('-c, --config <file>', 'JSON config file (default: $C4TAP_CONFIG or ./c4tap.config.json)')
    .showHelpAfterError();
  const group = groupIn(process.argv);
  const wanted = group ? [group] : Object.keys(GROUPS);
  for (const name of wanted) (await GROUPS[name]!())(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.exitCode = reportError(err);
});
