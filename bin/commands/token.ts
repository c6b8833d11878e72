// `c4tap token issue|list|revoke`
import type { Command } from 'commander';
import { issueAuditedToken, parseTtl, revokeAuditedToken } from '../../core/tokens.ts';
import { actorName, fail, findPrincipal, printTable, withContext } from '../cli-support.ts';

export function registerToken(program: Command): void {
  const token = program.command('token').description('API bearer tokens (JWT)');
  token
    .command('issue')
    .description('issue an API token for a principal; prints the token once')
    .requiredOption('--principal <name>', 'principal name')
    .option('--ttl <duration>', 'lifetime such as 90d, 12h', '90d')
    .option('--label <text>', 'what the token is for', 'api')
    .action(
      withContext(async (ctx, opts: { principal: string; ttl: string; label: string }) => {
        const p = await findPrincipal(ctx, opts.principal);
        const ttl = parseTtl(opts.ttl);
        if (ttl === null) fail(`--ttl "${opts.ttl}": expected a number followed by d, h or m`);
        const issued = await issueAuditedToken(ctx, ctx.tokenSettings, actorName(), p, ttl, opts.label);
        process.stdout.write(`issued token ${issued.record.jti} for "${p.name}", expires ${issued.record.expiresAt}\n`);
        process.stdout.write(`token (shown once): ${issued.token}\n`);
      }),
    );
  token
    .command('list')
    .description('list tokens (ids only; tokens themselves are never stored)')
    .option('--principal <name>', 'only this principal')
    .action(
      withContext(async (ctx, opts: { principal?: string }) => {
        const principalId = opts.principal ? (await findPrincipal(ctx, opts.principal)).id : undefined;
        const now = ctx.clock().toISOString();
        printTable(
          (await ctx.store.listTokens(principalId)).map((t) => ({
            jti: t.jti,
            principal: t.principalId,
            label: t.label,
            expires: t.expiresAt,
            state: t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt <= now ? 'expired' : 'active',
          })),
        );
      }),
    );
  token
    .command('revoke <jti>')
    .description('revoke a token by its id; refused at the API from then on')
    .action(
      withContext(async (ctx, jti: string) => {
        const t = await revokeAuditedToken(ctx, actorName(), jti);
        process.stdout.write(`token ${jti} revoked at ${t.revokedAt}\n`);
      }),
    );
}
