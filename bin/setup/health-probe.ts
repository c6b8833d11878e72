// What `GET /api/v1/health` of a running server reports beyond "the process answers": whether the
// data directory still takes writes, whether the disk still has room, and whether analysis jobs
// keep failing. The probe runs at most once per `cacheMs` (concurrent requests share one run), so
// a busy health check costs one 4 KiB write and two statfs calls every few seconds, not one per
// request. Degraded is answered with HTTP 503 (web/server.ts) so a load balancer takes it out.
import type { Histogram } from 'prom-client';
import { cachedFor, freeBytesAt } from '../../ingest/smtp-limits.ts';
import type { Logger } from '../../core/logger.ts';
import type { Vault } from '../../quarantine/vault-port.ts';
import { writeProbeAsync } from './data-dir.ts';

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly reasons: readonly string[];
}

export interface HealthProbeDeps {
  readonly dataDir: string;
  /** Directories the vault writes to when it is on this machine's disk (the filesystem backend). */
  readonly vaultDir: string | null;
  readonly vault: Pick<Vault, 'freeBytes'>;
  /** Below this many free bytes the disk counts as full (smtp.minFreeBytes: SMTP answers 452 there). */
  readonly minFreeBytes: number;
  /** The worker's outcomes (c4tap_analysis_duration_seconds); absent when this process runs no worker. */
  readonly analysisDuration?: Histogram<'outcome'>;
  readonly log: Logger;
  /** Default 5 s. */
  readonly cacheMs?: number;
  /** Failed analysis attempts with no success since that make the server degraded; default 3. */
  readonly failingJobs?: number;
}

const FAILED = new Set(['error', 'failed']);

async function outcomeCounts(h: Histogram<'outcome'>): Promise<{ done: number; failed: number }> {
  let done = 0;
  let failed = 0;
  for (const v of (await h.get()).values) {
    if (v.metricName !== 'c4tap_analysis_duration_seconds_count') continue;
    const outcome = String(v.labels.outcome ?? '');
    if (outcome === 'done') done += v.value;
    else if (FAILED.has(outcome)) failed += v.value;
  }
  return { done, failed };
}

const MB = 1024 * 1024;

export function createHealthProbe(deps: HealthProbeDeps): () => Promise<HealthReport> {
  const threshold = deps.failingJobs ?? 3;
  // The metric has counts, not an order: failures are counted from the last probe that saw a
  // success (or the start), so a failure in the same few seconds as a success is not counted.
  let lastDone = 0;
  let failedAtLastDone = 0;
  let since = new Date().toISOString();
  let lastStatus: HealthReport['status'] = 'ok';

  async function probe(): Promise<HealthReport> {
    const reasons: string[] = [];
    for (const [dir, label] of [[deps.dataDir, 'data directory'], ...(deps.vaultDir ? [[deps.vaultDir, 'vault directory']] : [])] as const) {
      const unwritable = await writeProbeAsync(dir, label);
      if (unwritable) reasons.push(unwritable.message);
    }
    const free = await Promise.all([freeBytesAt(deps.dataDir).catch(() => null), deps.vault.freeBytes().catch(() => null)]);
    const least = Math.min(...free.filter((f): f is number => f !== null));
    if (Number.isFinite(least) && least < deps.minFreeBytes) {
      reasons.push(
        `disk full: ${(least / MB).toFixed(1)} MiB free for the data directory or vault, below smtp.minFreeBytes ${(deps.minFreeBytes / MB).toFixed(0)} MiB (SMTP answers 452)`,
      );
    }
    if (deps.analysisDuration) {
      const { done, failed } = await outcomeCounts(deps.analysisDuration);
      if (done > lastDone) {
        lastDone = done;
        failedAtLastDone = failed;
        since = new Date().toISOString();
      }
      const inARow = failed - failedAtLastDone;
      if (inARow >= threshold)
        reasons.push(
          `analysis jobs keep failing: ${inARow} attempts failed and none succeeded since ${since} (worker.job_retry, worker.job_failed in the log)`,
        );
    }
    const status = reasons.length > 0 ? 'degraded' : 'ok';
    if (status !== lastStatus) {
      if (status === 'degraded') deps.log.error({ event: 'health.degraded', reasons }, 'server degraded');
      else deps.log.info({ event: 'health.ok' }, 'server healthy again');
      lastStatus = status;
    }
    return { status, reasons };
  }

  return cachedFor(deps.cacheMs ?? 5000, probe);
}
