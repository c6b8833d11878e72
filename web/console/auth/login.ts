// The console's login steps as functions over the store: password, then the second factor (TOTP
// or a recovery code; enrolment when none is set), then a new password when one is due. Each
// returns an outcome value; the routes turn outcomes into pages and session steps.
//
// Every refusal of the password step looks the same and costs one scrypt verification, whether
// the name is unknown, disabled, not allowed in the console or the password is wrong, so neither
// the answer nor its timing tells which names exist. The reason goes to the log and audit only.
import { randomBytes } from 'node:crypto';
import type { AuditAppender } from '../../../core/audit.ts';
import type { Clock } from '../../../core/ids.ts';
import type { Logger } from '../../../core/logger.ts';
import { hashSecret, verifySecret } from '../../../core/passwords.ts';
import type { ConsoleStore, DirectoryStore } from '../../../core/store/port.ts';
import type { Principal } from '../../../core/types.ts';
import type { ConsoleKeys } from './keys.ts';
import type { LoginLimits } from './login-limits.ts';
import { hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { mayUseConsole } from './sessions.ts';
import { checkTotp, decryptTotpSecret, encryptTotpSecret } from './totp.ts';

export interface LoginDeps {
  readonly store: DirectoryStore & ConsoleStore;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly log: Logger;
  readonly keys: ConsoleKeys;
  readonly limits: LoginLimits;
  /** Who may sign in (default mayUseConsole; the participant page passes its own rule). */
  readonly mayUse?: (p: Principal) => boolean;
}

export type StepOutcome<T> = ({ readonly kind: 'ok' } & T) | { readonly kind: 'refused' } | { readonly kind: 'locked'; readonly retryAfterMs: number };

/** Verified against when there is no real hash, so every refusal costs the same work. */
const dummyHash = hashSecret(randomBytes(18).toString('base64url'));

export async function checkPassword(deps: LoginDeps, name: string, password: string, address: string): Promise<StepOutcome<{ principal: Principal }>> {
  const user = name.trim().toLowerCase().slice(0, 64);
  const wait = await deps.limits.blockedFor(user, address);
  if (wait !== null) return { kind: 'locked', retryAfterMs: wait };
  const principal = user ? await deps.store.getPrincipalByName(user) : null;
  const usable = principal !== null && (deps.mayUse ?? mayUseConsole)(principal);
  const matches = await verifySecret(password, usable ? principal.passwordHash : await dummyHash);
  if (!usable || !matches) {
    await deps.limits.failed(user, address);
    const reason = !principal ? 'unknown-user' : !usable ? 'not-allowed' : 'wrong-password';
    deps.log.warn({ event: 'console.login_refused', reason, address }, 'console login refused');
    if (principal)
      await deps.audit({ actor: principal.id, action: 'console.login-refused', target: principal.id, data: { reason, address, step: 'password' } });
    return { kind: 'refused' };
  }
  return { kind: 'ok', principal };
}

/** Checks a TOTP code (once per time step) or a recovery code (once each). */
export async function checkSecondFactor(
  deps: LoginDeps,
  principal: Principal,
  input: string,
  address: string,
): Promise<StepOutcome<{ method: 'totp' | 'recovery-code' }>> {
  const wait = await deps.limits.blockedFor(principal.name, address);
  if (wait !== null) return { kind: 'locked', retryAfterMs: wait };
  const now = deps.clock();
  let method: 'totp' | 'recovery-code' | null = null;
  if (looksLikeRecoveryCode(input)) {
    if (await deps.store.consumeRecoveryCode(principal.id, hashRecoveryCode(deps.keys.recovery, input), now.toISOString())) method = 'recovery-code';
  } else {
    const secret = decryptTotpSecret(deps.keys.totp, principal.id, principal.totpSecret);
    const r = secret ? await checkTotp(secret, input, now) : { ok: false as const };
    if (r.ok && (await deps.store.acceptTotpStep(principal.id, r.step, now.toISOString()))) method = 'totp';
  }
  if (!method) {
    await deps.limits.failed(principal.name, address);
    await deps.audit({
      actor: principal.id,
      action: 'console.login-refused',
      target: principal.id,
      data: { reason: 'wrong-second-factor', address, step: 'second-factor' },
    });
    return { kind: 'refused' };
  }
  if (method === 'recovery-code') {
    const left = (await deps.store.getSecondFactor(principal.id))?.recoveryCodeHashes.length ?? 0;
    await deps.audit({ actor: principal.id, action: 'console.recovery-code-used', target: principal.id, data: { left } });
  }
  return { kind: 'ok', method };
}

/**
 * Completes enrolment: the first code from the new secret proves the authenticator works. The
 * secret is stored encrypted, ten recovery codes are made (returned once, stored hashed).
 */
export async function completeEnrolment(
  deps: LoginDeps,
  principal: Principal,
  secret: string,
  code: string,
  address: string,
): Promise<StepOutcome<{ recoveryCodes: readonly string[] }>> {
  const wait = await deps.limits.blockedFor(principal.name, address);
  if (wait !== null) return { kind: 'locked', retryAfterMs: wait };
  const now = deps.clock();
  const r = await checkTotp(secret, code, now);
  if (!r.ok) {
    await deps.limits.failed(principal.name, address);
    return { kind: 'refused' };
  }
  const codes = newRecoveryCodes();
  await deps.store.updatePrincipal(principal.id, { totpSecret: encryptTotpSecret(deps.keys.totp, principal.id, secret) });
  await deps.store.putSecondFactor({
    principalId: principal.id,
    recoveryCodeHashes: codes.map((c) => hashRecoveryCode(deps.keys.recovery, c)),
    lastTotpStep: r.step,
    updatedAt: now.toISOString(),
  });
  await deps.audit({ actor: principal.id, action: 'console.totp-enrolled', target: principal.id, data: { recoveryCodes: codes.length } });
  return { kind: 'ok', recoveryCodes: codes };
}

export const MIN_PASSWORD_LENGTH = 12;

export type PasswordProblem = 'too-short' | 'mismatch' | 'same-as-old' | 'wrong-current';

/** Sets a new console password; every session of the principal ends (the caller starts a new one). */
export async function changePassword(
  deps: LoginDeps,
  principal: Principal,
  input: { readonly current: string; readonly next: string; readonly confirm: string },
): Promise<{ readonly kind: 'ok' } | { readonly kind: 'invalid'; readonly problem: PasswordProblem }> {
  if (!(await verifySecret(input.current, principal.passwordHash))) return { kind: 'invalid', problem: 'wrong-current' };
  if ([...input.next].length < MIN_PASSWORD_LENGTH) return { kind: 'invalid', problem: 'too-short' };
  if (input.next !== input.confirm) return { kind: 'invalid', problem: 'mismatch' };
  if (input.next === input.current) return { kind: 'invalid', problem: 'same-as-old' };
  await deps.store.updatePrincipal(principal.id, { passwordHash: await hashSecret(input.next), mustChangePassword: false });
  await deps.store.deleteConsoleSessions({ principalId: principal.id });
  await deps.audit({ actor: principal.id, action: 'console.password-changed', target: principal.id, data: { forced: principal.mustChangePassword } });
  return { kind: 'ok' };
}
