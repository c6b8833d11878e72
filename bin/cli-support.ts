// Small helpers every CLI command shares: config/context opening, actor name, output, failures.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { INSTALL_DIR, loadConfigDetailed, type Config, type LoadedConfig } from '../core/config.ts';
import { checkDirectories } from './setup/data-dir.ts';
import { createHumanLogger } from './setup/human-log.ts';
import { C4Error, isC4Error } from '../core/errors.ts';
import { openContext, type AppContext } from './context.ts';
import type { Organisation, Principal } from '../core/types.ts';

/** The version of this installation (package.json). */
export function programVersion(): string {
  return (JSON.parse(readFileSync(path.join(INSTALL_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

export function actorName(): string {
  return `cli:${os.userInfo().username}`;
}

/** The config of this run (`--config`, $C4TAP_CONFIG, …) with where each setting came from. */
export function loadedFrom(cmd: Command): LoadedConfig {
  return loadConfigDetailed({ file: rootOf(cmd).opts<{ config?: string }>().config });
}

/** The root program's global options (config file path). */
export function configFrom(cmd: Command): Config {
  return loadedFrom(cmd).config;
}

/** The config of a command that reads the data directory without opening the store (it must exist). */
export function initialisedConfig(cmd: Command): Config {
  const loaded = loadedFrom(cmd);
  checkDirectories(loaded, { create: false });
  return loaded.config;
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/**
 * Runs a one-shot command with a context, closing it afterwards. The data directory must exist
 * and be initialised (only serve and init create one); logs are human lines on stderr.
 */
export function withContext<A extends unknown[]>(fn: (ctx: AppContext, ...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const config = loadedFrom(cmd);
    checkDirectories(config, { create: false });
    const ctx = await openContext(config.config, { defaultMetrics: false, log: createHumanLogger(config) });
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

/** One line on stderr for any failure (the stack only with C4TAP_DEBUG=1); returns the exit code. */
export function reportError(err: unknown): number {
  const debug = process.env.C4TAP_DEBUG === '1';
  if (isC4Error(err)) {
    process.stderr.write(`error [${err.code}]: ${oneLine(err.message)}\n`);
    if (debug && err.stack) process.stderr.write(err.stack + '\n');
    return err.code === 'VALIDATION_FAILED' || err.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ? ` [${e.code}]` : '';
  process.stderr.write(`error${code}: ${oneLine(e?.message ?? String(err))} (C4TAP_DEBUG=1 shows the details)\n`);
  if (debug) process.stderr.write(`${e?.stack ?? String(err)}\n`);
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

export function printTable(rows: readonly Record<string, string>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cols = Object.keys(rows[0]!);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
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
