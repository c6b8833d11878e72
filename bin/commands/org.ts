// `c4tap org add|list`
import type { Command } from 'commander';
import { addOrganisation, type PointOfContactInput } from '../../core/directory.ts';
import { CLASSES, KINDS, type ClassByKind, type ContactMeansKind } from '../../core/types.ts';
import { actorName, collect, fail, printTable, withContext } from '../cli-support.ts';

/** `Name;email=a@b.jp;phone=+81-3-0000-0000` → point of contact. */
export function parseContact(text: string): PointOfContactInput {
  const [name, ...means] = text.split(';').map((s) => s.trim());
  if (!name) fail(`contact "${text}": expected "Name;email=…;phone=…"`);
  return {
    name,
    means: means.filter(Boolean).map((m) => {
      const eq = m.indexOf('=');
      if (eq < 1) fail(`contact "${text}": "${m}" is not kind=value`);
      return { kind: m.slice(0, eq).trim().toLowerCase() as ContactMeansKind, value: m.slice(eq + 1).trim() };
    }),
  };
}

/** `AMBER` (every kind) or `network=GREEN` (one kind), repeatable. */
export function parseDefaultClasses(specs: readonly string[]): Partial<ClassByKind> {
  const out: Partial<Record<(typeof KINDS)[number], (typeof CLASSES)[number]>> = {};
  for (const spec of specs) {
    const [a, b] = spec.toUpperCase().split('=');
    const cls = (b ?? a) as (typeof CLASSES)[number];
    if (!CLASSES.includes(cls)) fail(`--default-class "${spec}": class must be one of ${CLASSES.join(', ')}`);
    if (b === undefined) for (const k of KINDS) out[k] = cls;
    else {
      const kind = a!.toLowerCase() as (typeof KINDS)[number];
      if (!KINDS.includes(kind)) fail(`--default-class "${spec}": kind must be one of ${KINDS.join(', ')}`);
      out[kind] = cls;
    }
  }
  return out;
}

export function registerOrg(program: Command): void {
  const org = program.command('org').description('participating organisations');
  org
    .command('add')
    .description('register an organisation')
    .requiredOption('--name <name>', 'organisation name')
    .requiredOption('--tier <tier>', 'participant | observer | affiliate')
    .requiredOption('--sector <sector>', 'sector, e.g. finance, electricity, rail')
    .option('--domain <domain>', 'registered domain (repeatable); never an indicator', collect, [])
    .option('--network <cidr>', 'registered network (repeatable); never an indicator', collect, [])
    .option('--contact <spec>', 'point of contact "Name;email=…;phone=…" (repeatable, two means each)', collect, [])
    .option('--language <ja|en>', 'language of receipts and digests', 'ja')
    .option('--default-class <spec>', 'default class, "AMBER" or "network=GREEN" (repeatable)', collect, [])
    .option('--rules-accepted', 'the organisation has accepted the operating rules', false)
    .action(
      withContext(async (ctx, opts: Record<string, unknown>) => {
        const created = await addOrganisation(ctx, actorName(), {
          name: opts.name as string,
          tier: opts.tier as 'participant',
          sector: opts.sector as string,
          domains: opts.domain as string[],
          networks: opts.network as string[],
          contacts: (opts.contact as string[]).map(parseContact),
          language: opts.language as 'ja',
          defaultClasses: parseDefaultClasses(opts.defaultClass as string[]),
          rulesAccepted: opts.rulesAccepted as boolean,
        });
        process.stdout.write(`created organisation ${created.id} "${created.name}" (${created.tier}, ${created.sector})\n`);
      }),
    );
  org
    .command('list')
    .description('list organisations')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, opts: { json?: boolean }) => {
        const orgs = await ctx.store.listOrganisations();
        if (opts.json) return void process.stdout.write(JSON.stringify(orgs, null, 2) + '\n');
        printTable(
          orgs.map((o) => ({
            id: o.id,
            name: o.name,
            tier: o.tier,
            sector: o.sector,
            domains: o.domains.join(','),
            rules: o.rulesAcceptedAt ? 'accepted' : 'NOT accepted',
          })),
        );
      }),
    );
}
