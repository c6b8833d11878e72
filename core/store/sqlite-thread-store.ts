// The SQLite store as the server uses it: writes go to the process's writer thread
// (sqlite-writer-thread.ts, one thread for every store opened in the process, started on the
// first write: starting it loads the table modules, which costs a second) that commits the calls arriving together as one transaction and one fsync (group commit), and
// answers each caller once its batch is durable; reads run on this thread's own connection (WAL:
// readers never wait for the writer, and a read sees every write whose call has resolved).
//
// - Errors come back as C4Errors with their codes (STORE_UNAVAILABLE → SMTP 451,
//   INSUFFICIENT_STORAGE → 452, CONFLICT …), as on a single connection.
// - appendAudit's `make` cannot cross threads: the event is built here on the last event read
//   here, and the thread appends it only if it still follows the true last event (checked in the
//   write transaction); otherwise it is built again on the new last event (optimistic retry).
// - A writer thread that stops (crash, killed) fails its pending calls with STORE_UNAVAILABLE (the
//   sender retries; a retried submission is deduplicated); the next write starts a new one, which
//   reopens the connections of the stores still open.
// - close() lets every call already made finish (the thread drains its queue), then closes both connections.
// - The thread keeps the process alive only while calls are pending.
import { Worker } from 'node:worker_threads';
import { C4Error, isC4Error } from '../errors.ts';
import type { AuditEvent } from '../types.ts';
import type { HeapMemory } from '../memory-usage.ts';
import type { NewJob, NewSubmission, Store, SubmissionSample } from './port.ts';
import { openDatabase, runMethod, type Db, type SqliteStoreOptions, type SyncStore } from './sqlite-db.ts';
import { errorFromData, type FromWriter, type ToWriter, type WriterCall } from './sqlite-writer.ts';
import { sqliteSpool, type SpooledBlob } from './sqlite-spool.ts';

const BOOT_URL = new URL('./sqlite-writer-boot.mjs', import.meta.url);
const THREAD_ENTRY = new URL('./sqlite-writer-thread.ts', import.meta.url).href;

/** Methods that only read: they run on the reader connection (which refuses writes: query_only). */
const READ_METHOD = /^(get|list|find|count|search|latest|marked|lastPublicationSeq$|auditHead$)/;

/** How often appendAudit rebuilds its event after another append took the seq first. */
const AUDIT_ATTEMPTS = 1000;

export interface SqliteWriterControl {
  /** Write transactions run for this store (each one fsync), the calls they carried, and writer thread restarts in the process. */
  stats(): { readonly batches: number; readonly calls: number; readonly restarts: number };
  /** The writer thread's own heap figures; null when no writer thread is running. */
  memory(): Promise<HeapMemory | null>;
  /** Stops the process's writer thread as a crash would (pending calls fail; the next write starts a new one). */
  kill(): Promise<void>;
}

/**
 * The vault spool (sqlite-spool.ts) of this store: sealed blobs committed in the same write
 * transaction as their submission, read back until the vault has them (quarantine/vault.ts).
 */
export interface SubmissionSpool {
  /**
   * createSubmission, with the sealed blobs it refers to written in the same transaction. The
   * blobs' bytes are handed over to the writer thread (transferred, not copied: a sealed message
   * is not held twice): a Uint8Array that is the whole of its ArrayBuffer is empty afterwards.
   */
  createSubmission(sub: NewSubmission, job: NewJob, samples: readonly SubmissionSample[], blobs: readonly SpooledBlob[]): ReturnType<Store['createSubmission']>;
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
  list(): Promise<string[]>;
  remove(sha256: string): Promise<boolean>;
}

export type ThreadedSqliteStore = Store & { readonly writer: SqliteWriterControl; readonly spool: SubmissionSpool };

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** One store's side of the thread: its calls in flight and its counters. */
interface StoreLink {
  readonly id: number;
  readonly file: string;
  readonly options: SqliteStoreOptions;
  readonly pending: Map<number, Pending>;
  /** The thread this store's connection was opened in (reopened in a new thread after a crash). */
  openedIn: Thread | null;
  batches: number;
  calls: number;
  closed: (() => void) | null;
}

/** A message for the thread, with the buffers it hands over (transferred, not copied). */
interface Outgoing {
  readonly msg: ToWriter;
  readonly transfer: readonly ArrayBuffer[];
}

interface Thread {
  readonly worker: Worker;
  /** Messages of this turn, posted together. */
  outbox: Outgoing[];
  /** Calls pending and closes under way: the thread keeps the process alive only while > 0. */
  busy: number;
  exited: Promise<void>;
  failure: Error | null;
  /** Callers of memory() waiting for the thread's answer, in the order asked. */
  readonly memoryAsked: ((usage: HeapMemory | null) => void)[];
}

/**
 * The ArrayBuffers of these views that can be transferred instead of copied: each one once, and
 * only when a view covers the whole of it (never a pool that other Buffers share).
 */
function handedOver(views: readonly Uint8Array[]): ArrayBuffer[] {
  const whole = views.filter((v) => v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength);
  return [...new Set(whole.map((v) => v.buffer as ArrayBuffer))];
}

function unavailable(method: string, why: string): C4Error {
  return new C4Error('STORE_UNAVAILABLE', `${method}: ${why}`, { operation: method });
}

const links = new Map<number, StoreLink>();
let current: Thread | null = null;
let lastStoreId = 0;
let lastCallId = 0;
let spawned = 0;

function busier(t: Thread, delta: number): void {
  t.busy += delta;
  if (t.busy === delta && delta > 0) t.worker.ref();
  else if (t.busy === 0) t.worker.unref();
}

function spawn(): Thread {
  // execArgv []: the boot module registers tsx itself (the parent's loader flags vary).
  const worker = new Worker(BOOT_URL, { execArgv: [], workerData: { entry: THREAD_ENTRY } });
  worker.unref();
  spawned++;
  const t: Thread = { worker, outbox: [], busy: 0, exited: Promise.resolve(), failure: null, memoryAsked: [] };
  t.exited = new Promise((resolve) => {
    worker.on('exit', (code) => {
      if (current === t) current = null;
      for (const answer of t.memoryAsked.splice(0)) answer(null);
      const why = t.failure ? `the SQLite writer thread stopped: ${t.failure.message}` : `the SQLite writer thread stopped (exit code ${code})`;
      for (const link of links.values()) {
        if (link.openedIn !== t) continue;
        link.openedIn = null;
        for (const p of link.pending.values()) p.reject(unavailable(p.method, why));
        link.pending.clear();
        link.closed?.();
      }
      resolve();
    });
  });
  worker.on('error', (err) => {
    t.failure = err;
  });
  worker.on('message', (msg: FromWriter) => {
    if (msg.type === 'memory') {
      t.memoryAsked.shift()?.(msg.usage);
      return;
    }
    const link = links.get(msg.store);
    if (!link) return;
    if (msg.type === 'closed') {
      link.closed?.();
      return;
    }
    link.batches++;
    link.calls += msg.replies.length;
    for (const reply of msg.replies) {
      const p = link.pending.get(reply.id);
      if (!p) continue;
      link.pending.delete(reply.id);
      busier(t, -1);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(errorFromData(reply.error));
    }
  });
  return t;
}

function post(t: Thread): void {
  const outgoing = t.outbox;
  t.outbox = [];
  if (outgoing.length === 0) return;
  try {
    t.worker.postMessage(
      outgoing.map((o) => o.msg),
      [...new Set(outgoing.flatMap((o) => o.transfer))],
    );
  } catch {
    // An argument that cannot be cloned (nothing was transferred): send each message alone so only that call fails.
    for (const { msg, transfer } of outgoing) {
      try {
        t.worker.postMessage([msg], transfer);
      } catch (err) {
        if (msg.type !== 'calls') throw err;
        const link = links.get(msg.store)!;
        for (const call of msg.calls) {
          const p = link.pending.get(call.id);
          if (!p) continue;
          link.pending.delete(call.id);
          busier(t, -1);
          p.reject(new C4Error('INTERNAL', `${call.method}: its arguments cannot be sent to the writer thread: ${(err as Error).message}`));
        }
      }
    }
  }
}

function enqueue(t: Thread, msg: ToWriter, transfer: readonly ArrayBuffer[] = []): void {
  t.outbox.push({ msg, transfer });
  if (t.outbox.length === 1) queueMicrotask(() => post(t));
}

/** The thread with this store's connection open in it (a new thread after a crash). */
function threadFor(link: StoreLink): Thread {
  const t = current ?? (current = spawn());
  if (link.openedIn !== t) {
    link.openedIn = t;
    enqueue(t, { type: 'open', store: link.id, file: link.file, options: link.options });
  }
  return t;
}

/**
 * Opens the database on this thread (migrating it: SCHEMA_TOO_NEW, STORE_CORRUPT and
 * STORE_UNAVAILABLE are thrown here, synchronously) as the reader connection; writes go to the
 * process's writer thread, which opens its own connection to the same file.
 */
export function openThreadedSqliteStore(file: string, opts: SqliteStoreOptions, methodsOf: (db: Db) => SyncStore): ThreadedSqliteStore {
  const reader = openDatabase(file, opts);
  reader.pragma('query_only = ON');
  const readers = methodsOf(reader) as unknown as Record<string, (...args: unknown[]) => unknown>;
  const link: StoreLink = { id: ++lastStoreId, file, options: opts, pending: new Map(), openedIn: null, batches: 0, calls: 0, closed: null };
  links.set(link.id, link);
  let closing: Promise<void> | null = null;

  function write(method: string, args: unknown[], transfer: readonly ArrayBuffer[] = []): Promise<unknown> {
    if (closing) return Promise.reject(unavailable(method, 'the store is closed'));
    const t = threadFor(link);
    const id = ++lastCallId;
    return new Promise((resolve, reject) => {
      link.pending.set(id, { method, resolve, reject });
      busier(t, 1);
      enqueue(t, { type: 'calls', store: link.id, calls: [{ id, method, args } satisfies WriterCall] }, transfer);
    });
  }

  async function read(method: string, args: unknown[], fn: (...args: unknown[]) => unknown = readers[method]!): Promise<unknown> {
    if (closing) throw unavailable(method, 'the store is closed');
    return runMethod(reader, method, fn, args);
  }

  /** The last audit event as committed now (the writer checks that it is still the last one). */
  function lastAudit(): AuditEvent | null {
    const head = readers.auditHead!() as { seq: number } | null;
    if (!head) return null;
    return (readers.listAudit!(head.seq - 1, 1) as AuditEvent[])[0] ?? null;
  }

  async function appendAudit(make: (prev: AuditEvent | null) => AuditEvent): Promise<AuditEvent> {
    for (let attempt = 1; ; attempt++) {
      if (closing) throw unavailable('appendAudit', 'the store is closed');
      const prev = runMethod(reader, 'appendAudit', lastAudit, []) as AuditEvent | null;
      const event = make(prev);
      try {
        return (await write('appendAuditEvent', [event])) as AuditEvent;
      } catch (err) {
        if (!(isC4Error(err, 'CONFLICT') && err.details.auditSeqTaken === true) || attempt >= AUDIT_ATTEMPTS) throw err;
      }
    }
  }

  const methods: Record<string, unknown> = {};
  for (const name of Object.keys(readers)) {
    methods[name] = READ_METHOD.test(name) ? (...args: unknown[]) => read(name, args) : (...args: unknown[]) => write(name, args);
  }

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const t = link.openedIn;
      if (t) {
        // The close follows every call already made: the thread answers them, then closes.
        const closed = new Promise<void>((resolve) => (link.closed = resolve));
        busier(t, 1);
        enqueue(t, { type: 'close', store: link.id });
        await closed;
        busier(t, -1);
      }
      links.delete(link.id);
      if (reader.open) reader.close();
    })();
    return closing;
  };

  const spoolReads = sqliteSpool(reader);
  const spool: SubmissionSpool = {
    createSubmission: (sub, job, samples, blobs) =>
      write('createSubmissionSpooled', [sub, job, samples, blobs], handedOver(blobs.map((b) => b.sealed))) as ReturnType<Store['createSubmission']>,
    get: (sha256) => read('getSpooledBlob', [sha256], () => spoolReads.get(sha256)) as Promise<Buffer | null>,
    has: (sha256) => read('hasSpooledBlob', [sha256], () => spoolReads.has(sha256)) as Promise<boolean>,
    list: () => read('listSpooledBlobs', [], () => spoolReads.list()) as Promise<string[]>,
    remove: (sha256) => write('removeSpooledBlob', [sha256]) as Promise<boolean>,
  };

  const writer: SqliteWriterControl = {
    stats: () => ({ batches: link.batches, calls: link.calls, restarts: Math.max(0, spawned - 1) }),
    memory: () => {
      const t = current;
      if (!t) return Promise.resolve(null);
      return new Promise((resolve) => {
        t.memoryAsked.push(resolve);
        enqueue(t, { type: 'memory' });
      });
    },
    kill: async () => {
      const t = current;
      if (!t) return;
      await t.worker.terminate();
      await t.exited;
    },
  };

  return { ...(methods as unknown as Omit<Store, 'backend' | 'close' | 'appendAudit'>), appendAudit, backend: 'sqlite', close, writer, spool };
}
