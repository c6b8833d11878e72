// The SMTP ingest server: participants forward suspect mail to the drop address over STARTTLS +
// AUTH; a message is answered 250 only once acceptMessage() has stored it durably.
//
// Replies: 530/538 without AUTH or STARTTLS, 535 bad credentials (421 and close once the failure
// limit is reached), 553 sender not allowed, 452 low disk space, 550 recipient not a drop address,
// 452 too many recipients (and 550 at the end of DATA for such a transaction, so nothing is
// stored for it), 552 over-size, 421 too many connections (per address, per /24 or /48, or from
// outside registered networks once only the reserved slots are left), command timeout, DATA
// timeout or too slow a data rate, 451 when the store or
// the vault fails. Identity comes only from AUTH (the principal), never from message headers.
//
// One exception to AUTH: replies to drill notices (`drill+<token>@<drop domain>`, see
// ingest/drill-reply.ts) come from the contacts' own mail servers. Without AUTH, MAIL FROM is
// taken and every recipient but a drill reply address with a known token is refused (530; 550 for
// an unknown token); such a message is small (smtp.maxDrillReplyBytes), never stored, and answered
// 250 once its acknowledgement is durable. Drill replies and reports never share a transaction
// (452 for the recipient that would mix them, so the sender retries it separately).
import type { Logger } from '../core/logger.ts';
import { safeForLog } from '../core/logger.ts';
import type { Config } from '../core/config.ts';
import type { Metrics } from '../core/metrics.ts';
import type { Store } from '../core/store/port.ts';
import type { SubmissionSpool } from '../core/store/sqlite-thread-store.ts';
import type { Envelope, Organisation, Principal } from '../core/types.ts';
import type { Clock, IdGenerator } from '../core/ids.ts';
import { smtpSecretKey, type Secrets, type TlsMaterial } from '../core/secrets.ts';
import type { AuditAppender } from '../core/audit.ts';
import { drillTokenKey, type DrillAckDeps } from '../core/drills.ts';
import type { Vault } from '../quarantine/vault-port.ts';
import { C4Error } from '../core/errors.ts';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { DelayedGreetingSmtpServer } from './smtp-greeting.ts';
import { createSmtpAuthenticator } from './smtp-auth.ts';
import { isDropRecipient, isLoopback, senderAllowed } from './smtp-policy.ts';
import { armDataDeadline, armMinDataRate, cachedFor, freeBytesAt, readMessage } from './smtp-limits.ts';
import { registeredNetworks } from './client-networks.ts';
import { connectionBudget } from './smtp-connection-budget.ts';
import { acceptedText, replyCodeForFailure, smtpError } from './smtp-replies.ts';
import { acceptMessage, type AcceptDeps, type AcceptResult } from './accept.ts';
import {
  admitDrillRecipient,
  DRILL_REPLY_HEAD_BYTES,
  drillRecipient,
  drillReplyAnswer,
  MIXED_TRANSACTION,
  recordDrillReply,
  type Refusal,
} from './drill-reply.ts';
import { canSubmit } from '../core/directory.ts';
import { createGcHint } from '../core/gc-hint.ts';

/** How old the free-space figure checked at MAIL FROM may be. */
const FREE_SPACE_CACHE_MS = 1000;

/**
 * Messages of 1 MiB or more count towards a full garbage collection after their 250
 * (core/gc-hint.ts), one per 8 MiB of them at most (a pause of tens of ms): by then their
 * received chunks and concatenation and the MIME parser's copies are dead and mostly too old for
 * V8's young-generation collections, and V8 would keep them resident until 64 MB had piled up
 * outside its heap. Smaller messages are left to V8.
 */
const LARGE_MESSAGE_GC = { largeBytes: 1024 * 1024, thresholdBytes: 8 * 1024 * 1024 };

export interface SmtpServerDeps {
  readonly config: Pick<Config, 'smtp' | 'exchange' | 'dataDir'>;
  readonly store: Store;
  readonly vault: Vault;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly tls: TlsMaterial;
  /** Audit log, the secret the drill token key derives from (drill replies) and the SMTP secrets' hash key (core/secrets.ts smtpSecretKey). */
  readonly audit: AuditAppender;
  readonly secrets: Pick<Secrets, 'sessionSecret' | 'auditKey' | 'smtpSecretKey'>;
  /** Free bytes where mail is stored; defaults to the smaller of the data directory's and the vault's. */
  readonly freeBytes?: () => Promise<number | null>;
  /** How long close() lets open sessions finish before answering them 421 (default 10 s). */
  readonly closeGraceMs?: number;
  /**
   * Called after the 250 went out (e.g. to mail the receipt). Never delays or undoes the accept;
   * it must handle its own failures.
   */
  readonly onAccepted?: (principal: Principal, result: AcceptResult) => void;
  /**
   * Benchmarks only (bench/ingest.ts): treat every loopback client as this principal without AUTH,
   * because Postfix's smtp-source cannot authenticate. Not reachable from the configuration; the
   * server refuses to start with it on a non-loopback host.
   */
  readonly benchOnlyLoopbackPrincipal?: Principal;
  /** The SQLite store's vault spool (bin/context.ts): blobs commit with the submission, moved to the vault after the 250. */
  readonly spool?: SubmissionSpool | null;
}

export interface RunningSmtpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What the session knows about its authenticated submitter. */
interface SessionUser {
  readonly principalId: string;
  readonly name: string;
}

/** Per-transaction state, keyed by the session's envelope object (smtp-server replaces it on RSET/MAIL). */
interface Transaction {
  /** The authenticated submitter; null without AUTH, when only drill replies are taken. */
  readonly submitter: { readonly principal: Principal; readonly org: Organisation } | null;
  recipientLimitHit: boolean;
  /** Tokens of the drill reply recipients; a transaction holds drill replies or reports, never both. */
  readonly drillTokens: string[];
}

export async function startSmtpServer(deps: SmtpServerDeps): Promise<RunningSmtpServer> {
  const cfg = deps.config.smtp;
  const dropAddress = deps.config.exchange.dropAddress;
  const bench = deps.benchOnlyLoopbackPrincipal;
  if (bench && !isLoopback(cfg.host)) {
    throw new C4Error('CONFIG_INVALID', 'the benchmark principal mode listens on loopback only');
  }
  const log = deps.log.child({ component: 'smtp' });
  // Organisations' registered networks: reserved connection slots and AUTH failure keys.
  const registered = registeredNetworks(() => deps.store.listOrganisations());
  const authenticator = createSmtpAuthenticator(
    deps.store,
    {
      failuresPerAddress: cfg.authFailuresPerAddress,
      failuresPerUser: cfg.authFailuresPerUser,
      failuresPerUserFromElsewhere: cfg.authFailuresPerUserFromElsewhere,
      windowSeconds: cfg.authWindowSeconds,
    },
    registered,
    smtpSecretKey(deps.secrets),
    (principalId, err) =>
      log.warn(
        { event: 'smtp.auth_hash_upgrade_failed', principalId, err: err instanceof Error ? err.message : String(err) },
        'SMTP secret hash left as scrypt; upgraded on a later AUTH',
      ),
  );
  const budget = connectionBudget({
    maxConnections: cfg.maxConnections,
    maxConnectionsPerClient: cfg.maxConnectionsPerClient,
    maxConnectionsPerNetwork: cfg.maxConnectionsPerNetwork,
    reservedConnections: cfg.reservedConnections,
  });
  const acceptDeps: AcceptDeps = { store: deps.store, vault: deps.vault, clock: deps.clock, newId: deps.newId, log, dropAddress, spool: deps.spool };
  const drillDeps: DrillAckDeps = { store: deps.store, audit: deps.audit, clock: deps.clock, tokenKey: drillTokenKey(deps.secrets) };
  const freeBytes = cachedFor(
    FREE_SPACE_CACHE_MS,
    deps.freeBytes ??
      (async () => {
        const [disk, vault] = await Promise.all([freeBytesAt(deps.config.dataDir), deps.vault.freeBytes()]);
        return vault === null ? disk : Math.min(disk, vault);
      }),
  );
  const transactions = new WeakMap<object, Transaction>();
  const inflight = new Set<Promise<unknown>>();
  const acceptedGarbage = createGcHint({
    ...LARGE_MESSAGE_GC,
    collected: (pauseMs) => log.debug({ event: 'smtp.garbage_collected', pauseMs: Math.round(pauseMs) }, 'collected the dead copies of large messages'),
  });

  function refuse(stage: string, code: number, reason: string, message: string, session: SMTPServerSession, extra: object = {}) {
    deps.metrics.smtpRefused.inc({ code: String(code), reason });
    log.info(
      { event: 'smtp.rejected', stage, code, reason, sessionId: session.id, remoteAddress: session.remoteAddress, user: userOf(session)?.name, ...extra },
      message,
    );
    return smtpError(code, message);
  }

  function failed(stage: string, err: unknown, session: SMTPServerSession) {
    const code = replyCodeForFailure(err);
    deps.metrics.smtpRefused.inc({ code: String(code), reason: 'failure' });
    log.error({ event: 'smtp.failed', stage, code, err, sessionId: session.id, user: userOf(session)?.name }, 'could not process; sender asked to retry');
    return smtpError(code, code === 451 ? 'Temporary failure storing the message, try again later' : 'Message refused');
  }

  const server: DelayedGreetingSmtpServer = new DelayedGreetingSmtpServer({
    name: deps.config.exchange.hostname,
    banner: 'C4TAP submission service',
    greetingDelayMs: cfg.greetingDelayMs,
    commandDeadline: {
      ms: cfg.commandTimeoutMs,
      onExpired: (session) => void refuse('command', 421, 'command-timeout', 'Command timeout', session),
    },
    key: deps.tls.key,
    cert: deps.tls.cert,
    minVersion: 'TLSv1.2',
    authMethods: ['PLAIN', 'LOGIN'],
    // Whether plaintext AUTH is allowed for this client is decided in onAuth (loopback only).
    allowInsecureAuth: cfg.allowInsecureAuthOnLoopback,
    // AUTH is required by the handlers below, recipient by recipient: drill replies need none.
    authOptional: true,
    size: cfg.maxMessageBytes,
    maxClients: cfg.maxConnections,
    socketTimeout: cfg.idleTimeoutMs,
    closeTimeout: deps.closeGraceMs ?? 10_000,
    disableReverseLookup: true,
    logger: false,

    onConnect(session, callback) {
      registered
        .orgsOf(session.remoteAddress)
        .catch(() => [] as readonly string[])
        .then((orgs) => {
          const admission = budget.admit(session.id, session.remoteAddress, orgs.length > 0);
          if (admission.kind === 'refused') {
            return callback(
              refuse('connect', 421, admission.reason, 'Too many connections from your network, try again later', session, {
                connections: admission.connections,
              }),
            );
          }
          if (bench && isLoopback(session.remoteAddress)) session.user = { principalId: bench.id, name: bench.name } satisfies SessionUser;
          callback();
        })
        .catch((err: unknown) => callback(failed('connect', err, session)));
    },

    onClose(session) {
      budget.release(session.id);
    },

    onAuth(auth, session, callback) {
      if (!session.secure && !(cfg.allowInsecureAuthOnLoopback && isLoopback(session.remoteAddress))) {
        return callback(refuse('auth', 538, 'starttls-required', 'Must issue a STARTTLS command first', session));
      }
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') {
        return callback(refuse('auth', 504, 'auth-method', 'Unrecognized authentication type', session));
      }
      authenticator
        .authenticate(auth.username ?? '', auth.password ?? '', session.remoteAddress)
        .then((outcome) => {
          const name = safeForLog(auth.username ?? '', 64);
          switch (outcome.kind) {
            case 'ok':
              log.info(
                { event: 'smtp.authenticated', sessionId: session.id, user: outcome.principal.name, principalId: outcome.principal.id },
                'authenticated',
              );
              return callback(null, { user: { principalId: outcome.principal.id, name: outcome.principal.name } satisfies SessionUser });
            case 'refused':
              refuse('auth', 535, outcome.reason, 'Authentication credentials invalid', session, { user: name });
              return callback(null, { message: 'Authentication credentials invalid' });
            case 'rate-limited':
              // 421 closes the connection: no further guesses on it.
              return callback(
                refuse('auth', 421, 'auth-rate-limited', 'Too many failed authentication attempts, try again later', session, {
                  user: name,
                  by: outcome.by,
                  retryAfterMs: outcome.retryAfterMs,
                }),
              );
          }
        })
        .catch((err: unknown) => callback(failed('auth', err, session)));
    },

    onMailFrom(address, session, callback) {
      checkSender(address, session)
        .then((err) => callback(err ?? undefined))
        .catch((err: unknown) => callback(failed('mail', err, session)));
    },

    onRcptTo(address, session, callback) {
      const tx = transactions.get(session.envelope);
      const drill = drillRecipient(address.address, dropAddress);
      if (drill.kind !== 'not-drill' && tx) {
        admitDrillRecipient(drillDeps, drill, { recipients: session.envelope.rcptTo.length, tokens: tx.drillTokens }, cfg.maxRecipients)
          .then((refusal) => callback(refusal ? refused('rcpt', refusal, session) : undefined))
          .catch((err: unknown) => callback(failed('rcpt', err, session)));
        return;
      }
      if (!tx?.submitter) return callback(refuse('rcpt', 530, 'not-authenticated', 'Authentication required', session));
      if (tx.drillTokens.length > 0) return callback(refused('rcpt', MIXED_TRANSACTION, session));
      if (!isDropRecipient(address.address, dropAddress)) {
        return callback(refuse('rcpt', 550, 'not-drop-address', `Mailbox unavailable: send to the drop address ${dropAddress}`, session));
      }
      const known = session.envelope.rcptTo.some((r) => r.address.toLowerCase() === address.address.toLowerCase());
      if (!known && session.envelope.rcptTo.length >= cfg.maxRecipients) {
        if (tx) tx.recipientLimitHit = true;
        return callback(refuse('rcpt', 452, 'too-many-recipients', `Too many recipients (at most ${cfg.maxRecipients})`, session));
      }
      callback();
    },

    onData(stream, session, callback) {
      const work = receive(stream, session).then(
        (reply) => (typeof reply === 'string' ? callback(null, reply) : callback(reply)),
        (err: unknown) => callback(failed('data', err, session)),
      );
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
    },
  });

  async function checkSender(address: SMTPServerAddress, session: SMTPServerSession): Promise<Error | null> {
    const user = userOf(session);
    if (!user) {
      // Only drill replies may follow (checked at RCPT TO); they need a little storage too.
      const free = await freeBytes();
      if (free !== null && free < cfg.minFreeBytes) {
        return refuse('mail', 452, 'insufficient-storage', 'Insufficient system storage, try again later', session, { freeBytes: free });
      }
      transactions.set(session.envelope, { submitter: null, recipientLimitHit: false, drillTokens: [] });
      return null;
    }
    const principal = await deps.store.getPrincipal(user.principalId);
    if (!principal || !canSubmit(principal)) {
      return refuse('mail', 550, 'principal-disabled', 'Submission not allowed for this account', session);
    }
    const org = await deps.store.getOrganisation(principal.orgId);
    if (!org) throw new C4Error('NOT_FOUND', `organisation ${principal.orgId} of principal ${principal.id} is missing`);
    if (!senderAllowed(address.address, principal, org)) {
      return refuse('mail', 553, 'sender-not-allowed', 'Sender address not allowed for this account', session, {
        mailFrom: safeForLog(address.address),
      });
    }
    const free = await freeBytes();
    if (free !== null && free < cfg.minFreeBytes) {
      return refuse('mail', 452, 'insufficient-storage', 'Insufficient system storage, try again later', session, { freeBytes: free });
    }
    transactions.set(session.envelope, { submitter: { principal, org }, recipientLimitHit: false, drillTokens: [] });
    return null;
  }

  function refused(stage: string, r: Refusal, session: SMTPServerSession) {
    return refuse(stage, r.code, r.reason, r.message, session);
  }

  async function receive(stream: Parameters<typeof readMessage>[0], session: SMTPServerSession): Promise<string | Error> {
    let timedOut = false;
    const disarm = armDataDeadline(server, session, cfg.dataTimeoutMs, () => {
      timedOut = true;
      refuse('data', 421, 'data-timeout', 'DATA timeout', session);
    });
    const tx = transactions.get(session.envelope);
    const drillReply = tx !== undefined && tx.drillTokens.length > 0;
    // A report is hashed while it arrives (the vault id and sample digests), not after the end of DATA.
    const limits = drillReply ? { maxBytes: cfg.maxDrillReplyBytes, keepBytes: DRILL_REPLY_HEAD_BYTES } : { hash: true };
    // Armed in the same tick as readMessage, so neither 'data' listener misses a chunk.
    const disarmRate = armMinDataRate(
      server,
      session,
      stream,
      { bytesPerSecond: cfg.minDataRateBytesPerSecond, graceMs: cfg.commandTimeoutMs },
      (bytes, elapsedMs) => {
        timedOut = true;
        refuse('data', 421, 'data-rate', 'Data rate too low', session, { bytes, elapsedMs });
      },
    );
    const outcome = await readMessage(stream, limits).finally(() => {
      disarm();
      disarmRate();
    });
    if (timedOut || outcome.kind === 'aborted') {
      if (!timedOut)
        log.info(
          { event: 'smtp.aborted', sessionId: session.id, reason: outcome.kind === 'aborted' ? outcome.reason : '' },
          'client left during DATA; nothing stored',
        );
      return smtpError(421, 'DATA aborted');
    }
    if (outcome.kind === 'too-large') {
      const max = drillReply ? cfg.maxDrillReplyBytes : cfg.maxMessageBytes;
      return refuse('data', 552, 'message-too-large', `Message exceeds fixed maximum message size ${max}`, session, { bytes: outcome.bytes });
    }
    if (!tx) throw new C4Error('INTERNAL', 'DATA without a checked MAIL FROM');
    if (drillReply) return receiveDrillReply(tx, outcome.raw, session);
    if (!tx.submitter) throw new C4Error('INTERNAL', 'DATA of an unauthenticated transaction without drill recipients');
    const { principal, org } = tx.submitter;
    if (tx.recipientLimitHit) {
      return refuse('data', 550, 'too-many-recipients', `Too many recipients: send one copy to ${dropAddress}`, session);
    }
    const envelope: Envelope = {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
      remoteAddress: session.remoteAddress,
      heloName: session.hostNameAppearsAs || '',
      transport: 'smtp',
    };
    const result = await acceptMessage(acceptDeps, { principal, org, envelope, raw: outcome.raw, rawHashes: outcome.hashes });
    // close() waits for the move of its blobs to the vault too (they are durable either way).
    inflight.add(result.settled);
    void result.settled.finally(() => inflight.delete(result.settled));
    acceptedGarbage.released(outcome.raw.length);
    deps.metrics.smtpAccepted.inc({ transport: 'smtp' });
    log.info(
      {
        event: 'smtp.accepted',
        sessionId: session.id,
        user: principal.name,
        submissions: result.submissions,
        rawSha256: result.rawSha256,
        bytes: outcome.raw.length,
      },
      'accepted',
    );
    // After the reply: the callback answering 250 runs when this promise settles, before setImmediate.
    if (deps.onAccepted) setImmediate(() => deps.onAccepted!(principal, result));
    return acceptedText(result);
  }

  /** Drill replies: the acknowledgements, durably, then 250; the message itself is dropped. */
  async function receiveDrillReply(tx: Transaction, head: Buffer, session: SMTPServerSession): Promise<string | Error> {
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const outcome = await recordDrillReply(drillDeps, { tokens: tx.drillTokens, head, mailFrom, actor: tx.submitter?.principal.id ?? 'system' });
    const answer = drillReplyAnswer(outcome);
    if (typeof answer !== 'string') return refused('data', answer, session);
    const notices = outcome.kind === 'recorded' ? outcome.acks.map((a) => a.notice.id) : [];
    log.info({ event: `smtp.drill_${outcome.kind.replace(/-/g, '_')}`, sessionId: session.id, user: tx.submitter?.principal.name, notices }, answer);
    return answer;
  }

  await new Promise<void>((resolve, reject) => {
    // smtp-server re-emits the listener's error (a busy port) on itself: without a listener there
    // it would crash the process with an unhandled 'error' event instead of rejecting here.
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err: Error) =>
    log.warn({ event: 'smtp.connection_error', err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'connection error'),
  );
  // Blobs a stopped process committed with their submissions but had not moved to the vault yet.
  const recovered = deps.vault.settleAll().then(
    ({ settled, failed }) => {
      if (settled + failed > 0) log.info({ event: 'smtp.spool_recovered', settled, failed }, 'moved spooled blobs to the vault');
    },
    (err: unknown) =>
      log.warn({ event: 'smtp.spool_recovery_failed', err: err instanceof Error ? err.message : String(err) }, 'spooled blobs left in the store'),
  );
  inflight.add(recovered);
  void recovered.finally(() => inflight.delete(recovered));
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  log.info({ event: 'smtp.listening', host: cfg.host, port, greetingDelayMs: cfg.greetingDelayMs, bench: Boolean(bench) }, 'SMTP listening');

  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inflight]);
      log.info({ event: 'smtp.closed' }, 'SMTP closed');
    },
  };
}

function userOf(session: SMTPServerSession): SessionUser | null {
  const u = session.user as SessionUser | undefined | false;
  return u && typeof u === 'object' && typeof u.principalId === 'string' ? u : null;
}
