// ClamAV client: clamd over INSTREAM (unix socket or TCP from config) through the `clamscan`
// package. Outcomes are infected(name), clean, or not-scanned(reason, transient): never clean
// when the scan did not happen.
//
// - No clamd configured (neither socket nor host): createAvScanner returns null and the system
//   says "AV not configured".
// - Empty input is never sent: the package then writes a bare zero-length chunk without the
//   INSTREAM command (its transform only adds the command on the first data chunk); clamd
//   answers UNKNOWN COMMAND, or closes first and the write fails with EPIPE/ECONNRESET (the
//   intermittent failure). An empty file has nothing to scan: not-scanned('empty file …',
//   transient false), so the job is not retried for it.
// - Input over clamd.maxStreamBytes (set below clamd's StreamMaxLength) is not sent:
//   not-scanned, transient false. If clamd still refuses the stream as too large, the same.
// - Any transport error, an unexpected reply or the deadline: not-scanned, transient true, so
//   the caller retries the job.
// - One absolute deadline (clamd.timeoutMs) covers connect, stream and verdict; the scan
//   resolves exactly once (deadline.ts). The package cannot abort a scan in flight: its socket
//   has an idle timeout of the same length, after which the package half-closes it; a reply
//   arriving after our deadline is ignored.
// - The package prints socket errors to stderr with console.error (not our logger); we log the
//   outcome as `clamd.scan_failed`.
import { Readable } from 'node:stream';
import NodeClam from 'clamscan';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { AvOutcome, AvScanner } from '../types.ts';
import { settleWithin } from './deadline.ts';
import { avOutcomeFromClamd } from './clamd-reply.ts';

export const CLAMD_DEFAULT_PORT = 3310;
/** INSTREAM chunk size. */
const CHUNK = 64 * 1024;

export function createAvScanner(cfg: Config['clamd'], log: Logger): AvScanner | null {
  if (!cfg.socket && !cfg.host) return null;
  const target = cfg.socket ? { socket: cfg.socket } : { host: cfg.host!, port: cfg.port ?? CLAMD_DEFAULT_PORT };
  const where = 'socket' in target ? target.socket : `${target.host}:${target.port}`;
  let client: Promise<NodeClam> | null = null;

  function ready(): Promise<NodeClam> {
    client ??= new NodeClam()
      .init({
        removeInfected: false,
        quarantineInfected: false,
        scanLog: null,
        debugMode: false,
        preference: 'clamdscan',
        clamscan: { active: false },
        clamdscan: {
          socket: 'socket' in target ? target.socket : false,
          host: 'host' in target ? target.host : false,
          port: 'port' in target ? target.port : false,
          timeout: cfg.timeoutMs,
          localFallback: false,
          bypassTest: true,
          multiscan: false,
          active: true,
        },
      })
      .catch((err: unknown) => {
        client = null;
        throw err;
      });
    return client;
  }

  return {
    async scan(content: Buffer): Promise<AvOutcome> {
      if (content.length === 0) return notScanned('empty file: nothing to scan (never sent to clamd)', false);
      if (content.length > cfg.maxStreamBytes) {
        return notScanned(`file of ${content.length} bytes is over clamd.maxStreamBytes (${cfg.maxStreamBytes}): not sent to clamd`, false);
      }
      return settleWithin(
        async () => avOutcomeFromClamd(await (await ready()).scanStream(Readable.from(chunks(content)))),
        {
          ms: cfg.timeoutMs,
          onTimeout: () => {
            log.warn({ event: 'clamd.scan_failed', clamd: where, reason: 'timeout', timeoutMs: cfg.timeoutMs }, 'clamd scan timed out');
            return notScanned(`clamd at ${where} did not answer within ${cfg.timeoutMs} ms`, true);
          },
          onError: (err) => {
            const message = err instanceof Error ? err.message : String(err);
            log.warn({ event: 'clamd.scan_failed', clamd: where, err: message }, 'clamd scan failed');
            if (/size limit exceeded/i.test(message)) {
              return notScanned(`clamd refused ${content.length} bytes as over its StreamMaxLength: set clamd.maxStreamBytes below it`, false);
            }
            return notScanned(`clamd at ${where} unavailable: ${message}`, true);
          },
        },
      );
    },
  };
}

function notScanned(reason: string, transient: boolean): AvOutcome {
  return { kind: 'not-scanned', reason, transient };
}

function* chunks(content: Buffer): Generator<Buffer> {
  for (let at = 0; at < content.length; at += CHUNK) yield content.subarray(at, at + CHUNK);
}
