// Organisations, principals and API tokens in SQLite.
import type { ApiToken, Organisation, Principal } from '../types.ts';
import type { NewOrganisation, NewPrincipal, OrganisationPatch, PrincipalPatch } from './port.ts';
import { definedOnly, fromJson, inWriteTransaction, toFlag, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import type { DirectoryStore } from './ports/directory.ts';

interface OrganisationRow {
  id: string;
  name: string;
  tier: string;
  sector: string;
  domains: string;
  networks: string;
  contacts: string;
  language: string;
  default_classes: string;
  rules_accepted_at: string | null;
  created_at: string;
}

function organisationToRow(o: Organisation): OrganisationRow {
  return {
    id: o.id,
    name: o.name,
    tier: o.tier,
    sector: o.sector,
    domains: toJson(o.domains),
    networks: toJson(o.networks),
    contacts: toJson(o.contacts),
    language: o.language,
    default_classes: toJson(o.defaultClasses),
    rules_accepted_at: o.rulesAcceptedAt,
    created_at: o.createdAt,
  };
}

function rowToOrganisation(r: OrganisationRow): Organisation {
  return {
    id: r.id,
    name: r.name,
    tier: r.tier as Organisation['tier'],
    sector: r.sector,
    domains: fromJson(r.domains),
    networks: fromJson(r.networks),
    contacts: fromJson(r.contacts),
    language: r.language as Organisation['language'],
    defaultClasses: fromJson(r.default_classes),
    rulesAcceptedAt: r.rules_accepted_at,
    createdAt: r.created_at,
  };
}

interface PrincipalRow {
  id: string;
  org_id: string;
  name: string;
  display_name: string;
  email: string;
  roles: string;
  status: string;
  password_hash: string | null;
  must_change_password: number;
  smtp_secret_hash: string | null;
  allowed_senders: string;
  totp_secret: string | null;
  language: string;
  time_zone: string;
  created_at: string;
}

function principalToRow(p: Principal): PrincipalRow {
  return {
    id: p.id,
    org_id: p.orgId,
    name: p.name,
    display_name: p.displayName,
    email: p.email,
    roles: toJson(p.roles),
    status: p.status,
    password_hash: p.passwordHash,
    must_change_password: toFlag(p.mustChangePassword),
    smtp_secret_hash: p.smtpSecretHash,
    allowed_senders: toJson(p.allowedSenders),
    totp_secret: p.totpSecret,
    language: p.language,
    time_zone: p.timeZone,
    created_at: p.createdAt,
  };
}

function rowToPrincipal(r: PrincipalRow): Principal {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    displayName: r.display_name,
    email: r.email,
    roles: fromJson(r.roles),
    status: r.status as Principal['status'],
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password === 1,
    smtpSecretHash: r.smtp_secret_hash,
    allowedSenders: fromJson(r.allowed_senders),
    totpSecret: r.totp_secret,
    language: r.language as Principal['language'],
    timeZone: r.time_zone,
    createdAt: r.created_at,
  };
}

interface TokenRow {
  jti: string;
  principal_id: string;
  label: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

function rowToToken(r: TokenRow): ApiToken {
  return {
    jti: r.jti,
    principalId: r.principal_id,
    label: r.label,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

export function sqliteDirectory(db: Db): SyncRole<DirectoryStore> {
  const org = {
    insert: db.prepare<OrganisationRow>(`
      INSERT INTO organisations (id, name, tier, sector, domains, networks, contacts, language,
                                 default_classes, rules_accepted_at, created_at)
      VALUES (@id, @name, @tier, @sector, @domains, @networks, @contacts, @language,
              @default_classes, @rules_accepted_at, @created_at)`),
    update: db.prepare<OrganisationRow>(`
      UPDATE organisations
         SET name = @name, tier = @tier, sector = @sector, domains = @domains, networks = @networks,
             contacts = @contacts, language = @language, default_classes = @default_classes,
             rules_accepted_at = @rules_accepted_at
       WHERE id = @id`),
    byId: db.prepare<[string], OrganisationRow>('SELECT * FROM organisations WHERE id = ?'),
    remove: db.prepare<[string]>('DELETE FROM organisations WHERE id = ?'),
    byName: db.prepare<[string], OrganisationRow>('SELECT * FROM organisations WHERE name = ?'),
    all: db.prepare<[], OrganisationRow>('SELECT * FROM organisations ORDER BY name, id'),
  };
  const principal = {
    insert: db.prepare<PrincipalRow>(`
      INSERT INTO principals (id, org_id, name, display_name, email, roles, status, password_hash,
                              must_change_password, smtp_secret_hash, allowed_senders, totp_secret,
                              language, time_zone, created_at)
      VALUES (@id, @org_id, @name, @display_name, @email, @roles, @status, @password_hash,
              @must_change_password, @smtp_secret_hash, @allowed_senders, @totp_secret,
              @language, @time_zone, @created_at)`),
    update: db.prepare<PrincipalRow>(`
      UPDATE principals
         SET display_name = @display_name, email = @email, roles = @roles, status = @status,
             password_hash = @password_hash, must_change_password = @must_change_password,
             smtp_secret_hash = @smtp_secret_hash, allowed_senders = @allowed_senders,
             totp_secret = @totp_secret, language = @language, time_zone = @time_zone
       WHERE id = @id`),
    byId: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE id = ?'),
    byName: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE name = ?'),
    all: db.prepare<[], PrincipalRow>('SELECT * FROM principals ORDER BY name, id'),
    ofOrg: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE org_id = ? ORDER BY name, id'),
  };
  const token = {
    insert: db.prepare<TokenRow>(`
      INSERT INTO api_tokens (jti, principal_id, label, created_at, expires_at, revoked_at)
      VALUES (@jti, @principal_id, @label, @created_at, @expires_at, NULL)`),
    byJti: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE jti = ?'),
    all: db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, jti'),
    ofPrincipal: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE principal_id = ? ORDER BY created_at, jti'),
    // Revoking twice keeps the first time.
    revoke: db.prepare<[string, string]>('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE jti = ?'),
  };

  const getOrganisation = (id: string): Organisation | null => {
    const row = org.byId.get(id);
    return row ? rowToOrganisation(row) : null;
  };
  const getPrincipal = (id: string): Principal | null => {
    const row = principal.byId.get(id);
    return row ? rowToPrincipal(row) : null;
  };
  const getToken = (jti: string): ApiToken | null => {
    const row = token.byJti.get(jti);
    return row ? rowToToken(row) : null;
  };

  return {
    createOrganisation(o: NewOrganisation, now: string) {
      const created: Organisation = { ...o, createdAt: now };
      org.insert.run(organisationToRow(created));
      return created;
    },
    getOrganisation,
    getOrganisationByName(name) {
      const row = org.byName.get(name);
      return row ? rowToOrganisation(row) : null;
    },
    listOrganisations: () => org.all.all().map(rowToOrganisation),
    updateOrganisation(id: string, patch: OrganisationPatch) {
      return inWriteTransaction(db, () => {
        const current = getOrganisation(id);
        if (!current) return null;
        const next: Organisation = { ...current, ...definedOnly(patch), id: current.id, createdAt: current.createdAt };
        org.update.run(organisationToRow(next));
        return next;
      });
    },
    deleteOrganisation(id: string) {
      return inWriteTransaction(db, () => org.remove.run(id).changes > 0);
    },

    createPrincipal(p: NewPrincipal, now: string) {
      const created: Principal = { ...p, createdAt: now };
      principal.insert.run(principalToRow(created));
      return created;
    },
    getPrincipal,
    getPrincipalByName(name) {
      const row = principal.byName.get(name);
      return row ? rowToPrincipal(row) : null;
    },
    listPrincipals(filter = {}) {
      const rows = filter.orgId === undefined ? principal.all.all() : principal.ofOrg.all(filter.orgId);
      return rows.map(rowToPrincipal);
    },
    updatePrincipal(id: string, patch: PrincipalPatch) {
      return inWriteTransaction(db, () => {
        const current = getPrincipal(id);
        if (!current) return null;
        // The UPDATE writes only the patchable columns; identity fields stay as stored.
        const next: Principal = {
          ...current,
          ...definedOnly(patch),
          id: current.id,
          orgId: current.orgId,
          name: current.name,
          createdAt: current.createdAt,
        };
        principal.update.run(principalToRow(next));
        return next;
      });
    },

    createToken(t) {
      token.insert.run({ jti: t.jti, principal_id: t.principalId, label: t.label, created_at: t.createdAt, expires_at: t.expiresAt, revoked_at: null });
      return { ...t, revokedAt: null };
    },
    getToken,
    listTokens(principalId) {
      const rows = principalId === undefined ? token.all.all() : token.ofPrincipal.all(principalId);
      return rows.map(rowToToken);
    },
    revokeToken(jti, at) {
      return inWriteTransaction(db, () => {
        token.revoke.run(at, jti);
        return getToken(jti);
      });
    },
  };
}
