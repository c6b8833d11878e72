// Kept-open clamd connections: each one a clamd session (zIDSESSION … zEND) carrying one INSTREAM
// at a time, and a small set of idle sessions reused by the next scans. Opening a connection per
// file (what the `clamscan` package does) costs a connect, clamd's accept and thread hand-off,
// and a close for every file: the larger share of the client's time on small attachments.
//
// Protocol (clamd(8)): "zIDSESSION\0" once; then per file "zINSTREAM\0", chunks each prefixed
// with their length as 4 bytes big-endian, a zero-length chunk to end; the reply is
// "<id>: <text>\0", ids counting the session's commands from 1. "zEND\0" ends the session.
//
// - clamd may end a session at any time (IdleTimeout, after an ERROR reply such as "INSTREAM size
//   limit exceeded", on restart): a session that closed is never reused, and the caller retries
//   once on a fresh connection when a reused one failed before its reply (clamav.ts).
// - A reply with another id than the request's, or a reply nobody asked for, is a protocol
//   error: the session is destroyed, never trusted again.
// - Idle sessions do not keep the process alive (unref'd), and are closed after IDLE_MS, well
//   before clamd's own IdleTimeout (30 s by default) would close them under our feet.
import net from 'node:net';
import { C4Error } from '../../core/errors.ts';

export type ClamdTarget = { readonly socket: string } | { readonly host: string; readonly port: number };

/** INSTREAM chunk size. */
const CHUNK = 64 * 1024;
/** Idle sessions kept open per scanner; more scans at once use connections closed after use. */
const MAX_IDLE = 4;
/** An idle session is closed after this long. */
const IDLE_MS = 10_000;

export interface ClamdSession {
  /** True once clamd answered a scan on it: a later failure may just mean clamd dropped it meanwhile. */
  readonly reused: boolean;
  readonly alive: boolean;
  /** clamd's reply to one INSTREAM of `content`, without the id prefix; rejects with CLAMAV_UNAVAILABLE on transport failure. */
  instream(content: Buffer): Promise<string>;
  /** Ends the session politely (zEND). */
  close(): void;
  /** Drops the connection at once (deadline passed, protocol error). */
  destroy(): void;
  /** ref/unref the connection: idle sessions must not keep the process alive. */
  hold(busy: boolean): void;
}

export function openSession(target: ClamdTarget): ClamdSession {
  const conn = 'socket' in target ? net.createConnection(target.socket) : net.createConnection(target.port, target.host);
  conn.setNoDelay(true);
  conn.write('zIDSESSION\0');
  let alive = true;
  let uses = 0;
  let answered = 0;
  let failure: Error | null = null;
  let pending: { readonly id: number; readonly resolve: (reply: string) => void; readonly reject: (err: Error) => void } | null = null;
  let received = '';

  const fail = (message: string): void => {
    alive = false;
    const p = pending;
    pending = null;
    p?.reject(new C4Error('CLAMAV_UNAVAILABLE', message));
  };
  conn.on('error', (err) => {
    failure ??= err;
  });
  conn.on('close', () => fail(failure?.message ?? 'clamd closed the connection before replying'));
  conn.on('data', (data: Buffer) => {
    received += data.toString('latin1');
    for (let end = received.indexOf('\0'); end >= 0; end = received.indexOf('\0')) {
      const line = received.slice(0, end);
      received = received.slice(end + 1);
      const p = pending;
      const prefix = p ? `${p.id}: ` : null;
      if (!p || !line.startsWith(prefix!)) {
        fail(`unexpected reply from clamd: ${JSON.stringify(line.slice(0, 80))}`);
        conn.destroy();
        return;
      }
      pending = null;
      answered++;
      p.resolve(line.slice(prefix!.length));
    }
  });

  return {
    get reused() {
      return answered > 0;
    },
    get alive() {
      return alive && !conn.destroyed;
    },
    instream(content) {
      if (!alive || conn.destroyed) return Promise.reject(new C4Error('CLAMAV_UNAVAILABLE', failure?.message ?? 'clamd session is closed'));
      if (pending) return Promise.reject(new Error('clamd session already has a scan in flight'));
      uses++;
      return new Promise<string>((resolve, reject) => {
        pending = { id: uses, resolve, reject };
        writeInstream(conn, content);
      });
    },
    close() {
      alive = false;
      if (!conn.destroyed) conn.end('zEND\0');
    },
    destroy() {
      alive = false;
      conn.destroy();
    },
    hold(busy) {
      if (busy) conn.ref();
      else conn.unref();
    },
  };
}

/** One INSTREAM request, written as one batch (cork): command, length-prefixed chunks, terminator. */
function writeInstream(conn: net.Socket, content: Buffer): void {
  const count = Math.ceil(content.length / CHUNK);
  const lengths = Buffer.alloc(4 * (count + 1));
  conn.cork();
  conn.write('zINSTREAM\0');
  for (let i = 0; i < count; i++) {
    const chunk = content.subarray(i * CHUNK, (i + 1) * CHUNK);
    lengths.writeUInt32BE(chunk.length, 4 * i);
    conn.write(lengths.subarray(4 * i, 4 * i + 4));
    conn.write(chunk);
  }
  conn.write(lengths.subarray(4 * count));
  conn.uncork();
}

/** How long the size probe waits for clamd's refusal before saying it has none. */
const PROBE_MS = 1000;

/**
 * Whether clamd refuses a stream of `length` bytes, asked on a connection of its own: clamd checks
 * each chunk's declared length against StreamMaxLength before reading the chunk, so a lone length
 * header is answered "INSTREAM size limit exceeded" at once when it is over. Resolves to that reply,
 * or null when clamd does not refuse (it waits for data that never comes) or cannot be reached.
 * Used after a stream failed mid-way: clamd closes over its limit while the client still writes,
 * and the reset can reach the client before the refusal is read.
 */
export function probeStreamLimit(target: ClamdTarget, length: number): Promise<string | null> {
  return new Promise((resolve) => {
    const conn = 'socket' in target ? net.createConnection(target.socket) : net.createConnection(target.port, target.host);
    let received = '';
    const done = (reply: string | null): void => {
      clearTimeout(timer);
      conn.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => done(null), PROBE_MS);
    conn.on('error', () => done(null));
    conn.on('close', () => done(null));
    conn.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      const end = received.indexOf('\0');
      if (end >= 0) done(/size limit exceeded/i.test(received.slice(0, end)) ? received.slice(0, end) : null);
    });
    const header = Buffer.alloc(4);
    header.writeUInt32BE(Math.min(length, 0xffffffff));
    conn.write(Buffer.concat([Buffer.from('zINSTREAM\0'), header]));
  });
}

export interface SessionPool {
  /** An idle session, or a new one. */
  acquire(): ClamdSession;
  /** Back to the idle set after a verdict (or closed when the set is full or the pool closed). */
  release(session: ClamdSession): void;
  /** Closes the idle sessions; sessions in use are closed when released, later ones after use. */
  close(): void;
}

export function createSessionPool(target: ClamdTarget): SessionPool {
  const idle: { session: ClamdSession; timer: NodeJS.Timeout }[] = [];
  let closed = false;
  return {
    acquire() {
      for (let entry = idle.pop(); entry; entry = idle.pop()) {
        clearTimeout(entry.timer);
        if (entry.session.alive) {
          entry.session.hold(true);
          return entry.session;
        }
      }
      return openSession(target);
    },
    release(session) {
      if (!session.alive) return;
      if (closed || idle.length >= MAX_IDLE) {
        session.close();
        return;
      }
      session.hold(false);
      const timer = setTimeout(() => {
        const at = idle.findIndex((e) => e.session === session);
        if (at >= 0) idle.splice(at, 1);
        session.close();
      }, IDLE_MS);
      timer.unref();
      idle.push({ session, timer });
    },
    close() {
      closed = true;
      for (const { session, timer } of idle.splice(0)) {
        clearTimeout(timer);
        session.close();
      }
    },
  };
}
