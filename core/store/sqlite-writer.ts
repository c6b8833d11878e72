// Group commit for the SQLite writer thread (sqlite-writer-thread.ts): the calls that arrived
// together run as ONE write transaction (BEGIN IMMEDIATE … COMMIT, one fsync with
// synchronous=FULL), each inside its own savepoint, so a failing call rolls back only itself and
// gets its own error. Replies are made only after the COMMIT returned: a caller hears "done" only
// once its write is durable. Errors cross the thread as data and become C4Errors again.
import { C4Error, type ErrorCode } from '../errors.ts';
import type { HeapMemory } from '../memory-usage.ts';
import { toStoreError, type Db, type SqliteStoreOptions } from './sqlite-db.ts';

/** A store method call sent to the writer thread. */
export interface WriterCall {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** An error as plain data (structured-clone safe). */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  /** Set for a C4Error. */
  readonly code?: ErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly stack?: string;
  /** The cause's name, message and code (a SqliteError's SQLITE_… code). */
  readonly cause?: { readonly name: string; readonly message: string; readonly code?: string };
}

export type WriterReply =
  { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: ErrorData };

/** Messages to the writer thread (posted in arrays, handled in order). `store` names one connection. */
export type ToWriter =
  | { readonly type: 'open'; readonly store: number; readonly file: string; readonly options: SqliteStoreOptions }
  | { readonly type: 'calls'; readonly store: number; readonly calls: readonly WriterCall[] }
  | { readonly type: 'close'; readonly store: number }
  /** The thread's own heap figures (answered with a 'memory' message). */
  | { readonly type: 'memory' };

export type FromWriter =
  | { readonly type: 'replies'; readonly store: number; readonly replies: readonly WriterReply[] }
  | { readonly type: 'closed'; readonly store: number }
  | { readonly type: 'memory'; readonly usage: HeapMemory };

function causeToData(cause: unknown): ErrorData['cause'] {
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as { code?: unknown }).code;
  return { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) };
}

export function errorToData(err: unknown): ErrorData {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const base = { name: err.name, message: err.message, stack: err.stack, cause: causeToData(err.cause) };
  return err instanceof C4Error ? { ...base, code: err.code, details: err.details } : base;
}

/** The error again on the calling side: a C4Error keeps its code and details (toStoreError's mapping holds). */
export function errorFromData(data: ErrorData): Error {
  let cause: Error | undefined;
  if (data.cause) {
    cause = Object.assign(new Error(data.cause.message), data.cause.code ? { code: data.cause.code } : {});
    cause.name = data.cause.name;
  }
  const options = cause ? { cause } : undefined;
  const err = data.code ? new C4Error(data.code, data.message, { ...data.details }, options) : new Error(data.message, options);
  if (!data.code) err.name = data.name;
  if (data.stack) err.stack = data.stack;
  return err;
}

/** The transaction ended under a call (SQLite rolls the whole transaction back on some I/O and full-disk errors). */
class BatchAborted extends Error {}

type Method = (...args: unknown[]) => unknown;

/**
 * Runs the calls as one transaction with one savepoint per call and returns one reply per call,
 * in order. When BEGIN or COMMIT fails (lock held by another process past the busy timeout, disk
 * full, I/O error), or a call's error ended the transaction, every call of the batch gets that
 * error: none of them is durable.
 */
export function runBatch(db: Db, methods: Readonly<Record<string, Method>>, calls: readonly WriterCall[]): WriterReply[] {
  const outcomes: WriterReply[] = [];
  try {
    db.transaction(() => {
      for (const call of calls) {
        const fn = methods[call.method];
        if (typeof fn !== 'function') {
          outcomes.push({ id: call.id, ok: false, error: errorToData(new C4Error('INTERNAL', `${call.method}: no such store method`)) });
          continue;
        }
        try {
          // Nested in the batch's transaction, better-sqlite3 runs this as SAVEPOINT … RELEASE and
          // rolls back to the savepoint when fn throws.
          const value = db.transaction(() => fn(...call.args))();
          outcomes.push({ id: call.id, ok: true, value });
        } catch (err) {
          if (!db.inTransaction) throw new BatchAborted(call.method, { cause: err });
          outcomes.push({ id: call.id, ok: false, error: errorToData(toStoreError(err, call.method)) });
        }
      }
    }).immediate();
  } catch (err) {
    const cause = err instanceof BatchAborted ? err.cause : err;
    const operation = err instanceof BatchAborted ? err.message : 'commit';
    const mapped = toStoreError(cause, operation);
    const error = errorToData(
      mapped instanceof C4Error ? mapped : new C4Error('STORE_UNAVAILABLE', `${operation}: ${String((mapped as Error)?.message ?? mapped)}`, { operation }),
    );
    return calls.map((call) => ({ id: call.id, ok: false, error }));
  }
  return outcomes;
}
