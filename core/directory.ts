// Organisations and principals: input validation and creation, shared by the CLI and the console.
import { domainToASCII } from 'node:url';
import { isIP } from 'node:net';
import { z } from 'zod';
import { C4Error } from './errors.ts';
import { CLASSES, KINDS, LANGUAGES, ROLES, TIERS, type Organisation, type Principal, type Role } from './types.ts';
import type { Store } from './store/port.ts';
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

export const organisationInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  tier: z.enum(TIERS),
  sector: z.string().trim().min(1).max(100),
  domains: z.array(domainSchema).default([]),
  networks: z.array(networkSchema).default([]),
  contacts: z.array(pointOfContactSchema).min(1, 'an organisation needs at least one point of contact'),
  language: z.enum(LANGUAGES).default('ja'),
  defaultClasses: z.partialRecord(z.enum(KINDS), z.enum(CLASSES)).default({}),
  rulesAccepted: z.boolean().default(false),
});
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
  allowedSenders: z.array(z.string().trim().toLowerCase().regex(/^([^@\s]+@)?[^@\s]+$|^@[^@\s]+$/)).default([]),
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
  readonly store: Store;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly newId: IdGenerator;
}

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

export async function setPrincipalStatus(
  deps: DirectoryDeps,
  actor: string,
  name: string,
  status: Principal['status'],
): Promise<Principal> {
  const p = await deps.store.getPrincipalByName(name.toLowerCase());
  if (!p) throw new C4Error('NOT_FOUND', `no principal named "${name}"`);
  const updated = await deps.store.updatePrincipal(p.id, { status });
  if (!updated) throw new C4Error('NOT_FOUND', `no principal named "${name}"`);
  await deps.audit({ actor, action: status === 'disabled' ? 'principal.disabled' : 'principal.enabled', target: p.id, data: { name: p.name } });
  return updated;
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
      contacts: [{ name: 'Secretariat duty desk', means: [{ kind: 'email', value: contactEmail }, { kind: 'phone', value: 'unset — edit me' }] }],
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
