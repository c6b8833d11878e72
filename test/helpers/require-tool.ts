// One rule for suites that need a tool or daemon the machine may lack (swaks, Chromium, clamd, the
// MongoDB-wire server, the OASIS Python tools, yara): outside CI the suite is skipped with the
// reason and the command that provides it; under CI (CI set) the missing tool fails the run, so a
// broken .ci/run cannot pass by skipping.
import { execFileSync } from 'node:child_process';

export interface Missing {
  /** What is missing and why, e.g. "swaks cannot do STARTTLS (Net::SSLeay missing)". */
  readonly why: string;
  /** The command that provides it, e.g. "apt-get install swaks libnet-ssleay-perl". */
  readonly fix: string;
}

/** Call in a `before` hook (or an `it`) with what is missing, or null when all is there. */
export function requireTool(ctx: Mocha.Context, missing: Missing | null): void {
  if (!missing) return;
  const message = `${missing.why}; provide it with: ${missing.fix}`;
  if (process.env.CI) throw new Error(`${message} (required in CI: .ci/run must provide it)`);
  process.stderr.write(`      skipped: ${message}\n`);
  ctx.skip();
}

/** The command's output, or null when it cannot be run. */
export function commandOutput(cmd: string, args: readonly string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
  } catch (err) {
    const out = (err as { stdout?: unknown }).stdout;
    return typeof out === 'string' && out.length > 0 ? out : null;
  }
}
