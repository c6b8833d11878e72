// `c4tap retention run [--dry-run]`
import type { Command } from 'commander';
import { loadRetentionPolicy, runRetention } from '../../quarantine/index.ts';
import { actorName, printTable, withContext } from '../cli-support.ts';

export function registerRetention(program: Command): void {
  program
    .command('retention')
    .description('purge raw mail and samples past their retention period (policies/retention)')
    .command('run')
    .description('purge expired blobs, keeping tombstones with their hashes, and remove blobs no record refers to; audited')
    .option('--dry-run', 'show what would be purged, purge nothing')
    .action(
      withContext(async (ctx, opts: { dryRun?: boolean }) => {
        const policy = loadRetentionPolicy(ctx.config.policiesDir);
        const dryRun = opts.dryRun === true;
        const r = await runRetention({ ...ctx, policy }, { dryRun, actor: actorName() });
        const shown = dryRun ? r.plan.blobs : r.plan.blobs.filter((b) => r.purged.includes(b.sha256));
        printTable(shown.map((b) => ({ sha256: b.sha256, bytes: String(b.size), references: String(b.references), expired: b.expiredAt })));
        const verb = dryRun ? 'would purge' : 'purged';
        const bytes = dryRun ? r.plan.blobs.reduce((a, b) => a + b.size, 0) : r.bytesPurged;
        process.stdout.write(`${verb} ${shown.length} blob(s), ${bytes} bytes; scanned ${r.plan.blobsScanned} blobs (audit event ${r.audit.seq})\n`);
        if (r.kept.length) process.stdout.write(`kept ${r.kept.length} blob(s) referenced again since planning\n`);
        if (r.orphans.length) {
          const orphanBytes = r.orphans.reduce((a, o) => a + o.size, 0);
          process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${r.orphans.length} blob(s) no record refers to, ${orphanBytes} bytes\n`);
        }
        if (r.failed.length) {
          for (const f of r.failed) process.stderr.write(`could not purge ${f.sha256}: ${f.error}\n`);
          process.exitCode = 1;
        }
      }),
    );
}
