// What the console needs from the composition root, and what each request carries through the
// console's middleware (language, time zone, the signed-in principal, the CSRF token).
import type { Response } from 'express';
import type { AuditAppender } from '../../core/audit.ts';
import type { Config } from '../../core/config.ts';
import type { Clock, IdGenerator } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Mailer } from '../../core/mailer.ts';
import type { SubmissionEventSink } from '../../core/submission-events.ts';
import type { Secrets } from '../../core/secrets.ts';
import type { ConsoleSession, Store } from '../../core/store/port.ts';
import type { Language, Organisation, Principal } from '../../core/types.ts';
import type { Vault } from '../../quarantine/vault-port.ts';
import type { Translate } from './i18n/index.ts';

/** Where the console is mounted; links, the cookie path and static files live under it. */
export const CONSOLE_PATH = '/console';

export interface ConsoleDeps {
  readonly config: Config;
  readonly store: Store;
  readonly vault: Vault;
  readonly audit: AuditAppender;
  readonly auditKey: Buffer;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly log: Logger;
  readonly secrets: Pick<Secrets, 'sessionSecret' | 'totpKey' | 'jwtSecret'>;
  /** The mailer's outbox folder, shown to the secretariat (embedded default). */
  readonly outboxDir?: string;
  /** Outbound mail (drill notices). */
  readonly mailer: Mailer;
  /** Told when an analyst publishes or rejects (submitter notifications). */
  readonly events?: SubmissionEventSink | undefined;
  /** The `c4tap doctor` checks, run for the secretariat's diagnostics page (wired by serve). */
  readonly diagnostics?: (() => Promise<readonly DiagnosticLine[]>) | undefined;
}

/** One doctor check's result, as bin/doctor reports it. */
export interface DiagnosticLine {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  readonly fix?: string | undefined;
}

export interface SignedIn {
  readonly principal: Principal;
  readonly org: Organisation | null;
  readonly session: ConsoleSession;
  /** The cookie's session id (needed to rotate or end the session). */
  readonly sessionId: string;
}

export interface RequestContext {
  readonly lang: Language;
  readonly timeZone: string;
  readonly t: Translate;
  /** CSRF token for forms on this page. */
  readonly csrf: string;
  readonly who: SignedIn | null;
  readonly clientAddress: string;
}

export function requestContext(res: Response): RequestContext {
  const rc = res.locals.c4 as RequestContext | undefined;
  if (!rc) throw new Error('console request context missing');
  return rc;
}

/** The signed-in principal of an active session (routes behind requireActive). */
export function signedIn(res: Response): SignedIn {
  const who = requestContext(res).who;
  if (!who || who.session.stage !== 'active') throw new Error('route needs an active session');
  return who;
}
