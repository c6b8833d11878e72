// Triage through the REST API on a submission with 50 attachments and 500 indicators (the console
// bench's shape), over loopback as an analyst's script: the victim check (what approve runs before
// publishing: the original re-read from the vault, unwrapped, searched with the sanitizer's
// identifiers) and narrowing a published kind (every network source retracted at the old class and
// published at the new one, at once), measured as round trips.
import { issueToken } from '../core/tokens.ts';
import { startConsoleEnv } from '../test/web/helpers/console-env.ts';
import { analyse, buildPhishForward, ingest } from '../test/web/helpers/submissions.ts';
import { percentile } from './percentile.ts';

const quantiles = (times: readonly number[]) => ({ requests: times.length, medianMs: percentile(times, 50), p95Ms: percentile(times, 95) });

export interface TriageBenchRow {
  readonly indicators: number;
  readonly victimCheck: { readonly requests: number; readonly medianMs: number; readonly p95Ms: number };
  readonly narrow: { readonly requests: number; readonly medianMs: number; readonly p95Ms: number; readonly entriesPerNarrow: number };
}

export async function benchTriage(budgetMs: number): Promise<TriageBenchRow> {
  const env = await startConsoleEnv({ realClock: true, api: true });
  try {
    const attachments = Array.from({ length: 50 }, (_, i) => ({
      filename: `invoice-${i}.txt`,
      contentType: 'text/plain',
      content: Buffer.from(`attachment ${i} https://drop-${i}.invoice-portal.top/p/${i}\n`.repeat(20)),
    }));
    const sub = await analyse(env, await ingest(env, await buildPhishForward({ attachments })));
    const existing = (await env.ctx.store.listIndicatorsForSubmission(sub.id)).length;
    const extra = Array.from({ length: Math.max(0, 500 - existing) }, (_, i) => ({
      type: 'url' as const,
      value: `https://c2-${i}.payload-host.top/gate.php?id=${i}`,
      kind: 'network' as const,
      class: sub.classes.network,
      context: { origins: [{ field: 'text' }], warningLists: [] },
    }));
    await env.ctx.store.upsertIndicators(sub.id, sub.orgId, sub.receivedAt, extra);
    const indicators = (await env.ctx.store.listIndicatorsForSubmission(sub.id)).length;
    const { token } = await issueToken(env.ctx.store, env.ctx.tokenSettings, env.analyst.principal, 3600_000, 'bench', new Date());
    const base = `${env.origin}/api/v1/submissions/${sub.id}`;
    const post = (path: string, body?: unknown) =>
      fetch(base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
    const approved = await post('/approve');
    if (approved.status !== 200) throw new Error(`approve answered ${approved.status}: ${await approved.text()}`);

    const checks: number[] = [];
    for (const end = Date.now() + budgetMs; Date.now() < end || checks.length < 5;) {
      const t0 = performance.now();
      const r = await fetch(`${base}/victim-check`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      checks.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`victim check answered ${r.status}`);
    }
    const narrows: number[] = [];
    let entries = 0;
    const original = sub.classes.network;
    for (let i = 0, end = Date.now() + budgetMs; Date.now() < end || narrows.length < 4; i++) {
      const t0 = performance.now();
      const r = await post('/classes', { network: i % 2 === 0 ? 'RED' : original });
      const body = (await r.json()) as { entries?: unknown[] };
      if (r.status !== 200) throw new Error(`classes answered ${r.status}: ${JSON.stringify(body)}`);
      if (i % 2 === 0) {
        narrows.push(performance.now() - t0);
        entries = body.entries?.length ?? 0;
      }
    }
    return { indicators, victimCheck: quantiles(checks), narrow: { ...quantiles(narrows), entriesPerNarrow: entries } };
  } finally {
    await env.close();
  }
}

export function formatTriageRow(r: TriageBenchRow): string {
  return [
    `victim check (${r.indicators} indicators): median ${r.victimCheck.medianMs.toFixed(1)} ms, p95 ${r.victimCheck.p95Ms.toFixed(1)} ms over ${r.victimCheck.requests} requests`,
    `narrow a published kind: median ${r.narrow.medianMs.toFixed(1)} ms, p95 ${r.narrow.p95Ms.toFixed(1)} ms over ${r.narrow.requests} narrowings, ${r.narrow.entriesPerNarrow} log entries each`,
  ].join('\n');
}

// `npx tsx bench/triage.ts` runs it alone (BENCH_BUDGET_MS per case, default 2500).
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write('== triage: REST API victim check and narrowing on 50 attachments / 500 indicators, over loopback ==\n');
  process.stdout.write(formatTriageRow(await benchTriage(Number(process.env.BENCH_BUDGET_MS ?? 2500))) + '\n');
}
