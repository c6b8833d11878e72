// Every doctor check in report order: `c4tap doctor` prints them, the console's diagnostics page
// (admin) shows them — the same functions, wired by serve.
import type { LoadedConfig } from '../../core/config.ts';
import { certificate, clamd, diskFree, fileModes, relay, type CheckResult } from './checks.ts';
import { timeSkew } from './clock-check.ts';
import { warningLists, yaraRules } from './policy-checks.ts';
import { schema } from './schema-check.ts';

export async function runChecks(loaded: LoadedConfig, now: Date = new Date()): Promise<CheckResult[]> {
  return [
    ...fileModes(loaded),
    certificate(loaded, now),
    diskFree(loaded),
    await schema(loaded),
    ...(await yaraRules(loaded)),
    warningLists(loaded),
    ...(await clamd(loaded, now)),
    await relay(loaded),
    await timeSkew(loaded),
  ];
}
