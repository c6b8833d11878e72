// Organisations, principals and API tokens in MongoDB: one document each, the id as `_id`.
// Patches are single-document `$set` updates, so concurrent patches of different fields both land.
import type { Db } from 'mongodb';
import type { ApiToken, Organisation, Principal } from '../types.ts';
import type { NewOrganisation, NewPrincipal, OrganisationPatch, PrincipalPatch } from './port.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { definedOnly } from './store-values.ts';
import type { DirectoryStore } from './ports/directory.ts';

export type OrganisationDoc = Omit<Organisation, 'id'> & { _id: string };
export type PrincipalDoc = Omit<Principal, 'id'> & { _id: string };
export type TokenDoc = Omit<ApiToken, 'jti'> & { _id: string };

export function organisationToDoc({ id, ...rest }: Organisation): OrganisationDoc {
  return { _id: id, ...rest };
}

export function docToOrganisation(d: OrganisationDoc): Organisation {
  return {
    id: d._id,
    name: d.name,
    tier: d.tier,
    sector: d.sector,
    domains: d.domains,
    networks: d.networks,
    contacts: d.contacts,
    language: d.language,
    defaultClasses: d.defaultClasses,
    rulesAcceptedAt: d.rulesAcceptedAt,
    createdAt: d.createdAt,
  };
}

export function principalToDoc({ id, ...rest }: Principal): PrincipalDoc {
  return { _id: id, ...rest };
}

export function docToPrincipal(d: PrincipalDoc): Principal {
  return {
    id: d._id,
    orgId: d.orgId,
    name: d.name,
    displayName: d.displayName,
    email: d.email,
    roles: d.roles,
    status: d.status,
    passwordHash: d.passwordHash,
    mustChangePassword: d.mustChangePassword,
    smtpSecretHash: d.smtpSecretHash,
    allowedSenders: d.allowedSenders,
    totpSecret: d.totpSecret,
    language: d.language,
    timeZone: d.timeZone,
    createdAt: d.createdAt,
  };
}

export function tokenToDoc({ jti, ...rest }: ApiToken): TokenDoc {
  return { _id: jti, ...rest };
}

export function docToToken(d: TokenDoc): ApiToken {
  return { jti: d._id, principalId: d.principalId, label: d.label, createdAt: d.createdAt, expiresAt: d.expiresAt, revokedAt: d.revokedAt };
}

const PRINCIPAL_PATCH_KEYS = [
  'displayName',
  'email',
  'roles',
  'status',
  'passwordHash',
  'mustChangePassword',
  'smtpSecretHash',
  'allowedSenders',
  'totpSecret',
  'language',
  'timeZone',
] as const satisfies readonly (keyof PrincipalPatch)[];

/** Only the listed keys whose value is defined (a caller's extra keys never reach the document). */
function pick<T extends object>(patch: T, keys: readonly (keyof T)[]): Partial<T> {
  const defined = definedOnly(patch) as Partial<T>;
  return Object.fromEntries(keys.filter((k) => k in defined).map((k) => [k, defined[k]])) as Partial<T>;
}

export function mongoDirectory(db: Db): DirectoryStore {
  const orgs = db.collection<OrganisationDoc>(COLLECTIONS.organisations);
  const principals = db.collection<PrincipalDoc>(COLLECTIONS.principals);
  const tokens = db.collection<TokenDoc>(COLLECTIONS.tokens);

  const getOrganisation = async (id: string) => {
    const d = await orgs.findOne({ _id: id });
    return d ? docToOrganisation(d) : null;
  };
  const getPrincipal = async (id: string) => {
    const d = await principals.findOne({ _id: id });
    return d ? docToPrincipal(d) : null;
  };
  const getToken = async (jti: string) => {
    const d = await tokens.findOne({ _id: jti });
    return d ? docToToken(d) : null;
  };

  return {
    async createOrganisation(o: NewOrganisation, now: string) {
      const created: Organisation = { ...o, createdAt: now };
      await orgs.insertOne(organisationToDoc(created));
      return created;
    },
    getOrganisation,
    async getOrganisationByName(name) {
      const d = await orgs.findOne({ name });
      return d ? docToOrganisation(d) : null;
    },
    async listOrganisations() {
      return (await orgs.find().sort({ name: 1, _id: 1 }).toArray()).map(docToOrganisation);
    },
    async updateOrganisation(id: string, patch: OrganisationPatch) {
      const { id: _id, createdAt: _createdAt, ...fields } = definedOnly(patch as Partial<Organisation>);
      if (Object.keys(fields).length === 0) return getOrganisation(id);
      const d = await orgs.findOneAndUpdate({ _id: id }, { $set: fields }, { returnDocument: 'after' });
      return d ? docToOrganisation(d) : null;
    },
    async deleteOrganisation(id: string) {
      return (await orgs.deleteOne({ _id: id })).deletedCount > 0;
    },

    async createPrincipal(p: NewPrincipal, now: string) {
      const created: Principal = { ...p, createdAt: now };
      await principals.insertOne(principalToDoc(created));
      return created;
    },
    getPrincipal,
    async getPrincipalByName(name) {
      const d = await principals.findOne({ name });
      return d ? docToPrincipal(d) : null;
    },
    async listPrincipals(filter = {}) {
      const query = filter.orgId === undefined ? {} : { orgId: filter.orgId };
      return (await principals.find(query).sort({ name: 1, _id: 1 }).toArray()).map(docToPrincipal);
    },
    async updatePrincipal(id: string, patch: PrincipalPatch) {
      const fields = pick(patch, PRINCIPAL_PATCH_KEYS);
      if (Object.keys(fields).length === 0) return getPrincipal(id);
      const d = await principals.findOneAndUpdate({ _id: id }, { $set: fields }, { returnDocument: 'after' });
      return d ? docToPrincipal(d) : null;
    },

    async createToken(t) {
      const created: ApiToken = { ...t, revokedAt: null };
      await tokens.insertOne(tokenToDoc(created));
      return created;
    },
    getToken,
    async listTokens(principalId) {
      const query = principalId === undefined ? {} : { principalId };
      return (await tokens.find(query).sort({ createdAt: 1, _id: 1 }).toArray()).map(docToToken);
    },
    async revokeToken(jti, at) {
      // Revoking twice keeps the first time: only an unrevoked token is changed.
      await tokens.updateOne({ _id: jti, revokedAt: null }, { $set: { revokedAt: at } });
      return getToken(jti);
    },
  };
}
