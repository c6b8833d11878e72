// `c4tap drill start|list|report`: communication drills (情報連絡訓練) from the command line.
import type { Command } from 'commander';
import { drillTokenKey } from '../../core/drills.ts';
import { drillReport, drillReportCsv, drillReportRecords, resendDrill, startDrill } from '../../sharing/drills/index.ts';
import type { AppContext } from '../context.ts';
import { actorName, collect, fail, findOrg, printTable, withContext } from '../cli-support.ts';

const LIST_LIMIT = 100;

function drillDeps(ctx: AppContext) {
  return { ...ctx, tokenKey: drillTokenKey(ctx.secrets), exchange: ctx.config.exchange };
}

export function registerDrill(program: Command): void {
  const drill = program.command('drill').description('communication drills: a test notice to every point of contact, acknowledged by reply or link');
  drill
    .command('start')
    .description('send a drill notice to the points of contact of every organisation (or those named)')
    .option('--title <title>', 'title of the drill (default: "Drill <date>")')
    .option('--org <id|name>', 'only this organisation (repeatable)', collect, [])
    .action(
      withContext(async (ctx, opts: { title?: string; org: string[] }) => {
        const orgIds = await Promise.all(opts.org.map(async (key) => (await findOrg(ctx, key)).id));
        const started = await startDrill(drillDeps(ctx), { actor: actorName(), title: opts.title, orgIds });
        process.stdout.write(`started drill ${started.drill.id} "${started.drill.title}": ${started.notices} notice(s)\n`);
        const sent = await started.sending;
        process.stdout.write(`sent ${sent.sent}, failed ${sent.failed}, without an e-mail address ${sent.withoutAddress}\n`);
        if (sent.failed > 0) process.exitCode = 1;
      }),
    );
  drill
    .command('resend')
    .description('send again, with new tokens, the notices of a drill that could not be sent')
    .argument('<id>', 'drill id (see c4tap drill list)')
    .action(
      withContext(async (ctx, id: string) => {
        const sent = await resendDrill(drillDeps(ctx), id, actorName());
        process.stdout.write(`sent ${sent.sent}, failed ${sent.failed}, without an e-mail address ${sent.withoutAddress}\n`);
        if (sent.failed > 0) process.exitCode = 1;
      }),
    );
  drill
    .command('list')
    .description('list drills, newest first, with their acknowledgements')
    .action(
      withContext(async (ctx) => {
        const drills = await ctx.store.listDrills(LIST_LIMIT);
        const rows = [];
        for (const d of drills) {
          const s = drillReport(d, await ctx.store.listDrillNotices(d.id)).summary;
          rows.push({
            id: d.id,
            started: d.startedAt,
            title: d.title,
            notices: String(s.notices),
            acknowledged: String(s.acknowledged),
            missing: String(s.missing),
            'not-sent': String(s.notSent),
          });
        }
        printTable(rows);
      }),
    );
  drill
    .command('report')
    .description('who acknowledged, when, how fast and how; and who did not')
    .argument('<id>', 'drill id (see c4tap drill list)')
    .option('--csv', 'print the report as CSV')
    .action(
      withContext(async (ctx, id: string, opts: { csv?: boolean }) => {
        const d = await ctx.store.getDrill(id);
        if (!d) fail(`no drill "${id}" (see c4tap drill list)`);
        const report = drillReport(d, await ctx.store.listDrillNotices(d.id));
        if (opts.csv) return void process.stdout.write(drillReportCsv(report));
        const s = report.summary;
        process.stdout.write(`${d.title} (${d.id}), started ${d.startedAt} by ${d.startedBy}\n`);
        process.stdout.write(
          `${s.acknowledged} of ${s.notices} acknowledged, ${s.missing} missing, ${s.notSent} not sent` +
            (s.medianMinutes === null ? '\n' : `, median ${s.medianMinutes.toFixed(1)} minutes\n`),
        );
        printTable(drillReportRecords(report).map(({ drill_id: _id, drill_title: _title, org_id: _org, ...row }) => row));
      }),
    );
}
