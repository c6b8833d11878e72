// `c4tap org add|list|edit|disable|remove`
import type { Command } from 'commander';
import {
  addOrganisation,
  applyContactChanges,
  deactivateOrganisation,
  editOrganisation,
  normaliseDomain,
  normaliseNetwork,
  parseContactSpec,
  removeOrganisation,
  type OrganisationEditInput,
} from '../../core/directory.ts';
import { CLASSES, KINDS, type ClassByKind, type Organisation } from '../../core/types.ts';
import { actorName, collect, fail, findOrg, printTable, withContext } from '../cli-support.ts';

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
          contacts: (opts.contact as string[]).map(parseContactSpec),
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
  org
    .command('edit <name-or-id>')
    .description('change an organisation: name, sector, domains, networks, language, default class, points of contact')
    .option('--name <name>', 'new name')
    .option('--tier <tier>', 'participant | observer | affiliate')
    .option('--sector <sector>', 'sector')
    .option('--add-domain <domain>', 'register a domain (repeatable)', collect, [])
    .option('--remove-domain <domain>', 'unregister a domain (repeatable)', collect, [])
    .option('--add-network <cidr>', 'register a network (repeatable)', collect, [])
    .option('--remove-network <cidr>', 'unregister a network (repeatable)', collect, [])
    .option('--language <ja|en>', 'language of receipts and digests')
    .option('--default-class <spec>', 'replaces the default class profile, "AMBER" or "network=GREEN" (repeatable)', collect, [])
    .option('--add-contact <spec>', 'new point of contact "Name;email=…;phone=…" (repeatable)', collect, [])
    .option('--set-contact <spec>', 'replace the means of the contact with this name "Name;email=…;phone=…" (repeatable)', collect, [])
    .option('--remove-contact <name>', 'remove the point of contact with this name (repeatable)', collect, [])
    .option('--rules-accepted', 'the organisation has accepted the operating rules')
    .option('--no-rules-accepted', 'the organisation has not accepted the operating rules')
    .action(
      withContext(async (ctx, key: string, opts: Record<string, unknown>) => {
        const org = await findOrg(ctx, key);
        const edit = editFromOptions(org, opts);
        if (Object.keys(edit).length === 0) fail('nothing to change: give at least one option (see c4tap org edit --help)');
        const updated = await editOrganisation(ctx, actorName(), org.id, edit);
        process.stdout.write(updated === org ? `organisation "${org.name}" unchanged\n` : `updated organisation ${updated.id} "${updated.name}"\n`);
        for (const c of updated.contacts) process.stdout.write(`  contact ${c.name}: ${c.means.map((m) => `${m.kind} ${m.value}`).join(', ')}\n`);
      }),
    );
  org
    .command('disable <name-or-id>')
    .description('deactivate an organisation: disable its principals, end their sessions, revoke their API tokens (its submissions stay)')
    .action(
      withContext(async (ctx, key: string) => {
        const org = await findOrg(ctx, key);
        const d = await deactivateOrganisation(ctx, actorName(), org.id);
        process.stdout.write(`organisation "${org.name}" deactivated: ${d.principals} principal(s) disabled, ${d.tokens} API token(s) revoked\n`);
      }),
    );
  org
    .command('remove <name-or-id>')
    .description('remove an organisation registered by mistake (refused once it has principals or submissions; use disable)')
    .action(
      withContext(async (ctx, key: string) => {
        const org = await findOrg(ctx, key);
        await removeOrganisation(ctx, actorName(), org.id);
        process.stdout.write(`removed organisation ${org.id} "${org.name}"\n`);
      }),
    );
}

/** The CLI options of `org edit` as an edit of this organisation (lists changed relative to it). */
function editFromOptions(org: Organisation, opts: Record<string, unknown>): OrganisationEditInput {
  const strings = (name: string) => (opts[name] as string[] | undefined) ?? [];
  const edit: { -readonly [K in keyof OrganisationEditInput]: OrganisationEditInput[K] } = {};
  for (const k of ['name', 'tier', 'sector', 'language'] as const) if (typeof opts[k] === 'string') (edit as Record<string, unknown>)[k] = opts[k];
  const changeList = (current: readonly string[], add: string[], remove: string[], normalise: (v: string) => string | null) => {
    const gone = new Set(remove.map((r) => normalise(r) ?? r));
    for (const r of gone) if (!current.includes(r)) fail(`"${r}" is not registered for "${org.name}"`);
    return [...current.filter((c) => !gone.has(c)), ...add];
  };
  if (strings('addDomain').length + strings('removeDomain').length > 0)
    edit.domains = changeList(org.domains, strings('addDomain'), strings('removeDomain'), normaliseDomain);
  if (strings('addNetwork').length + strings('removeNetwork').length > 0)
    edit.networks = changeList(org.networks, strings('addNetwork'), strings('removeNetwork'), normaliseNetwork);
  if (strings('defaultClass').length > 0) edit.defaultClasses = parseDefaultClasses(strings('defaultClass'));
  if (strings('addContact').length + strings('setContact').length + strings('removeContact').length > 0) {
    edit.contacts = applyContactChanges(org.contacts, {
      remove: strings('removeContact'),
      replace: strings('setContact').map(parseContactSpec),
      add: strings('addContact').map(parseContactSpec),
    });
  }
  if (typeof opts.rulesAccepted === 'boolean') edit.rulesAccepted = opts.rulesAccepted;
  return edit;
}
