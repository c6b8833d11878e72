// The digest scheduler of the worker role (`c4tap serve`): looks for due subscriptions every
// `pollMs` and runs them (run.ts). Several worker processes may run it side by side: each
// subscription's run lease lets one of them send. `close` lets a run in progress finish.
import type { Logger } from '../../core/logger.ts';
import { toC4Error } from '../../core/errors.ts';
import { runDigests, type DigestDeps, type SubscriptionOutcome } from './run.ts';

export interface DigestScheduler {
  /** Runs the due subscriptions now (also used by tests); resolves with their outcomes. */
  tick(): Promise<readonly SubscriptionOutcome[]>;
  close(): Promise<void>;
}

export function startDigestScheduler(deps: DigestDeps, options: { readonly pollMs: number; readonly log?: Logger }): DigestScheduler {
  const log = options.log ?? deps.log;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<readonly SubscriptionOutcome[]> | null = null;
  let closed = false;

  const tick = (): Promise<readonly SubscriptionOutcome[]> => {
    running ??= runDigests(deps)
      .catch((err: unknown) => {
        log.error({ event: 'digest.run_failed', code: toC4Error(err).code, err: (err as Error).message }, 'digest run failed; trying again at the next poll');
        return [] as readonly SubscriptionOutcome[];
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, options.pollMs);
  };
  schedule();

  return {
    tick,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
