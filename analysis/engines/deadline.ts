// One settlement per scan: a scan resolves exactly once, by its work or by its absolute deadline,
// whichever comes first. Whatever the loser does afterwards (a late reply, a late error) is
// ignored and never becomes an unhandled rejection. A throw from the work becomes a value too.

export interface DeadlineOptions<T> {
  /** Milliseconds from now after which `onTimeout()` is the result. */
  readonly ms: number;
  readonly onTimeout: () => T;
  /** Turns a rejection of the work into a result. */
  readonly onError: (err: unknown) => T;
}

export function settleWithin<T>(work: () => Promise<T>, options: DeadlineOptions<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    let settled = false;
    const settle = (value: () => T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value());
    };
    const timer = setTimeout(() => settle(options.onTimeout), options.ms);
    let running: Promise<T>;
    try {
      running = work();
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (value) => settle(() => value),
      (err: unknown) => settle(() => options.onError(err)),
    );
  });
}
