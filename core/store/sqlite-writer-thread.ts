// The SQLite writer thread: owns the write connections (one per store opened in the process) and
// the synchronous table modules. The calls that reach it while it is busy (a commit's fsync takes
// milliseconds) are run together as one transaction per store on its next turn: group commit
// (sqlite-writer.ts). The main thread's event loop never waits on a commit.
import { parentPort } from 'node:worker_threads';
import { GENESIS_HASH } from '../audit.ts';
import { C4Error } from '../errors.ts';
import { createGcHint } from '../gc-hint.ts';
import { heapMemory } from '../memory-usage.ts';
import type { AuditEvent } from '../types.ts';
import { openDatabase, type Db } from './sqlite-db.ts';
import { sqliteMethods } from './sqlite-store.ts';
import { sqliteSpool, type SpooledBlob } from './sqlite-spool.ts';
import { errorToData, runBatch, type ErrorData, type FromWriter, type ToWriter, type WriterCall } from './sqlite-writer.ts';

type Method = (...args: unknown[]) => unknown;

interface Connection {
  readonly db: Db | null;
  /** Why the connection could not be opened: every call gets this error. */
  readonly failure: ErrorData | null;
  readonly methods: Readonly<Record<string, Method>>;
  readonly queue: WriterCall[];
}

const port = parentPort!;
const send = (msg: FromWriter): void => port.postMessage(msg);
const connections = new Map<number, Connection>();

/**
 * Calls nobody waits on to answer a client: the removal of a spooled blob once the vault holds it
 * (quarantine/vault.ts settle). Alone, each would be a commit and an fsync of its own, one more per
 * message; held back up to LAZY_MS, they ride in the batch of the next other call (under load, the
 * next message's commit) or, when none comes, commit together. They are still answered only once
 * durable.
 */
const LAZY_METHODS: ReadonlySet<string> = new Set(['removeSpooledBlob']);
const LAZY_MS = 25;

/** The pending flush: on the next turn ('now'), or after LAZY_MS when only lazy calls wait ('later'). */
let scheduled: 'now' | 'later' | null = null;
let lazyTimer: NodeJS.Timeout | null = null;

/**
 * The sealed blobs of createSubmissionSpooled (handed over by the main thread) are dead once
 * committed, but this thread allocates too little else for V8 to collect them: without a hint the
 * blobs of two 10 MB messages stayed resident here (22 MB, bench analysis-hostile). A full
 * collection per 8 MiB of blobs of 1 MiB or more (smaller ones are left to V8) pauses this thread
 * for a few ms (up to about 100 under heavy load), on the turn after the batch's callers have
 * their answers.
 */
const spooledGarbage = createGcHint({ largeBytes: 1024 * 1024, thresholdBytes: 8 * 1024 * 1024 });

function appendAuditEvent(append: (make: (prev: AuditEvent | null) => AuditEvent) => AuditEvent, event: AuditEvent): AuditEvent {
  return append((prev) => {
    if (event.seq !== (prev?.seq ?? 0) + 1 || event.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
      throw new C4Error('CONFLICT', `audit event ${event.seq} was built on an event that is no longer the last`, {
        auditSeqTaken: true,
        lastSeq: prev?.seq ?? 0,
      });
    }
    return event;
  });
}

function open(file: string, options: Parameters<typeof openDatabase>[1]): Connection {
  try {
    const db = openDatabase(file, options);
    const store = sqliteMethods(db);
    const spool = sqliteSpool(db);
    const methods: Record<string, Method> = {
      ...(store as unknown as Record<string, Method>),
      // appendAudit's `make` stays on the calling thread (sqlite-thread-store.ts): it sends the
      // event it built, appended only if it still follows the true last event.
      appendAuditEvent: (event) => appendAuditEvent(store.appendAudit, event as AuditEvent),
      // The vault spool (sqlite-spool.ts): the sealed blobs and the submission that refers to
      // them in one savepoint of the batch, so both are durable with the same commit.
      createSubmissionSpooled: (sub, job, samples, blobs) => {
        const spooled = blobs as readonly SpooledBlob[];
        spool.put(spooled, (sub as { receivedAt: string }).receivedAt);
        for (const b of spooled) spooledGarbage.released(b.sealed.byteLength);
        return (store.createSubmission as Method)(sub, job, samples);
      },
      removeSpooledBlob: (sha256) => spool.remove(sha256 as string),
    };
    return { db, failure: null, methods, queue: [] };
  } catch (err) {
    return { db: null, failure: errorToData(err), methods: {}, queue: [] };
  }
}

function reply(store: number, conn: Connection, calls: readonly WriterCall[]): void {
  const replies = conn.db ? runBatch(conn.db, conn.methods, calls) : calls.map((call) => ({ id: call.id, ok: false as const, error: conn.failure! }));
  try {
    send({ type: 'replies', store, replies });
  } catch {
    // A result that cannot be cloned: answer each call on its own so only that one fails.
    for (const r of replies) {
      try {
        send({ type: 'replies', store, replies: [r] });
      } catch (cloneErr) {
        send({ type: 'replies', store, replies: [{ id: r.id, ok: false, error: errorToData(cloneErr) }] });
      }
    }
  }
}

function flush(): void {
  scheduled = null;
  if (lazyTimer) clearTimeout(lazyTimer);
  lazyTimer = null;
  for (const [store, conn] of connections) {
    if (conn.queue.length > 0) reply(store, conn, conn.queue.splice(0, conn.queue.length));
  }
}

function handle(msg: ToWriter): void {
  if (msg.type === 'memory') {
    send({ type: 'memory', usage: heapMemory() });
  } else if (msg.type === 'open') {
    connections.set(msg.store, open(msg.file, msg.options));
  } else if (msg.type === 'calls') {
    const conn = connections.get(msg.store);
    if (!conn) return; // not sent by sqlite-thread-store.ts: every store is opened before its calls
    conn.queue.push(...msg.calls);
    // setImmediate runs after the messages already delivered in this turn: they join the batch.
    if (!msg.calls.every((c) => LAZY_METHODS.has(c.method))) {
      if (scheduled !== 'now') {
        scheduled = 'now';
        setImmediate(flush);
      }
    } else if (scheduled === null) {
      scheduled = 'later';
      lazyTimer = setTimeout(flush, LAZY_MS);
    }
  } else {
    // Messages arrive in order, so every call sent before the close is in the queue.
    const conn = connections.get(msg.store);
    connections.delete(msg.store);
    if (conn) {
      if (conn.queue.length > 0) reply(msg.store, conn, conn.queue.splice(0, conn.queue.length));
      if (conn.db?.open) conn.db.close();
    }
    send({ type: 'closed', store: msg.store });
  }
}

port.on('message', (msgs: readonly ToWriter[]) => {
  for (const msg of msgs) handle(msg);
});
