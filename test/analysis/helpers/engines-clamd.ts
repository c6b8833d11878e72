// clamd for the AV tests: the shared test clamd that .ci/clamd/start.sh runs (found through
// C4TAP_TEST_CLAMD_* variables or .tmp/clamd.env), private ones started and killed by a test,
// fake clamd peers (TCP on loopback) that misbehave on purpose, and a relay in front of a real
// clamd that counts and drops connections.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Context } from 'mocha';
import { requireTool } from '../../helpers/require-tool.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENV_FILE = `${ROOT}.tmp/clamd.env`;
const START = `${ROOT}.ci/clamd/start.sh`;
const STOP = `${ROOT}.ci/clamd/stop.sh`;

export interface TestClamd {
  readonly socket: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
}

function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function fromEnv(env: Record<string, string | undefined>): TestClamd | null {
  const socket = env.C4TAP_TEST_CLAMD_SOCKET;
  const port = Number(env.C4TAP_TEST_CLAMD_PORT);
  if (!socket || !port) return null;
  return { socket, host: env.C4TAP_TEST_CLAMD_HOST ?? '127.0.0.1', port, pid: Number(env.C4TAP_TEST_CLAMD_PID ?? 0) };
}

/** True when clamd answers PONG at this address within timeoutMs. */
export function pingClamd(target: { socket: string } | { host: string; port: number }, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = 'socket' in target ? net.createConnection(target.socket) : net.createConnection(target.port, target.host);
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      conn.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    conn.on('connect', () => conn.write('zPING\0'));
    conn.on('data', (d) => {
      reply += d.toString('latin1');
      if (reply.includes('PONG')) done(true);
    });
    conn.on('error', () => done(false));
    conn.on('close', () => done(reply.includes('PONG')));
  });
}

/** The shared test clamd, or null when none answers. */
export async function sharedTestClamd(): Promise<TestClamd | null> {
  const clamd = fromEnv(process.env) ?? (existsSync(ENV_FILE) ? fromEnv(parseEnv(readFileSync(ENV_FILE, 'utf8'))) : null);
  if (!clamd) return null;
  return (await pingClamd({ socket: clamd.socket })) && (await pingClamd({ host: clamd.host, port: clamd.port })) ? clamd : null;
}

/**
 * In a `before` hook of a "(needs clamd)" suite: skip with a clear message when `what` is
 * missing, except in CI (process.env.CI set), where a missing clamd fails the run.
 */
export function skipUnlessPresent(ctx: Context, present: boolean, what: string): void {
  requireTool(ctx, present ? null : { why: `${what} is not available`, fix: 'apt-get install clamav-daemon clamav && .ci/clamd/start.sh' });
}

export function clamdInstalled(): boolean {
  return ['/usr/sbin/clamd', '/usr/bin/clamd'].some((p) => existsSync(p));
}

export interface PrivateClamd extends TestClamd {
  kill(): void;
  restart(): Promise<PrivateClamd>;
  stop(): Promise<void>;
}

/** A clamd of our own in `dir`, with the same configuration and test signatures as CI's. */
export async function startPrivateClamd(dir: string, limits: { streamMax?: string; maxScan?: string } = {}): Promise<PrivateClamd> {
  const env = {
    ...process.env,
    CLAMD_DIR: dir,
    CLAMD_ENV_FILE: `${dir}/clamd.env`,
    ...(limits.streamMax ? { CLAMD_STREAM_MAX: limits.streamMax } : {}),
    ...(limits.maxScan ? { CLAMD_MAX_SCAN: limits.maxScan } : {}),
  };
  const { stdout } = await promisify(execFile)('bash', [START], { env, timeout: 60_000 });
  const clamd = fromEnv(parseEnv(stdout));
  if (!clamd) throw new Error(`start.sh printed no clamd address:\n${stdout}`);
  return {
    ...clamd,
    kill: () => {
      try {
        process.kill(clamd.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    restart: () => startPrivateClamd(dir, limits),
    stop: async () => {
      await promisify(execFile)('bash', [STOP, dir], { env, timeout: 30_000 });
    },
  };
}

/** What a fake clamd does once it has read a whole INSTREAM request. */
export type FakeBehaviour =
  | { readonly kind: 'reply'; readonly text: string; /** end the connection after each reply, even in a session */ readonly closeAfterReply?: boolean }
  | { readonly kind: 'silent' }
  | { readonly kind: 'reset-after-bytes'; readonly bytes: number }
  | { readonly kind: 'reset-after-ms'; readonly ms: number }
  /**
   * A StreamMaxLength of `bytes`, and the refusal lost as it is on a loaded machine: a session
   * streaming past it is reset without a reply; a request without a session that declares a chunk
   * past it (the client's size probe) is refused as clamd refuses it.
   */
  | { readonly kind: 'stream-limit-reply-lost'; readonly bytes: number };

export interface FakeClamd {
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** INSTREAM requests read in full so far. */
  requests(): number;
  close(): Promise<void>;
}

/**
 * A TCP peer on loopback that speaks just enough of clamd's protocol (zIDSESSION, zINSTREAM,
 * zEND; "<id>: " reply prefixes inside a session) to misbehave at the chosen moment.
 */
export async function startFakeClamd(behaviour: FakeBehaviour): Promise<FakeClamd> {
  let count = 0;
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    count++;
    sockets.add(conn);
    conn.on('close', () => sockets.delete(conn));
    conn.on('error', () => {});
    let buf = Buffer.alloc(0);
    let received = 0;
    let session = false;
    let ids = 0;
    conn.on('data', (d: Buffer) => {
      received += d.length;
      if (behaviour.kind === 'reset-after-bytes' && received >= behaviour.bytes) {
        conn.resetAndDestroy();
        return;
      }
      buf = Buffer.concat([buf, d]);
      if (behaviour.kind === 'stream-limit-reply-lost' && startsWith(buf, session ? '' : 'zINSTREAM\0')) {
        const firstChunk = session ? null : buf.length >= 14 ? buf.readUInt32BE(10) : null;
        if (!session && firstChunk !== null && firstChunk > behaviour.bytes) {
          conn.end('INSTREAM size limit exceeded. ERROR\0');
          return;
        }
        if (session && received > behaviour.bytes) {
          conn.resetAndDestroy();
          return;
        }
      }
      for (;;) {
        if (startsWith(buf, 'zIDSESSION\0')) {
          session = true;
          buf = buf.subarray('zIDSESSION\0'.length);
        } else if (startsWith(buf, 'zEND\0')) {
          conn.end();
          return;
        } else if (startsWith(buf, 'zINSTREAM\0')) {
          const end = instreamEnd(buf);
          if (end < 0) return;
          buf = buf.subarray(end);
          requests++;
          const prefix = session ? `${++ids}: ` : '';
          if (behaviour.kind === 'reply') {
            if (session && !behaviour.closeAfterReply) conn.write(`${prefix}${behaviour.text}\0`);
            else conn.end(`${prefix}${behaviour.text}\0`);
          } else if (behaviour.kind === 'reset-after-ms') {
            setTimeout(() => conn.resetAndDestroy(), behaviour.ms);
          }
        } else {
          if (buf.length >= 'zIDSESSION\0'.length) conn.end('UNKNOWN COMMAND\0');
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => count,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function startsWith(buf: Buffer, text: string): boolean {
  return buf.length >= text.length && buf.toString('latin1', 0, text.length) === text;
}

/** Offset just after the zero-length terminator of the INSTREAM request at the start of `buf`, or -1 while incomplete. */
function instreamEnd(buf: Buffer): number {
  let at = 'zINSTREAM\0'.length;
  while (at + 4 <= buf.length) {
    const len = buf.readUInt32BE(at);
    if (len === 0) return at + 4;
    at += 4 + len;
  }
  return -1;
}

export interface ClamdRelay {
  readonly port: number;
  /** Connections relayed so far. */
  connections(): number;
  /** Drops every relayed connection now, as clamd does to idle sessions or when it restarts. */
  dropAll(): void;
  close(): Promise<void>;
}

/** A loopback TCP relay to a real clamd that counts connections and can drop them. */
export async function startClamdRelay(target: { readonly host: string; readonly port: number }): Promise<ClamdRelay> {
  let count = 0;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    count++;
    const upstream = net.createConnection(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const dropAll = () => {
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => count,
    dropAll,
    close: () =>
      new Promise((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
