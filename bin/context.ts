// The composition root: chooses the adapters from the config and wires the shared services.
// Everything a command or a server role needs is built here and passed down explicitly.
import path from 'node:path';
import type { Config } from '../core/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { ensureDataDir, loadOrCreateSecrets, type Secrets } from '../core/secrets.ts';
import type { Store } from '../core/store/port.ts';
import { openSqliteStore } from '../core/store/sqlite-store.ts';
import type { SubmissionSpool } from '../core/store/sqlite-thread-store.ts';
import type { MongoConnectOptions } from '../core/store/mongo-store.ts';
import { createAuditAppender, type AuditAppender } from '../core/audit.ts';
import { newId, systemClock, type Clock, type IdGenerator } from '../core/ids.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import type { HeapMemory } from '../core/memory-usage.ts';
import type { SealedBlobBackend, SealedBlobSpool, Vault } from '../quarantine/vault-port.ts';
import { createVault, keyringFromSecrets } from '../quarantine/vault.ts';
import { createFsBackend } from '../quarantine/fs-backend.ts';
import { watchKeyring } from '../quarantine/keyring-watch.ts';
import type { TokenSettings } from '../core/tokens.ts';
import { createMailer, type Mailer } from '../core/mailer.ts';
import { mailerSettings } from '../core/mail/settings.ts';
import type { SubmissionEventSink } from '../core/submission-events.ts';
import { loadChannelPolicy } from '../sharing/digests/channels.ts';
import { createSubmitterNotifier } from '../sharing/notifications/index.ts';

export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly secrets: Secrets;
  /** True when this start created the data directory's secrets (first start). */
  readonly firstStart: boolean;
  readonly store: Store;
  readonly vault: Vault;
  /** Where the vault's sealed blobs live (filesystem, or GridFS with the MongoDB store). */
  readonly vaultBackend: SealedBlobBackend;
  /** The SQLite store's vault spool (ingest commits a message's blobs with its submission); null on MongoDB. */
  readonly spool: SubmissionSpool | null;
  readonly audit: AuditAppender;
  readonly auditKey: Buffer;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly metrics: Metrics;
  readonly tokenSettings: TokenSettings;
  /** Outbound mail: the configured relay, or the outbox in the data directory. */
  readonly mailer: Mailer;
  /**
   * Submission events (analysis finished, published, rejected) → mail to the submitter
   * (sharing/notifications); undefined when mail.submitterNotifications is off.
   */
  readonly events?: SubmissionEventSink | undefined;
  /** Queues again the notices a stopped process left pending or that failed (worker role, at start). */
  readonly resumeNotices?: (() => Promise<number>) | undefined;
  close(): Promise<void>;
}

export interface ContextOptions {
  readonly log?: Logger;
  readonly clock?: Clock;
  /** Skip process-level default metrics (CLI one-shot commands). */
  readonly defaultMetrics?: boolean;
  /**
   * Long-running processes (serve, worker): re-read the vault keys when secrets.json changes or on
   * SIGHUP, so a `c4tap keys rotate` in another process needs no restart.
   */
  readonly watchVaultKeys?: boolean;
}

export function outboxDir(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'c4tap.db');
}

export function vaultRoot(dataDir: string): string {
  return path.join(dataDir, 'vault');
}

/** A vault under the keys of `secrets` (read now); with the store's spool, spooled blobs are found and can be settled. */
export function openVault(backend: SealedBlobBackend, secrets: Secrets, spool: SealedBlobSpool | null = null): Vault {
  return createVault(backend, keyringFromSecrets(secrets), spool);
}

export function mongoOptions(config: Config): MongoConnectOptions {
  return { uri: config.store.mongodbUri ?? '', writeConcern: config.store.writeConcern, journal: config.store.journal };
}

interface Backends {
  readonly store: Store;
  readonly vaultBackend: SealedBlobBackend;
  /** SQLite: sealed blobs committed with their submission before the vault has them. */
  readonly spool: SubmissionSpool | null;
  /** Heap figures of the threads the store runs in this process (SQLite: its writer thread). */
  threadMemory(): Promise<Readonly<Record<string, HeapMemory | null>>>;
  close(): Promise<void>;
}

/**
 * The store and the vault's backend the config selects: SQLite and the filesystem under the data
 * directory, or MongoDB and GridFS sharing one connection (store.backend=mongodb or MONGODB_URI).
 */
async function openBackends(config: Config): Promise<Backends> {
  switch (config.store.backend) {
    case 'sqlite': {
      const store = openSqliteStore(sqliteFile(config.dataDir));
      return {
        store,
        vaultBackend: createFsBackend(vaultRoot(config.dataDir)),
        spool: store.spool,
        threadMemory: async () => ({ 'sqlite-writer': await store.writer.memory() }),
        close: () => store.close(),
      };
    }
    case 'mongodb': {
      // Loaded only here: the embedded set-up and one-shot commands never load the MongoDB driver.
      const { connectMongo, openMongoStore } = await import('../core/store/mongo-store.ts');
      const { createGridFsBackend } = await import('../quarantine/gridfs-backend.ts');
      const conn = await connectMongo(mongoOptions(config));
      try {
        const store = await openMongoStore(conn);
        const vaultBackend = await createGridFsBackend(conn.db);
        return {
          store,
          vaultBackend,
          spool: null,
          threadMemory: async () => ({}),
          close: async () => {
            await store.close();
            await conn.close();
          },
        };
      } catch (err) {
        await conn.close();
        throw err;
      }
    }
  }
}

export async function openContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.log ?? createLogger({ level: config.log.level });
  const clock = options.clock ?? systemClock;
  ensureDataDir(config.dataDir);
  const { secrets, created } = loadOrCreateSecrets(config.dataDir, clock());
  // Read before the store opens: a bad S/MIME or relay CA file, or a bad channel policy, fails the
  // start with nothing to close.
  const mail = mailerSettings(config.mail, outboxDir(config.dataDir), clock);
  const channels = config.mail.submitterNotifications ? loadChannelPolicy(config.policiesDir) : null;
  const backends = await openBackends(config);
  const { store, vaultBackend, spool } = backends;
  const keyring = options.watchVaultKeys ? watchKeyring(config.dataDir, secrets, { log }) : null;
  const vault = createVault(vaultBackend, keyring ?? keyringFromSecrets(secrets), spool);
  const auditKey = Buffer.from(secrets.auditKey, 'base64');
  const metrics = createMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    threadMemory: backends.threadMemory,
    queueDepth: async () => ({
      pending: await store.countJobs('pending'),
      running: await store.countJobs('running'),
      failed: await store.countJobs('failed'),
    }),
  });
  const mailer = createMailer(mail);
  const notifier = channels ? createSubmitterNotifier({ store, mailer, log, clock, baseUrl: config.exchange.baseUrl, channels }) : null;
  return {
    config,
    log,
    secrets,
    firstStart: created,
    store,
    vault,
    vaultBackend,
    spool,
    audit: createAuditAppender(store, clock, auditKey),
    auditKey,
    clock,
    newId,
    metrics,
    tokenSettings: { ...config.jwt, secret: secrets.jwtSecret },
    mailer,
    events: notifier?.sink,
    resumeNotices: notifier?.resumePending,
    close: async () => {
      // Notices already handed in go out first (a slow relay delays the stop by at most 10 s).
      await notifier?.idle(10_000);
      keyring?.close();
      await backends.close();
    },
  };
}
