// Resource limits of the SMTP server that smtp-server does not enforce by itself: a total deadline
// and a minimum rate for DATA, free disk space, and the message size on the stream. (Connections
// per address and network: smtp-connection-budget.ts; the per-command deadline: smtp-greeting.ts.)
import { statfs } from 'node:fs/promises';
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { createMultiHasher, type FileHashes } from '../quarantine/hashes.ts';

/** Free bytes for unprivileged writers on the file system holding `dir`. */
export async function freeBytesAt(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * The value of `read`, re-read at most every `ms` (concurrent callers share one read). Free disk
 * space is checked at every MAIL FROM; a second-old figure is as good and saves two statfs calls.
 */
export function cachedFor<T>(ms: number, read: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let value: Promise<T> | null = null;
  let readAt = 0;
  return () => {
    if (!value || now() - readAt >= ms) {
      readAt = now();
      const current = read();
      value = current;
      // A failed read is not kept: the next call tries again.
      current.catch(() => {
        if (value === current) value = null;
      });
    }
    return value;
  };
}

/**
 * Arms the total DATA deadline for one transaction: when it passes, the client gets 421 and the
 * connection is closed, which destroys the data stream (nothing is stored). The idle timeout alone
 * would let a client that trickles one byte at a time hold the transaction open for ever.
 * Returns the function that disarms it.
 */
export function armDataDeadline(server: SMTPServer, session: SMTPServerSession, ms: number, onExpired: () => void): () => void {
  const timer = setTimeout(() => {
    onExpired();
    closeSession(server, session, 'DATA timeout, closing connection');
  }, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/** Answers 421 and closes the connection of this session (destroying a DATA stream in progress). */
export function closeSession(server: SMTPServer, session: SMTPServerSession, text: string): void {
  for (const c of server.connections) {
    if (c.session === session) {
      c.send(421, text);
      c.close();
    }
  }
}

/**
 * The minimum data rate of DATA (Postfix's smtpd_min_data_rate): after `graceMs`, the message
 * must have arrived at `bytesPerSecond` on average, checked every `checkMs`; a slower client gets
 * 421 and the connection is closed. The total DATA deadline still applies on top. 0 disables it.
 * Returns the function that disarms it.
 */
export function armMinDataRate(
  server: SMTPServer,
  session: SMTPServerSession,
  stream: SMTPServerDataStream,
  limits: { readonly bytesPerSecond: number; readonly graceMs: number; readonly checkMs?: number },
  onSlow: (bytes: number, elapsedMs: number) => void,
): () => void {
  if (limits.bytesPerSecond <= 0) return () => undefined;
  const started = performance.now();
  let bytes = 0;
  const count = (chunk: Buffer) => void (bytes += chunk.length);
  stream.on('data', count);
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    if (elapsed > limits.graceMs + (bytes * 1000) / limits.bytesPerSecond) {
      disarm();
      onSlow(bytes, Math.round(elapsed));
      closeSession(server, session, 'Data rate too low, closing connection');
    }
  }, limits.checkMs ?? 1000);
  timer.unref();
  function disarm() {
    clearInterval(timer);
    stream.off('data', count);
  }
  return disarm;
}

export type ReadOutcome =
  | { readonly kind: 'complete'; readonly raw: Buffer; readonly hashes: FileHashes | null }
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'aborted'; readonly reason: string };

export interface ReadLimits {
  /** A smaller limit than the server's SIZE for this transaction (drill replies). */
  readonly maxBytes?: number;
  /** Keep only the first bytes of the message (the rest is read and dropped). */
  readonly keepBytes?: number;
  /**
   * Hash the message (SHA-256, SHA-1, MD5) chunk by chunk while it arrives, so the accept does not
   * hash it again between the end of DATA and the reply. Not with keepBytes (a cut message).
   */
  readonly hash?: boolean;
}

/**
 * Reads the message from the DATA stream, holding at most `maxBytes`: once smtp-server marks the
 * stream sizeExceeded (or the transaction's own `limits.maxBytes` is passed) the rest is drained
 * and dropped, and the outcome is `too-large` (the caller answers 552). smtp-server only
 * advertises SIZE; this is where it is enforced. With `limits.keepBytes`, the outcome holds only
 * the message's first bytes; with `limits.hash`, its hashes (else null). Resolves once: at the end
 * of the stream, or `aborted` when the connection went away mid-message.
 */
export function readMessage(stream: SMTPServerDataStream, limits: ReadLimits = {}): Promise<ReadOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const keep = limits.keepBytes ?? Infinity;
    const hasher = limits.hash && limits.keepBytes === undefined ? createMultiHasher() : null;
    let bytes = 0;
    let seen = 0;
    let settled = false;
    const tooLarge = () => stream.sizeExceeded || (limits.maxBytes !== undefined && seen > limits.maxBytes);
    const settle = (outcome: ReadOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (tooLarge()) {
        chunks.length = 0;
        return;
      }
      if (bytes >= keep) return;
      const kept = bytes + chunk.length > keep ? chunk.subarray(0, keep - bytes) : chunk;
      chunks.push(kept);
      hasher?.update(kept);
      bytes += kept.length;
    });
    stream.once('end', () =>
      settle(
        tooLarge()
          ? { kind: 'too-large', bytes: Math.max(stream.byteLength, seen) }
          : { kind: 'complete', raw: Buffer.concat(chunks, bytes), hashes: hasher?.digest() ?? null },
      ),
    );
    stream.once('error', (err: Error) => settle({ kind: 'aborted', reason: err.message }));
    stream.once('close', () => settle({ kind: 'aborted', reason: 'connection closed during DATA' }));
  });
}
