// What the analysis of one submission may cost (config analysis.budget): wall-clock time, files
// scanned and time spent waiting on clamd; bytes expanded are analysis.maxExpandedBytes, spent in
// archives/limits.ts. Once any is spent, the files and bodies left are not scanned and the
// analysis ends as `incomplete: budget`, final: retrying would only spend the same budget again
// on the same work (a 42.zip-style archive held the only worker for 16 minutes without one).
//
// The budget is checked between files (a file's own scans are bounded by their deadlines); the
// process pool (worker-pool.ts) kills a child that overruns the wall-clock budget anyway, and
// then ends the job as `incomplete: budget` itself.
import type { Config } from '../core/config.ts';

export type BudgetSettings = Config['analysis']['budget'];

export const DEFAULT_BUDGET: BudgetSettings = Object.freeze({ wallClockMs: 120_000, filesScanned: 1000, clamdMs: 120_000 });

export interface SubmissionBudget {
  /** Takes one file (or decoded body) to scan; false (and counted as not scanned) when the budget is spent. */
  takeFile(): boolean;
  /** Time one clamd scan took. */
  clamdTook(ms: number): void;
  /** Why files were refused (for the analyst), or null when none was: the analysis was complete. */
  overrun(): string | null;
}

/** The prefix of the reason in summary.incomplete and the verdict's reasons. */
export const BUDGET_REASON = 'incomplete: budget';

export function startBudget(settings: BudgetSettings, now: () => number = () => performance.now()): SubmissionBudget {
  const started = now();
  let scanned = 0;
  let refused = 0;
  let clamdMs = 0;
  let reason: string | null = null;
  const spent = (): string | null => {
    if (reason) return reason;
    if (now() - started >= settings.wallClockMs) reason = `wall-clock budget of ${settings.wallClockMs} ms spent (analysis.budget.wallClockMs)`;
    else if (clamdMs >= settings.clamdMs) reason = `clamd time budget of ${settings.clamdMs} ms spent (analysis.budget.clamdMs)`;
    else if (scanned >= settings.filesScanned) reason = `${settings.filesScanned} files scanned, the budget (analysis.budget.filesScanned)`;
    return reason;
  };
  return {
    takeFile() {
      if (spent()) {
        refused++;
        return false;
      }
      scanned++;
      return true;
    },
    clamdTook(ms) {
      clamdMs += ms;
    },
    overrun() {
      return refused > 0 && reason ? budgetReason(reason, scanned, refused) : null;
    },
  };
}

/** The line for summary.incomplete and the verdict's reasons. */
export function budgetReason(spent: string, scanned: number, notScanned: number): string {
  return `${BUDGET_REASON}: ${spent}; ${scanned} file(s) scanned, ${notScanned} not scanned`;
}
