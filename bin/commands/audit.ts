// `c4tap audit verify|list`
import type { Command } from 'commander';
import { verifyAudit } from '../../core/audit.ts';
import { printTable, withContext } from '../cli-support.ts';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the append-only audit log');
  audit
    .command('verify')
    .description('check the hash chain; exits 1 when any event was edited or removed')
    .action(
      withContext(async (ctx) => {
        const result = await verifyAudit(ctx.store, ctx.auditKey);
        if (result.ok) {
          process.stdout.write(`audit log intact: ${result.events} events, head ${result.lastHash}\n`);
          return;
        }
        process.stdout.write(`audit log BROKEN: ${result.problems.length} problem(s) in ${result.events} events\n`);
        for (const p of result.problems) {
          const where =
            p.kind === 'gap'
              ? `expected event ${p.expectedSeq}, found ${p.foundSeq}`
              : p.kind === 'head-mismatch'
                ? `head record names event ${p.headSeq}, chain ends at ${p.lastSeq}`
                : `event ${p.seq}`;
          process.stdout.write(`  ${p.kind}: ${where}\n`);
        }
        process.exitCode = 1;
      }),
    );
  audit
    .command('list')
    .description('print audit events')
    .option('--after <seq>', 'events after this sequence number', '0')
    .option('--limit <n>', 'how many', '50')
    .action(
      withContext(async (ctx, opts: { after: string; limit: string }) => {
        const events = await ctx.store.listAudit(Number(opts.after), Number(opts.limit));
        printTable(events.map((e) => ({ seq: String(e.seq), at: e.at, actor: e.actor, action: e.action, target: e.target ?? '' })));
      }),
    );
}
