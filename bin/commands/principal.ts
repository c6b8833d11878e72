// `c4tap principal add|list|disable|enable|password`
import type { Command } from 'commander';
import { addPrincipal, issuePassword, setPrincipalStatus } from '../../core/directory.ts';
import type { Role } from '../../core/types.ts';
import { actorName, collect, findOrg, printTable, withContext } from '../cli-support.ts';

export function registerPrincipal(program: Command): void {
  const principal = program.command('principal').description('people and systems that handle information');
  principal
    .command('add')
    .description('register a principal; prints its one-time console password or SMTP secret once')
    .requiredOption('--org <name-or-id>', 'organisation')
    .requiredOption('--name <name>', 'login and SMTP user name')
    .requiredOption('--email <address>', 'contact address (receipts go here)')
    .requiredOption('--roles <roles>', 'comma-separated: secretariat, analyst, submitter, reader')
    .option('--display-name <name>', 'display name')
    .option('--allowed-sender <address>', 'envelope sender allowed for SMTP submission, or @domain (repeatable)', collect, [])
    .option('--language <ja|en>', 'language', 'ja')
    .option('--time-zone <tz>', 'time zone', 'Asia/Tokyo')
    .action(
      withContext(async (ctx, opts: Record<string, string | string[]>) => {
        const org = await findOrg(ctx, opts.org as string);
        const added = await addPrincipal(ctx, actorName(), {
          orgId: org.id,
          name: opts.name as string,
          email: opts.email as string,
          displayName: opts.displayName as string | undefined,
          roles: (opts.roles as string).split(',').map((r) => r.trim()) as Role[],
          allowedSenders: opts.allowedSender as string[],
          language: opts.language as 'ja',
          timeZone: opts.timeZone as string,
        });
        const p = added.principal;
        process.stdout.write(`created principal ${p.id} "${p.name}" in "${org.name}" with roles ${p.roles.join(', ')}\n`);
        if (added.consolePassword) {
          process.stdout.write(`one-time console password (shown once, must be changed at first login): ${added.consolePassword}\n`);
        }
        if (added.smtpSecret) {
          process.stdout.write(`SMTP submission credentials (shown once): user ${p.name}, password ${added.smtpSecret}\n`);
        }
      }),
    );
  principal
    .command('list')
    .description('list principals')
    .option('--org <name-or-id>', 'only this organisation')
    .action(
      withContext(async (ctx, opts: { org?: string }) => {
        const orgId = opts.org ? (await findOrg(ctx, opts.org)).id : undefined;
        const orgs = new Map((await ctx.store.listOrganisations()).map((o) => [o.id, o.name]));
        const list = await ctx.store.listPrincipals(orgId ? { orgId } : {});
        printTable(
          list.map((p) => ({
            id: p.id,
            name: p.name,
            org: orgs.get(p.orgId) ?? p.orgId,
            roles: p.roles.join(','),
            status: p.status,
            smtp: p.smtpSecretHash ? 'yes' : 'no',
          })),
        );
      }),
    );
  principal
    .command('password <name>')
    .description('issue a new sign-in password (participant page; staff change it at their next console login); printed once')
    .action(
      withContext(async (ctx, name: string) => {
        const { principal: p, password } = await issuePassword(ctx, actorName(), name);
        process.stdout.write(`sign-in password for "${p.name}" (shown once; a second factor is enrolled at first sign-in): ${password}\n`);
      }),
    );
  for (const [verb, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    principal
      .command(`${verb} <name>`)
      .description(`${verb} a principal (${verb === 'disable' ? 'refused at SMTP, console and API' : 'allowed again'})`)
      .action(
        withContext(async (ctx, name: string) => {
          const p = await setPrincipalStatus(ctx, actorName(), name, status);
          process.stdout.write(`principal "${p.name}" is now ${p.status}\n`);
        }),
      );
  }
}
