// Secretariat actions on principals' credentials and organisations' registrations, each audited
// with before and after (secrets themselves never enter the audit log). New secrets are returned
// once for the page to show.
import type { AuditAppender } from '../../../core/audit.ts';
import { C4Error } from '../../../core/errors.ts';
import type { Clock } from '../../../core/ids.ts';
import { generateSecret, hashSecret } from '../../../core/passwords.ts';
import type { ConsoleStore, DirectoryStore } from '../../../core/store/port.ts';
import { issueAuditedToken, revokeAuditedToken, type TokenSettings } from '../../../core/tokens.ts';
import type { Principal } from '../../../core/types.ts';
import { CONSOLE_ROLES } from '../auth/sessions.ts';

export interface AdminDeps {
  readonly store: DirectoryStore & ConsoleStore;
  readonly audit: AuditAppender;
  readonly clock: Clock;
}

async function principal(deps: AdminDeps, id: string): Promise<Principal> {
  const p = await deps.store.getPrincipal(id);
  if (!p) throw new C4Error('NOT_FOUND', `no principal ${id}`);
  return p;
}

/** Disables or enables; a disabled principal's console sessions end at once. */
export async function setStatus(deps: AdminDeps, actor: Principal, id: string, status: Principal['status']): Promise<void> {
  const p = await principal(deps, id);
  await deps.store.updatePrincipal(p.id, { status });
  if (status === 'disabled') await deps.store.deleteConsoleSessions({ principalId: p.id });
  await deps.audit({
    actor: actor.id,
    action: status === 'disabled' ? 'principal.disabled' : 'principal.enabled',
    target: p.id,
    data: { before: { status: p.status }, after: { status } },
  });
}

/** Removes the TOTP secret and recovery codes: the principal enrols again at next login. */
export async function resetSecondFactor(deps: AdminDeps, actor: Principal, id: string): Promise<void> {
  const p = await principal(deps, id);
  await deps.store.updatePrincipal(p.id, { totpSecret: null });
  await deps.store.deleteSecondFactor(p.id);
  await deps.store.deleteConsoleSessions({ principalId: p.id });
  await deps.audit({
    actor: actor.id,
    action: 'principal.second-factor-reset',
    target: p.id,
    data: { before: { enrolled: p.totpSecret !== null }, after: { enrolled: false } },
  });
}

/** A one-time console password (to be changed at next login), for secretariat and analysts only. */
export async function resetPassword(deps: AdminDeps, actor: Principal, id: string): Promise<string> {
  const p = await principal(deps, id);
  if (!p.roles.some((r) => CONSOLE_ROLES.includes(r))) throw new C4Error('VALIDATION_FAILED', 'only secretariat and analyst principals have console passwords');
  const password = generateSecret();
  await deps.store.updatePrincipal(p.id, { passwordHash: await hashSecret(password), mustChangePassword: true });
  await deps.store.deleteConsoleSessions({ principalId: p.id });
  await deps.audit({
    actor: actor.id,
    action: 'principal.password-reset',
    target: p.id,
    data: { before: { mustChangePassword: p.mustChangePassword }, after: { mustChangePassword: true } },
  });
  return password;
}

/** A new SMTP submission secret for a submitter (the old one stops working). */
export async function newSmtpSecret(deps: AdminDeps, actor: Principal, id: string): Promise<string> {
  const p = await principal(deps, id);
  if (!p.roles.includes('submitter')) throw new C4Error('VALIDATION_FAILED', 'only submitters have SMTP secrets');
  const secret = generateSecret();
  await deps.store.updatePrincipal(p.id, { smtpSecretHash: await hashSecret(secret) });
  await deps.audit({
    actor: actor.id,
    action: 'principal.smtp-secret-renewed',
    target: p.id,
    data: { before: { hadSecret: p.smtpSecretHash !== null }, after: { hadSecret: true } },
  });
  return secret;
}

export async function issueApiToken(
  deps: AdminDeps & { readonly tokenSettings: TokenSettings },
  actor: Principal,
  id: string,
  label: string,
  days: number,
): Promise<string> {
  const p = await principal(deps, id);
  if (!Number.isInteger(days) || days < 1) throw new C4Error('VALIDATION_FAILED', 'token lifetime must be a whole number of days');
  return (await issueAuditedToken(deps, deps.tokenSettings, actor.id, p, days * 24 * 3600_000, label.trim() || 'console')).token;
}

export async function revokeApiToken(deps: AdminDeps, actor: Principal, jti: string): Promise<void> {
  await revokeAuditedToken(deps, actor.id, jti);
}
