// The c4tap command: serve, worker and administration.
//
// Each command group lives in its own module, loaded only when that group is run: `c4tap org list`
// does not load the analysis engines, the console or the MongoDB driver. With no command (or
// `--help`), every group is loaded to list them all.
import { Command } from 'commander';
import { programVersion, reportError } from './cli-support.ts';

type Register = (program: Command) => void;

const GROUPS: Readonly<Record<string, () => Promise<Register>>> = {
  init: async () => (await import('./commands/init.ts')).registerInit,
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
  doctor: async () => (await import('./commands/doctor.ts')).registerDoctor,
  backup: async () => (await import('./commands/backup.ts')).registerBackup,
  restore: async () => (await import('./commands/restore.ts')).registerRestore,
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
  // `npm run c4tap -- …` and `npm start` run in the package's directory: relative paths on the
  // command line (import files, --config) mean the directory the user typed them in.
  const npmScript = process.env.npm_lifecycle_event;
  if ((npmScript === 'c4tap' || npmScript === 'start') && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  const program = new Command('c4tap')
    .description('C⁴TAP — targeted-attack e-mail sample exchange')
    .version(`c4tap ${programVersion()}`, '-V, --version', 'print the version')
    .option('-c, --config <file>', "JSON config file (default: $C4TAP_CONFIG, ./c4tap.config.json, then the installation's)")
    .showHelpAfterError();
  const group = groupIn(process.argv);
  const versionOnly = !group && process.argv.slice(2).some((a) => a === '-V' || a === '--version');
  const wanted = group ? [group] : versionOnly ? [] : Object.keys(GROUPS);
  for (const name of wanted) (await GROUPS[name]!())(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.exitCode = reportError(err);
  // A failed start may leave a handle open (a listener that did start): do not hang on it.
  setTimeout(() => process.exit(), 2000).unref();
});
