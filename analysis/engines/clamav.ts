// ClamAV client: clamd over INSTREAM (unix socket or TCP from config), on kept-open clamd
// sessions (clamd-session.ts). Outcomes are infected(name), clean, or not-scanned(reason,
// transient, code): never clean when the scan did not happen.
//
// - No clamd configured (neither socket nor host): createAvScanner returns null and the system
//   says "AV not configured".
// - Empty input is never sent (an empty file has nothing to scan; the `clamscan` package this
//   client replaced failed intermittently with EPIPE/ECONNRESET on them): not-scanned, not
//   transient, so the job is not retried for it.
// - Input over clamd.maxStreamBytes (set below clamd's StreamMaxLength) is not sent; if clamd
//   still refuses the stream as too large: not-scanned, not transient, CLAMAV_STREAM_TOO_LARGE —
//   also when the refusal was lost to the reset of the closing connection (asked again with the
//   length alone, probeStreamLimit).
// - Any transport error, an unexpected reply or the deadline: not-scanned, transient,
//   CLAMAV_UNAVAILABLE, so the caller retries the job. A kept-open session that fails before its
//   reply (clamd dropped it while idle) is retried once on a fresh connection first.
// - One absolute deadline (clamd.timeoutMs) covers connect, stream and verdict; the scan
//   resolves exactly once (deadline.ts), and at the deadline its connection is dropped.
import type { Config } from '../../core/config.ts';
import { isC4Error } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { AvOutcome, AvScanner } from '../types.ts';
import { settleWithin } from './deadline.ts';
import { avOutcomeFromClamd, isVerdict } from './clamd-reply.ts';
import { createSessionPool, probeStreamLimit, type ClamdSession, type ClamdTarget } from './clamd-session.ts';

export const CLAMD_DEFAULT_PORT = 3310;

/** The session a scan is using, so its deadline can drop it. */
interface InUse {
  session: ClamdSession | null;
  gaveUp: boolean;
}

export function createAvScanner(cfg: Config['clamd'], log: Logger): AvScanner | null {
  if (!cfg.socket && !cfg.host) return null;
  const target: ClamdTarget = cfg.socket ? { socket: cfg.socket } : { host: cfg.host!, port: cfg.port ?? CLAMD_DEFAULT_PORT };
  const where = 'socket' in target ? target.socket : `${target.host}:${target.port}`;
  const sessions = createSessionPool(target);

  /** clamd's reply on an idle or new session; once more on a new one if an idle one had been dropped. */
  async function instream(content: Buffer, inUse: InUse): Promise<string> {
    for (;;) {
      const session = sessions.acquire();
      inUse.session = session;
      try {
        const reply = await session.instream(content);
        if (isVerdict(reply)) sessions.release(session);
        else session.destroy(); // clamd ends a session after an ERROR reply
        return reply;
      } catch (err) {
        session.destroy();
        if (inUse.gaveUp) throw err;
        if (!session.reused) {
          // Over clamd's StreamMaxLength clamd refuses and closes mid-stream; the reset can beat its
          // refusal to us. Ask again with the length alone, which clamd answers at once.
          const refusal = await probeStreamLimit(target, content.length);
          if (refusal) return refusal;
          throw err;
        }
        log.debug(
          { event: 'clamd.session_dropped', clamd: where, err: (err as Error).message },
          'kept-open clamd session was dropped; retrying on a new connection',
        );
      }
    }
  }

  return {
    async scan(content: Buffer): Promise<AvOutcome> {
      if (content.length === 0) return notScanned('empty file: nothing to scan (never sent to clamd)', false);
      if (content.length > cfg.maxStreamBytes) {
        return {
          ...notScanned(`file of ${content.length} bytes is over clamd.maxStreamBytes (${cfg.maxStreamBytes}): not sent to clamd`, false),
          code: 'CLAMAV_STREAM_TOO_LARGE',
        };
      }
      const inUse: InUse = { session: null, gaveUp: false };
      return settleWithin(
        async () => {
          const outcome = avOutcomeFromClamd(await instream(content, inUse));
          if (outcome.kind === 'not-scanned' && outcome.code) {
            log.warn({ event: 'clamd.scan_failed', clamd: where, code: outcome.code, reason: outcome.reason }, 'clamd gave no verdict');
          }
          return outcome;
        },
        {
          ms: cfg.timeoutMs,
          onTimeout: () => {
            inUse.gaveUp = true;
            inUse.session?.destroy();
            log.warn(
              { event: 'clamd.scan_failed', clamd: where, code: 'CLAMAV_UNAVAILABLE', reason: 'timeout', timeoutMs: cfg.timeoutMs },
              'clamd scan timed out',
            );
            return unavailable(`clamd at ${where} did not answer within ${cfg.timeoutMs} ms`);
          },
          onError: (err) => {
            const message = err instanceof Error ? err.message : String(err);
            log.warn({ event: 'clamd.scan_failed', clamd: where, code: 'CLAMAV_UNAVAILABLE', err: message, internal: !isC4Error(err) }, 'clamd scan failed');
            return unavailable(`clamd at ${where} unavailable: ${message}`);
          },
        },
      );
    },
    async close() {
      sessions.close();
    },
  };
}

function notScanned(reason: string, transient: boolean): Extract<AvOutcome, { kind: 'not-scanned' }> {
  return { kind: 'not-scanned', reason, transient };
}

function unavailable(reason: string): AvOutcome {
  return { kind: 'not-scanned', reason, transient: true, code: 'CLAMAV_UNAVAILABLE' };
}
