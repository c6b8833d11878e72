// `c4tap import --principal NAME PATH…`
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { importMessages } from '../../ingest/import.ts';
import { readSources } from '../../ingest/import-sources.ts';
import { actorName, fail, findPrincipal, withContext } from '../cli-support.ts';

async function countMessages(paths: readonly string[]): Promise<number> {
  let n = 0;
  for await (const _ of readSources(paths)) n++;
  return n;
}

export function registerImport(program: Command): void {
  program
    .command('import <paths...>')
    .description('import .eml files, mbox files or Maildirs through the SMTP accept pipeline')
    .requiredOption('--principal <name>', 'submitter on whose behalf the mail is imported')
    .option('--to <address>', 'recipient to record (drop address, or a class address such as amber@…)')
    .option('--no-progress', 'no progress bar')
    .action(
      withContext(async (ctx, paths: string[], opts: { principal: string; to?: string; progress: boolean }) => {
        const missing = paths.filter((p) => !existsSync(p));
        if (missing.length > 0) fail(`nothing imported: no such file or directory: ${missing.map((p) => path.resolve(p)).join(', ')}`);
        const principal = await findPrincipal(ctx, opts.principal);
        const total = await countMessages(paths);
        const bar =
          opts.progress && process.stderr.isTTY
            ? new SingleBar({ format: 'import [{bar}] {value}/{total} {status}', stream: process.stderr }, Presets.shades_classic)
            : null;
        bar?.start(total, 0, { status: '' });
        const summary = await importMessages(
          { ...ctx, dropAddress: ctx.config.exchange.dropAddress },
          {
            principal,
            paths,
            recipient: opts.to ?? ctx.config.exchange.dropAddress,
            maxMessageBytes: ctx.config.smtp.maxMessageBytes,
            onMessage: (o) => bar?.increment({ status: o.status }),
          },
        );
        bar?.stop();
        await ctx.audit({
          actor: actorName(),
          action: 'import.completed',
          target: principal.id,
          data: { total: summary.total, accepted: summary.accepted, duplicates: summary.duplicates, refused: summary.refused.length },
        });
        process.stdout.write(
          `imported ${summary.total} message(s) for "${principal.name}": ${summary.accepted} accepted, ${summary.duplicates} duplicate(s), ${summary.refused.length} refused\n`,
        );
        for (const r of summary.refused) process.stdout.write(`  refused ${r.origin}: ${r.reason}\n`);
        if (summary.refused.length > 0) process.exitCode = 1;
      }),
    );
}
