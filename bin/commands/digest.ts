// `c4tap digest subscribe|list|unsubscribe|run`: readers' e-mail digests. `c4tap serve` runs the
// same digests on their schedules in the worker role (startDigests below).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Command } from 'commander';
import {
  digestSealKey,
  loadChannelPolicy,
  loadSchedules,
  nextSlot,
  runDigests,
  startDigestScheduler,
  subscribe,
  unsubscribe,
  type DigestDeps,
  type DigestScheduler,
  type SubscriptionOutcome,
} from '../../sharing/digests/index.ts';
import type { DigestAttachmentMode } from '../../core/store/port.ts';
import type { AppContext } from '../context.ts';
import { actorName, fail, findPrincipal, printTable, withContext } from '../cli-support.ts';

const MODES: readonly DigestAttachmentMode[] = ['zip', 'link', 'none'];

/** The digest run's dependencies from the context; policies are read (and validated) here. */
export function digestDeps(ctx: AppContext): DigestDeps {
  const { config } = ctx;
  return {
    store: ctx.store,
    mailer: ctx.mailer,
    clock: ctx.clock,
    log: ctx.log,
    schedules: loadSchedules(config.policiesDir),
    channels: loadChannelPolicy(config.policiesDir),
    sealKey: digestSealKey(ctx.secrets),
    exchange: { name: config.exchange.name, hostname: config.exchange.hostname, baseUrl: config.exchange.baseUrl },
    leaseMs: config.digests.leaseSeconds * 1000,
    retryMs: config.digests.retryMinutes * 60_000,
    owner: `${os.hostname()}:${process.pid}:${ctx.newId('dig')}`,
    viewRules: config.sharing,
  };
}

/** What the files link route (/digests/files) needs besides the API's dependencies. */
export function digestFilesSettings(ctx: AppContext) {
  return { channels: loadChannelPolicy(ctx.config.policiesDir), sealKey: digestSealKey(ctx.secrets), baseUrl: ctx.config.exchange.baseUrl };
}

/** The scheduler of the worker role. */
export function startDigests(ctx: AppContext): DigestScheduler {
  return startDigestScheduler(digestDeps(ctx), { pollMs: ctx.config.digests.pollSeconds * 1000 });
}

function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    fail(`${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function outcomeLine(o: SubscriptionOutcome): string {
  switch (o.kind) {
    case 'sent':
      return `${o.subscriptionId}  sent ${o.entries} indicator(s), seq ${o.range.fromSeq + 1}..${o.range.toSeq} (delivery ${o.deliveryId})`;
    case 'completed':
      return `${o.subscriptionId}  recorded delivery ${o.deliveryId} sent before an interruption`;
    case 'nothing-new':
      return `${o.subscriptionId}  nothing new`;
    case 'busy':
      return `${o.subscriptionId}  being run by another process`;
    case 'waiting':
      return `${o.subscriptionId}  failed lately; tried again after ${o.retryAt}`;
    case 'failed':
      return `${o.subscriptionId}  FAILED [${o.code}] ${o.message}`;
  }
}

export function registerDigest(program: Command): void {
  const digest = program.command('digest').description("readers' e-mail digests (policies/digests)");
  digest
    .command('subscribe <principal>')
    .description('subscribe a reader (or change its subscription on that schedule)')
    .requiredOption('--schedule <name>', 'schedule in policies/digests/schedules.json')
    .option('--attachments <mode>', `CSV/STIX files: ${MODES.join(', ')}`, 'zip')
    .option('--zip-password-file <file>', 'file holding the password of the encrypted zip')
    .option('--smime-cert <file>', 'PEM certificate to encrypt AMBER digests to (S/MIME)')
    .option('--amber', 'participants: AMBER-and-wider digests (needs the channel policy and --smime-cert)')
    .option('--from-seq <n>', 'deliver publications after this seq (default: from now on)')
    .action(
      withContext(
        async (
          ctx,
          name: string,
          opts: { schedule: string; attachments: string; zipPasswordFile?: string; smimeCert?: string; amber?: boolean; fromSeq?: string },
        ) => {
          if (!MODES.includes(opts.attachments as DigestAttachmentMode)) fail(`--attachments: "${opts.attachments}" is not one of ${MODES.join(', ')}`);
          if (opts.fromSeq !== undefined && !/^\d+$/.test(opts.fromSeq)) fail('--from-seq: expected a whole number');
          const p = await findPrincipal(ctx, name);
          const deps = digestDeps(ctx);
          const { subscription: s, created } = await subscribe(
            { ...deps, newId: ctx.newId },
            {
              principalId: p.id,
              schedule: opts.schedule,
              attachments: opts.attachments as DigestAttachmentMode,
              zipPassword: opts.zipPasswordFile ? readSecretFile(opts.zipPasswordFile, '--zip-password-file') : null,
              smimeCertificate: opts.smimeCert ? readSecretFile(opts.smimeCert, '--smime-cert') : null,
              amber: opts.amber ?? false,
              ...(opts.fromSeq !== undefined ? { fromSeq: Number(opts.fromSeq) } : {}),
            },
          );
          await ctx.audit({
            actor: actorName(),
            action: created ? 'digest.subscribed' : 'digest.subscription_changed',
            target: s.id,
            data: { principalId: p.id, schedule: s.schedule, attachments: s.attachments, amber: s.amber, smime: s.smimeCertificate !== null },
          });
          const next = nextSlot(deps.schedules.get(s.schedule)!, ctx.clock());
          process.stdout.write(
            `${created ? 'subscribed' : 'updated'} ${s.id}: "${p.name}" on ${s.schedule}, files ${s.attachments}, after seq ${s.cursorSeq}; next run ${next?.toISOString() ?? 'never'}\n`,
          );
        },
      ),
    );
  digest
    .command('list')
    .description('list subscriptions with their cursor and last result')
    .option('--principal <name>', 'only this principal')
    .action(
      withContext(async (ctx, opts: { principal?: string }) => {
        const principalId = opts.principal ? (await findPrincipal(ctx, opts.principal)).id : undefined;
        const subs = await ctx.store.listDigestSubscriptions(principalId ? { principalId } : {});
        const names = new Map((await ctx.store.listPrincipals()).map((p) => [p.id, p.name]));
        printTable(
          subs.map((s) => ({
            id: s.id,
            principal: names.get(s.principalId) ?? s.principalId,
            schedule: s.schedule,
            files: s.attachments,
            amber: s.amber ? (s.smimeCertificate ? 'yes (S/MIME)' : 'yes (no cert)') : 'no',
            cursor: String(s.cursorSeq),
            'last run': s.lastSlotAt ?? '-',
            state: s.disabled ? 'disabled' : s.lastError ? `failing: ${s.lastError}` : 'active',
          })),
        );
      }),
    );
  digest
    .command('unsubscribe <principal>')
    .description("disable a reader's subscriptions (deliveries and their links are kept)")
    .option('--schedule <name>', 'only this schedule')
    .action(
      withContext(async (ctx, name: string, opts: { schedule?: string }) => {
        const p = await findPrincipal(ctx, name);
        const done = await unsubscribe(ctx, p.id, opts.schedule);
        if (done.length === 0) fail(`"${p.name}" has no active subscription${opts.schedule ? ` on ${opts.schedule}` : ''}`);
        for (const s of done) {
          await ctx.audit({ actor: actorName(), action: 'digest.unsubscribed', target: s.id, data: { principalId: p.id, schedule: s.schedule } });
          process.stdout.write(`unsubscribed ${s.id} (${s.schedule})\n`);
        }
      }),
    );
  digest
    .command('run')
    .description('send the due digests once and exit (--now: every subscription, due or not)')
    .option('--schedule <name>', 'only subscriptions on this schedule')
    .option('--now', 'run every enabled subscription now')
    .action(
      withContext(async (ctx, opts: { schedule?: string; now?: boolean }) => {
        const deps = digestDeps(ctx);
        if (opts.schedule && !deps.schedules.has(opts.schedule)) fail(`no schedule "${opts.schedule}" in policies/digests/schedules.json`);
        const outcomes = await runDigests(deps, { ...(opts.schedule ? { schedule: opts.schedule } : {}), force: opts.now ?? false });
        for (const o of outcomes) process.stdout.write(outcomeLine(o) + '\n');
        if (outcomes.length === 0) process.stdout.write('no digest due\n');
        if (outcomes.some((o) => o.kind === 'failed')) process.exitCode = 1;
      }),
    );
}
