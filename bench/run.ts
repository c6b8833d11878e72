// `npm run bench`: the benchmarks, each bounded to a few seconds per case.
//   BENCH_BUDGET_MS   time per measured case (default 2500)
import { execFileSync } from 'node:child_process';
import { benchIngest, formatIngestRow, INGEST_CASES } from './ingest.ts';

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 2500);
  process.stdout.write('== ingest: messages/s accepted durably over loopback (smtp-source, one message per connection) ==\n');
  if (!hasTool('smtp-source')) {
    process.stdout.write('skipped: smtp-source not found (Debian package postfix; only the tool is used)\n');
    return;
  }
  const rows = await benchIngest(INGEST_CASES, budgetMs, (row) => process.stdout.write(formatIngestRow(row) + '\n'));
  for (const delay of [...new Set(rows.map((r) => r.greetingDelayMs))]) {
    const worst = Math.min(...rows.filter((r) => r.greetingDelayMs === delay).map((r) => r.ratio));
    process.stdout.write(`greeting ${delay} ms: worst ratio ${worst.toFixed(2)} (target >= 0.5)\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
