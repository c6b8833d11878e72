// `c4tap doctor`: every dependency and setting, one line each (ok / warn / FAIL, and the fix).
// Exits 1 when any check fails.
import type { Command } from 'commander';
import { loadedFrom } from '../cli-support.ts';
import { checkDirectories } from '../setup/data-dir.ts';
import type { CheckResult } from '../doctor/checks.ts';
import { runChecks } from '../doctor/run.ts';

function line(r: CheckResult): string {
  const label = r.status === 'fail' ? 'FAIL' : r.status;
  return `${label.padEnd(5)} ${r.name.padEnd(17)} ${r.detail}${r.fix ? ` — fix: ${r.fix}` : ''}`;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check every dependency and setting: file modes, TLS certificate, disk, schema version, YARA rules, warning lists, clamd, relay, time skew')
    .action(async (_opts: unknown, cmd: Command) => {
      const loaded = loadedFrom(cmd);
      checkDirectories(loaded, { create: false });
      const results = await runChecks(loaded);
      for (const r of results) process.stdout.write(line(r) + '\n');
      const failed = results.filter((r) => r.status === 'fail').length;
      process.stdout.write(failed ? `${failed} check(s) failed\n` : 'all checks passed\n');
      if (failed) process.exitCode = 1;
    });
}
