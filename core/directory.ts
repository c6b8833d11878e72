// Organisations and principals: input validation and creation, shared by the CLI and the console.
import { domainToASCII } from 'node:url';
import { isIP } from 'node:net';
import { z } from 'zod';
import { C4Error } from './errors.ts';
import { CLASSES, KINDS, LANGUAGES, ROLES, TIERS, type ContactMeansKind, type Organisation, type PointOfContact, type Principal, type Role } from './types.ts';
import type { ConsoleStore, DirectoryStore, SubmissionStore } from './store/port.ts';
import type { AuditAppender } from './audit.ts';
import type { Clock, IdGenerator } from './ids.ts';
import { generateSecret, hashSecret } from './passwords.ts';

/** Lower-case, IDN to punycode, no trailing dot; null when not a valid domain name. */
export function normaliseDomain(input: string): string | null {
  const ascii = domainToASCII(input.trim().replace(/\.$/, '').toLowerCase());
  if (!ascii || ascii.length > 253 || !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(ascii)) return null;
  return ascii;
}

/** `192.0.2.0/24`, `2001:db8::/32` or a single address (taken as /32 or /128); null when invalid. */
export function normaliseNetwork(input: string): string | null {
  const [addr, prefixText, ...rest] = input.trim().split('/');
  if (!addr || rest.length > 0) return null;
  const family = isIP(addr);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return null;
  return `${addr.toLowerCase()}/${prefix}`;
}

const contactMeans = z.object({
  kind: z.enum(['email', 'phone', 'mobile', 'fax', 'postal']),
  value: z.string().trim().min(3),
});

export const pointOfContactSchema = z.object({
  name: z.string().trim().min(1),
  means: z.array(contactMeans).min(2, 'a point of contact needs at least two contact means'),
});

const domainSchema = z.string().transform((v, ctx) => {
  const d = normaliseDomain(v);
  if (!d) ctx.addIssue({ code: 'custom', message: `not a domain name: ${v}` });
  return d ?? v;
});

const networkSchema = z.string().transform((v, ctx) => {
  const n = normaliseNetwork(v);
  if (!n) ctx.addIssue({ code: 'custom', message: `not a network in CIDR notation: ${v}` });
  return n ?? v;
});

/** Every registrable field of an organisation, each validated the same way on add and on edit. */
const organisationFields = {
  name: z.string().trim().min(1).max(200),
  tier: z.enum(TIERS),
  sector: z.string().trim().min(1).max(100),
  domains: z.array(domainSchema),
  networks: z.array(networkSchema),
  contacts: z.array(pointOfContactSchema).min(1, 'an organisation needs at least one point of contact'),
  language: z.enum(LANGUAGES),
  defaultClasses: z.partialRecord(z.enum(KINDS), z.enum(CLASSES)),
  rulesAccepted: z.boolean(),
};

export const organisationInputSchema = z.object({
  ...organisationFields,
  domains: organisationFields.domains.default([]),
  networks: organisationFields.networks.default([]),
  language: organisationFields.language.default('ja'),
  defaultClasses: organisationFields.defaultClasses.default({}),
  rulesAccepted: organisationFields.rulesAccepted.default(false),
});

/** An edit: any subset of the fields, each checked by the same rule as at registration. */
export const organisationEditSchema = z.object(organisationFields).partial().strict();
export type OrganisationEditInput = z.input<typeof organisationEditSchema>;
export type OrganisationInput = z.input<typeof organisationInputSchema>;
export type PointOfContactInput = z.input<typeof pointOfContactSchema>;

export const principalInputSchema = z.object({
  orgId: z.string().min(1),
  name: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._@+-]{1,63}$/, 'letters, digits and . _ @ + - only, 2 to 64 characters'),
  displayName: z.string().trim().max(200).optional(),
  email: z.string().trim().email(),
  roles: z.array(z.enum(ROLES)).min(1),
  allowedSenders: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^([^@\s]+@)?[^@\s]+$|^@[^@\s]+$/),
    )
    .default([]),
  language: z.enum(LANGUAGES).default('ja'),
  timeZone: z.string().default('Asia/Tokyo'),
});
export type PrincipalInput = z.input<typeof principalInputSchema>;

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
    throw new C4Error('VALIDATION_FAILED', `invalid ${what}: ${problems.join('; ')}`, { problems });
  }
  return r.data;
}

export interface DirectoryDeps {
  readonly store: DirectoryStore & SubmissionStore & ConsoleStore;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly newId: IdGenerator;
}

/** What editing, removing and deactivating need (no new ids). */
export type RegistryDeps = Pick<DirectoryDeps, 'store' | 'audit' | 'clock'>;

export async function addOrganisation(deps: DirectoryDeps, actor: string, input: OrganisationInput): Promise<Organisation> {
  const v = parseOrThrow(organisationInputSchema, input, 'organisation');
  if (await deps.store.getOrganisationByName(v.name)) {
    throw new C4Error('CONFLICT', `an organisation named "${v.name}" already exists`);
  }
  const now = deps.clock().toISOString();
  const org = await deps.store.createOrganisation(
    {
      id: deps.newId('org'),
      name: v.name,
      tier: v.tier,
      sector: v.sector,
      domains: [...new Set(v.domains)],
      networks: [...new Set(v.networks)],
      contacts: v.contacts,
      language: v.language,
      defaultClasses: v.defaultClasses,
      rulesAcceptedAt: v.rulesAccepted ? now : null,
    },
    now,
  );
  await deps.audit({ actor, action: 'organisation.created', target: org.id, data: { name: org.name, tier: org.tier, sector: org.sector } });
  return org;
}

/**
 * `Name;email=a@b.jp;phone=+81-3-0000-0000` (CLI) or the same with one `kind=value` per line
 * (console and participant forms) → point of contact, checked later with the organisation.
 */
export function parseContactSpec(text: string): PointOfContactInput {
  const [name, ...means] = text.split(/[;\n]/).map((s) => s.trim());
  if (!name) throw new C4Error('VALIDATION_FAILED', `contact "${text}": expected "Name;email=…;phone=…"`);
  return {
    name,
    means: means.filter(Boolean).map((m) => {
      const eq = m.search(/[=:]/);
      if (eq < 1) throw new C4Error('VALIDATION_FAILED', `contact "${name}": "${m}" is not kind=value`);
      return { kind: m.slice(0, eq).trim().toLowerCase() as ContactMeansKind, value: m.slice(eq + 1).trim() };
    }),
  };
}

/** The contact as one spec line (what `parseContactSpec` reads back). */
export function contactSpec(c: PointOfContact): string {
  return [c.name, ...c.means.map((m) => `${m.kind}=${m.value}`)].join(';');
}

/** What to change in an organisation's points of contact, applied in this order: remove, replace, add. */
export interface ContactChanges {
  /** Names of contacts to remove. */
  readonly remove?: readonly string[];
  /** Contacts replacing the existing contact of the same name (its means are replaced as a whole). */
  readonly replace?: readonly PointOfContactInput[];
  readonly add?: readonly PointOfContactInput[];
}

/** The organisation's contacts after the changes; an unknown or duplicate name is a one-line error. */
export function applyContactChanges(current: readonly PointOfContact[], changes: ContactChanges): PointOfContactInput[] {
  const key = (name: string) => name.trim().toLowerCase();
  let out: PointOfContactInput[] = current.map((c) => ({ name: c.name, means: c.means.map((m) => ({ ...m })) }));
  for (const name of changes.remove ?? []) {
    if (!out.some((c) => key(c.name) === key(name))) throw new C4Error('NOT_FOUND', `no point of contact named "${name}"`);
    out = out.filter((c) => key(c.name) !== key(name));
  }
  for (const c of changes.replace ?? []) {
    const i = out.findIndex((o) => key(o.name) === key(c.name));
    if (i < 0) throw new C4Error('NOT_FOUND', `no point of contact named "${c.name}"`);
    out[i] = c;
  }
  for (const c of changes.add ?? []) {
    if (out.some((o) => key(o.name) === key(c.name))) throw new C4Error('CONFLICT', `a point of contact named "${c.name}" already exists`);
    out.push(c);
  }
  return out;
}

/**
 * Contacts from a form's rows (a name and its means, one `kind=value` per line): blank rows are
 * skipped, rows whose name is in `remove` dropped. The result is checked by editOrganisation.
 */
export function contactsFromRows(rows: readonly { readonly name: string; readonly means: string }[], remove: readonly string[] = []): PointOfContactInput[] {
  const gone = new Set(remove.map((r) => r.trim().toLowerCase()));
  return rows.filter((r) => r.name.trim() !== '' && !gone.has(r.name.trim().toLowerCase())).map((r) => parseContactSpec(`${r.name.trim()}\n${r.means}`));
}

type OrganisationView = Omit<Organisation, 'id' | 'createdAt'>;
const EDITABLE: readonly (keyof OrganisationView)[] = [
  'name',
  'tier',
  'sector',
  'domains',
  'networks',
  'contacts',
  'language',
  'defaultClasses',
  'rulesAcceptedAt',
];

/**
 * Edits an organisation (CLI, console and participant page alike): every field is checked by the
 * registration rule — a point of contact keeps at least two contact means — and the change is
 * audited with the changed fields before and after. Nothing changed: no write, no audit event.
 */
export async function editOrganisation(deps: RegistryDeps, actor: string, orgId: string, input: OrganisationEditInput): Promise<Organisation> {
  const v = parseOrThrow(organisationEditSchema, input, 'organisation');
  const org = await deps.store.getOrganisation(orgId);
  if (!org) throw new C4Error('NOT_FOUND', `no organisation ${orgId}`);
  if (v.name !== undefined && v.name !== org.name && (await deps.store.getOrganisationByName(v.name))) {
    throw new C4Error('CONFLICT', `an organisation named "${v.name}" already exists`);
  }
  const next: OrganisationView = {
    name: v.name ?? org.name,
    tier: v.tier ?? org.tier,
    sector: v.sector ?? org.sector,
    domains: v.domains ? [...new Set(v.domains)] : org.domains,
    networks: v.networks ? [...new Set(v.networks)] : org.networks,
    contacts: v.contacts ?? org.contacts,
    language: v.language ?? org.language,
    defaultClasses: v.defaultClasses ?? org.defaultClasses,
    rulesAcceptedAt: v.rulesAccepted === undefined ? org.rulesAcceptedAt : v.rulesAccepted ? (org.rulesAcceptedAt ?? deps.clock().toISOString()) : null,
  };
  const changed = EDITABLE.filter((k) => JSON.stringify(org[k]) !== JSON.stringify(next[k]));
  if (changed.length === 0) return org;
  const pick = (o: OrganisationView) => Object.fromEntries(changed.map((k) => [k, o[k]]));
  const updated = await deps.store.updateOrganisation(org.id, pick(next));
  if (!updated) throw new C4Error('NOT_FOUND', `no organisation ${orgId}`);
  await deps.audit({ actor, action: 'organisation.updated', target: org.id, data: { before: pick(org), after: pick(next) } });
  return updated;
}

/**
 * Removes a registration made by mistake. Refused (CONFLICT) once the organisation has principals
 * or submissions: the exchange keeps who sent what, so such an organisation is deactivated instead.
 */
export async function removeOrganisation(deps: RegistryDeps, actor: string, orgId: string): Promise<Organisation> {
  const org = await deps.store.getOrganisation(orgId);
  if (!org) throw new C4Error('NOT_FOUND', `no organisation ${orgId}`);
  const [principals, submissions] = await Promise.all([
    deps.store.listPrincipals({ orgId: org.id }),
    deps.store.listSubmissions({ orgId: org.id }, { limit: 1 }),
  ]);
  if (submissions.items.length > 0 || principals.length > 0) {
    const what = submissions.items.length > 0 ? 'submissions' : `${principals.length} principal(s)`;
    throw new C4Error('CONFLICT', `organisation "${org.name}" has ${what} and is kept for provenance; deactivate it instead (c4tap org disable "${org.name}")`);
  }
  await deps.store.deleteOrganisation(org.id);
  await deps.audit({ actor, action: 'organisation.removed', target: org.id, data: { before: { ...org }, after: null } });
  return org;
}

export interface Deactivated {
  readonly principals: number;
  readonly tokens: number;
}

/**
 * Deactivates an organisation that leaves the exchange: its principals are disabled (refused at
 * SMTP, console, participant page and API), their sessions end and their API tokens are revoked.
 * Its submissions and what was published from them stay.
 */
export async function deactivateOrganisation(deps: RegistryDeps, actor: string, orgId: string): Promise<Deactivated> {
  const org = await deps.store.getOrganisation(orgId);
  if (!org) throw new C4Error('NOT_FOUND', `no organisation ${orgId}`);
  const now = deps.clock().toISOString();
  let principals = 0;
  let tokens = 0;
  for (const p of await deps.store.listPrincipals({ orgId: org.id })) {
    if (p.status !== 'disabled') {
      await deps.store.updatePrincipal(p.id, { status: 'disabled' });
      principals++;
    }
    await deps.store.deleteConsoleSessions({ principalId: p.id });
    for (const t of await deps.store.listTokens(p.id)) {
      if (t.revokedAt) continue;
      await deps.store.revokeToken(t.jti, now);
      tokens++;
    }
  }
  await deps.audit({
    actor,
    action: 'organisation.deactivated',
    target: org.id,
    data: { name: org.name, principalsDisabled: principals, tokensRevoked: tokens },
  });
  return { principals, tokens };
}

export interface AddedPrincipal {
  readonly principal: Principal;
  /** One-time console password for secretariat/analyst principals; shown once, never stored. */
  readonly consolePassword: string | null;
  /** SMTP submission secret for submitters; shown once, never stored. */
  readonly smtpSecret: string | null;
}

const CONSOLE_ROLES: readonly Role[] = ['secretariat', 'analyst'];

export async function addPrincipal(deps: DirectoryDeps, actor: string, input: PrincipalInput): Promise<AddedPrincipal> {
  const v = parseOrThrow(principalInputSchema, input, 'principal');
  const org = await deps.store.getOrganisation(v.orgId);
  if (!org) throw new C4Error('NOT_FOUND', `no organisation ${v.orgId}`);
  if (await deps.store.getPrincipalByName(v.name)) throw new C4Error('CONFLICT', `a principal named "${v.name}" already exists`);
  const consolePassword = v.roles.some((r) => CONSOLE_ROLES.includes(r)) ? generateSecret() : null;
  const smtpSecret = v.roles.includes('submitter') ? generateSecret() : null;
  const principal = await deps.store.createPrincipal(
    {
      id: deps.newId('prn'),
      orgId: org.id,
      name: v.name,
      displayName: v.displayName ?? v.name,
      email: v.email,
      roles: [...new Set(v.roles)],
      status: 'active',
      passwordHash: consolePassword ? await hashSecret(consolePassword) : null,
      mustChangePassword: consolePassword !== null,
      smtpSecretHash: smtpSecret ? await hashSecret(smtpSecret) : null,
      allowedSenders: v.allowedSenders,
      totpSecret: null,
      language: v.language,
      timeZone: v.timeZone,
    },
    deps.clock().toISOString(),
  );
  await deps.audit({ actor, action: 'principal.created', target: principal.id, data: { name: principal.name, orgId: org.id, roles: principal.roles } });
  return { principal, consolePassword, smtpSecret };
}

export async function setPrincipalStatus(deps: DirectoryDeps, actor: string, name: string, status: Principal['status']): Promise<Principal> {
  const p = await deps.store.getPrincipalByName(name.toLowerCase());
  if (!p) throw new C4Error('NOT_FOUND', `no principal named "${name}"`);
  const updated = await deps.store.updatePrincipal(p.id, { status });
  if (!updated) throw new C4Error('NOT_FOUND', `no principal named "${name}"`);
  await deps.audit({ actor, action: status === 'disabled' ? 'principal.disabled' : 'principal.enabled', target: p.id, data: { name: p.name } });
  return updated;
}

/**
 * A new generated password for a principal's sign-in on the participant page (and the console for
 * staff, who must change it at their next console login). Returned once; only its hash is kept.
 * Every session of the principal ends.
 */
export async function issuePassword(deps: RegistryDeps, actor: string, name: string): Promise<{ readonly principal: Principal; readonly password: string }> {
  const p = await deps.store.getPrincipalByName(name.toLowerCase());
  if (!p) throw new C4Error('NOT_FOUND', `no principal named "${name}"`);
  if (p.status !== 'active') throw new C4Error('CONFLICT', `principal "${p.name}" is disabled; enable it first`);
  const password = generateSecret();
  const staff = p.roles.some((r) => CONSOLE_ROLES.includes(r));
  await deps.store.updatePrincipal(p.id, { passwordHash: await hashSecret(password), mustChangePassword: staff });
  await deps.store.deleteConsoleSessions({ principalId: p.id });
  await deps.audit({
    actor,
    action: 'principal.password-issued',
    target: p.id,
    data: { before: { hadPassword: p.passwordHash !== null }, after: { hadPassword: true, mustChangePassword: staff } },
  });
  return { principal: p, password };
}

export const BOOTSTRAP_ORG = 'C4TAP Secretariat';
export const BOOTSTRAP_PRINCIPAL = 'admin';

/**
 * First start: creates the secretariat organisation and a bootstrap secretariat account when no
 * secretariat principal exists. Returns its one-time password (to print once), or null later.
 */
export async function bootstrapSecretariat(deps: DirectoryDeps, contactEmail: string): Promise<{ name: string; password: string } | null> {
  const principals = await deps.store.listPrincipals();
  if (principals.some((p) => p.roles.includes('secretariat'))) return null;
  const org =
    (await deps.store.getOrganisationByName(BOOTSTRAP_ORG)) ??
    (await addOrganisation(deps, 'system', {
      name: BOOTSTRAP_ORG,
      tier: 'participant',
      sector: 'secretariat',
      contacts: [
        {
          name: 'Secretariat duty desk',
          means: [
            { kind: 'email', value: contactEmail },
            { kind: 'phone', value: 'unset — edit me' },
          ],
        },
      ],
      rulesAccepted: true,
    }));
  const added = await addPrincipal(deps, 'system', {
    orgId: org.id,
    name: BOOTSTRAP_PRINCIPAL,
    displayName: 'Bootstrap secretariat account',
    email: contactEmail,
    roles: ['secretariat'],
  });
  return { name: added.principal.name, password: added.consolePassword! };
}

/** May this principal submit mail (by SMTP or `c4tap import`)? */
export function canSubmit(p: Pick<Principal, 'status' | 'roles'>): boolean {
  return p.status === 'active' && p.roles.includes('submitter');
}
