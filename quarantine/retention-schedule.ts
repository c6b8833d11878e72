// Retention on its own: the worker role of `c4tap serve` runs it at the slots of the policy's `run`
// schedule (policies/retention/retention.json), so expired RED samples do not wait for someone to
// type `c4tap retention run`. The policy file is read again at each run, so a changed period takes
// effect at the next run without a restart. A run never overlaps the previous one in this process;
// runs of several worker processes at the same slot are safe (each blob is looked at again after its
// removal) and each appends its own audit event.
import { Cron } from 'croner';
import type { ScheduleSpec } from '../core/cron-schedule.ts';
import { toC4Error } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { RetentionPolicy } from './retention-policy.ts';
import { runRetention, type RetentionDeps, type RetentionResult } from './retention.ts';

export interface RetentionSchedule {
  /** When the next run starts, or null when the pattern has none. */
  next(): Date | null;
  /** Stops the schedule; a run in progress finishes first. */
  close(): Promise<void>;
}

export interface RetentionScheduleDeps extends Omit<RetentionDeps, 'policy'> {
  /** The policy as it is now (read again at each run). */
  readonly loadPolicy: () => RetentionPolicy;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Told of each finished run (tests). */
  readonly onRun?: (result: RetentionResult) => void;
}

export function startRetentionSchedule(deps: RetentionScheduleDeps, spec: ScheduleSpec): RetentionSchedule {
  let running: Promise<void> | null = null;
  const run = async (): Promise<void> => {
    try {
      const result = await runRetention({ ...deps, policy: deps.loadPolicy() }, { dryRun: false, actor: 'system' });
      deps.onRun?.(result);
    } catch (err) {
      deps.log.error(
        { event: 'retention.run_failed', code: toC4Error(err).code, err: (err as Error).message },
        'scheduled retention run failed; next slot tries again',
      );
    }
  };
  const job = new Cron(spec.cron, { timezone: spec.timeZone, protect: true }, () => {
    running = run().finally(() => {
      running = null;
    });
    return running;
  });
  return {
    next: () => job.nextRun(),
    async close() {
      job.stop();
      await running;
    },
  };
}
