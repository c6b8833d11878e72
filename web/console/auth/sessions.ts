// Console sessions, kept server-side in the store. The cookie carries 32 random bytes; the store
// keeps only their SHA-256, so reading the database does not give anyone a live session. A
// session ends after console.sessionIdleMinutes without a request, console.sessionAbsoluteHours
// after login, at logout, and when its principal is disabled, loses its console role or changes
// password. Until both factors are checked it lives at most PENDING_MS.
//
// Why server-side rather than a signed cookie: logout and revocation take effect at once in every
// process sharing the store, and idle time is measured on the server, not trusted from the client.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../core/ids.ts';
import type { ConsoleSession, ConsoleSessionStage, ConsoleStore, DirectoryStore } from '../../../core/store/port.ts';
import type { Principal, Role } from '../../../core/types.ts';

export const SESSION_COOKIE = 'c4tap_console';
export const PRELOGIN_COOKIE = 'c4tap_prelogin';
/** The login steps before the session is active must be done within this time. */
export const PENDING_MS = 10 * 60_000;
/** lastSeenAt is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 30_000;

export const CONSOLE_ROLES: readonly Role[] = ['secretariat', 'analyst'];

export function mayUseConsole(p: Pick<Principal, 'status' | 'roles' | 'passwordHash'>): boolean {
  return p.status === 'active' && p.passwordHash !== null && p.roles.some((r) => CONSOLE_ROLES.includes(r));
}

export interface SessionSettings {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

export interface SessionDeps {
  readonly store: DirectoryStore & ConsoleStore;
  readonly clock: Clock;
  readonly settings: SessionSettings;
  /**
   * Which page the sessions belong to (default the console): a session started for one surface is
   * not found by the other, so a participant-page cookie never opens the console.
   */
  readonly surface?: string;
  /** Who may keep a session (default mayUseConsole). */
  readonly mayUse?: (p: Principal) => boolean;
}

const surfaceOf = (deps: Pick<SessionDeps, 'surface'>) => deps.surface ?? 'console';

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export interface StartedSession {
  /** The value for the cookie; shown to nobody else and never stored. */
  readonly id: string;
  readonly session: ConsoleSession;
}

export async function startSession(
  deps: SessionDeps,
  principalId: string,
  stage: ConsoleSessionStage,
  clientAddress: string,
  data: Readonly<Record<string, unknown>> = {},
  createdAt?: string,
): Promise<StartedSession> {
  const id = randomBytes(32).toString('base64url');
  const now = deps.clock().toISOString();
  const session = await deps.store.createConsoleSession({
    idHash: hashSessionId(id),
    principalId,
    stage,
    createdAt: createdAt ?? now,
    lastSeenAt: now,
    clientAddress,
    data: deps.surface ? { ...data, surface: deps.surface } : data,
  });
  return { id, session };
}

/**
 * Moves a session to its next login step under a new id (the old id stops working), so an id
 * seen before a step was completed is worth nothing after it. The login time is kept.
 */
export async function advanceSession(
  deps: SessionDeps,
  oldId: string,
  current: ConsoleSession,
  stage: ConsoleSessionStage,
  data: Readonly<Record<string, unknown>> = {},
): Promise<StartedSession> {
  await deps.store.deleteConsoleSession(hashSessionId(oldId));
  return startSession(deps, current.principalId, stage, current.clientAddress, data, current.createdAt);
}

export type SessionLookup =
  { readonly kind: 'none' } | { readonly kind: 'expired' } | { readonly kind: 'ok'; readonly session: ConsoleSession; readonly principal: Principal };

function expired(s: ConsoleSession, settings: SessionSettings, now: number): boolean {
  const created = Date.parse(s.createdAt);
  const seen = Date.parse(s.lastSeenAt);
  if (s.stage !== 'active') return now - created > PENDING_MS;
  return now - seen > settings.idleMs || now - created > settings.absoluteMs;
}

/** The session named by the cookie, if it is alive and its principal may still use the console. */
export async function lookupSession(deps: SessionDeps, id: string | null): Promise<SessionLookup> {
  if (!id || id.length > 100) return { kind: 'none' };
  const idHash = hashSessionId(id);
  const session = await deps.store.getConsoleSession(idHash);
  if (!session) return { kind: 'none' };
  const now = deps.clock();
  const principal = await deps.store.getPrincipal(session.principalId);
  const sameSurface = ((session.data.surface as string | undefined) ?? 'console') === surfaceOf(deps);
  if (!sameSurface) return { kind: 'none' };
  if (expired(session, deps.settings, now.getTime()) || !principal || !(deps.mayUse ?? mayUseConsole)(principal)) {
    await deps.store.deleteConsoleSession(idHash);
    return { kind: 'expired' };
  }
  if (now.getTime() - Date.parse(session.lastSeenAt) > TOUCH_EVERY_MS) {
    const touched = await deps.store.updateConsoleSession(idHash, { lastSeenAt: now.toISOString() });
    if (!touched) return { kind: 'expired' };
    return { kind: 'ok', session: touched, principal };
  }
  return { kind: 'ok', session, principal };
}

export async function endSession(deps: Pick<SessionDeps, 'store'>, id: string): Promise<void> {
  await deps.store.deleteConsoleSession(hashSessionId(id));
}
