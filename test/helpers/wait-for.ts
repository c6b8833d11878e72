// Waiting in tests for something another process or the event loop brings about: the probe's
// first truthy value, polled until the deadline, then a failure naming what never happened. Tests
// that wait on leases drive the injected clock instead (core/ids.ts Clock).
export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

export async function waitFor<T>(
  what: string | (() => string),
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
