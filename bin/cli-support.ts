// Small helpers every CLI command shares: config/context opening, actor name, output, failures.
import os from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.ts';
import { C4Error, isC4Error } from '../core/errors.ts';
import { openContext, type AppContext } from './context.ts';
import type { Organisation, Principal } from '../core/types.ts';

export function actorName(): string {
  return `cli:${os.userInfo().username}`;
}

/** The root program's global options (config file path). */
export function configFrom(cmd: Command): Config {
  const root = cmd.parent ? rootOf(cmd) : cmd;
  const file = root.opts<{ config?: string }>().config;
  return loadConfig({ file });
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/** Runs a one-shot command with a context, closing it afterwards; errors exit non-zero with a clear line. */
export function withContext<A extends unknown[]>(
  fn: (ctx: AppContext, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = await openContext(configFrom(cmd), { defaultMetrics: false });
    try {
      await fn(ctx, ...args);
    } finally {
      await ctx.close();
    }
  };
}

export function fail(message: string): never {
  throw new C4Error('VALIDATION_FAILED', message);
}

export function reportError(err: unknown): number {
  if (isC4Error(err)) {
    process.stderr.write(`error [${err.code}]: ${err.message}\n`);
    return err.code === 'VALIDATION_FAILED' || err.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

export function printTable(rows: readonly Record<string, string>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cols = Object.keys(rows[0]!);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(line(cols.map((c) => c.toUpperCase())) + '\n');
  for (const r of rows) process.stdout.write(line(cols.map((c) => r[c] ?? '')) + '\n');
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The organisation named by id or name, or a clear failure. */
export async function findOrg(ctx: AppContext, key: string): Promise<Organisation> {
  const org = (await ctx.store.getOrganisation(key)) ?? (await ctx.store.getOrganisationByName(key));
  if (!org) fail(`no organisation "${key}" (see c4tap org list)`);
  return org;
}

/** The principal with this user name, or a clear failure. */
export async function findPrincipal(ctx: AppContext, name: string): Promise<Principal> {
  const p = await ctx.store.getPrincipalByName(name.toLowerCase());
  if (!p) fail(`no principal named "${name}" (see c4tap principal list)`);
  return p;
}
