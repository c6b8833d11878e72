// Role port: the directory — organisations, their principals and API tokens (core/directory.ts,
// SMTP and API authentication, the console's administration).
import type { ApiToken, Organisation, Principal } from '../../types.ts';

export type NewOrganisation = Omit<Organisation, 'createdAt'>;
export type NewPrincipal = Omit<Principal, 'createdAt'>;
export type PrincipalPatch = Partial<
  Pick<
    Principal,
    | 'displayName'
    | 'email'
    | 'roles'
    | 'status'
    | 'passwordHash'
    | 'mustChangePassword'
    | 'smtpSecretHash'
    | 'allowedSenders'
    | 'totpSecret'
    | 'language'
    | 'timeZone'
  >
>;
export type OrganisationPatch = Partial<Omit<Organisation, 'id' | 'createdAt'>>;

export interface DirectoryStore {
  // Organisations
  createOrganisation(org: NewOrganisation, now: string): Promise<Organisation>;
  getOrganisation(id: string): Promise<Organisation | null>;
  getOrganisationByName(name: string): Promise<Organisation | null>;
  listOrganisations(): Promise<readonly Organisation[]>;
  updateOrganisation(id: string, patch: OrganisationPatch): Promise<Organisation | null>;
  /** Deletes the organisation record only (callers check it has no principals or submissions); false when unknown. */
  deleteOrganisation(id: string): Promise<boolean>;

  // Principals
  createPrincipal(p: NewPrincipal, now: string): Promise<Principal>;
  getPrincipal(id: string): Promise<Principal | null>;
  getPrincipalByName(name: string): Promise<Principal | null>;
  listPrincipals(filter?: { readonly orgId?: string }): Promise<readonly Principal[]>;
  updatePrincipal(id: string, patch: PrincipalPatch): Promise<Principal | null>;

  // API tokens (the JWT itself is never stored; its jti is)
  createToken(token: Omit<ApiToken, 'revokedAt'>): Promise<ApiToken>;
  getToken(jti: string): Promise<ApiToken | null>;
  listTokens(principalId?: string): Promise<readonly ApiToken[]>;
  /** Returns the token with revokedAt set; revoking twice keeps the first time. Null if unknown. */
  revokeToken(jti: string, at: string): Promise<ApiToken | null>;
}
