// Console submission page: a submission with 50 attachments (analysed by the real pipeline) and
// 500 indicators, rendered for a signed-in analyst over loopback. Target: under 300 ms.
import { startConsoleEnv } from '../test/web/helpers/console-env.ts';
import { loginAndEnrol } from '../test/web/helpers/http-client.ts';
import { analyse, buildPhishForward, ingest } from '../test/web/helpers/submissions.ts';

export interface ConsolePageRow {
  readonly attachments: number;
  readonly indicators: number;
  readonly requests: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly bytes: number;
}

export async function benchConsolePage(budgetMs: number): Promise<ConsolePageRow> {
  const env = await startConsoleEnv({ realClock: true });
  try {
    const attachments = Array.from({ length: 50 }, (_, i) => ({
      filename: `invoice-${i}.txt`,
      contentType: 'text/plain',
      content: Buffer.from(`attachment ${i} https://drop-${i}.invoice-portal.top/p/${i}\n`.repeat(20)),
    }));
    const id = await ingest(env, await buildPhishForward({ attachments }));
    const sub = await analyse(env, id);
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
    const files = (await env.ctx.store.listSamples(sub.id)).filter((s) => s.role === 'attachment').length;
    const { client } = await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now);
    await client.get(`/console/submissions/${sub.id}`);
    const times: number[] = [];
    let bytes = 0;
    const end = Date.now() + budgetMs;
    while (Date.now() < end || times.length < 5) {
      const t0 = performance.now();
      const r = await client.get(`/console/submissions/${sub.id}`);
      times.push(performance.now() - t0);
      bytes = r.text.length;
      if (r.status !== 200) throw new Error(`submission page answered ${r.status}`);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
    return { attachments: files, indicators, requests: times.length, medianMs: at(0.5), p95Ms: at(0.95), bytes };
  } finally {
    await env.close();
  }
}

export function formatConsolePageRow(r: ConsolePageRow): string {
  return `${r.attachments} attachments, ${r.indicators} indicators: median ${r.medianMs.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms over ${r.requests} requests, ${(r.bytes / 1024).toFixed(0)} KiB (target < 300 ms)`;
}

export interface ConsoleQueueRow {
  readonly submissions: number;
  readonly pages: readonly { readonly name: string; readonly requests: number; readonly medianMs: number; readonly p95Ms: number }[];
}

/**
 * Console page server time with 10k submissions in the store (issue 16): one analysed mail's
 * record (with its real analysis summary) copied into 10,000 submissions of the env's
 * participant, 1 in 10 awaiting triage; then the queue (default view, the suggested-verdict
 * filter, an indicator search) and a submission page, each requested for `budgetMs`. Target: p95 < 100 ms.
 */
export async function benchConsoleQueue(budgetMs: number, count = 10_000): Promise<ConsoleQueueRow> {
  const env = await startConsoleEnv({ realClock: true });
  try {
    const sub = await analyse(env, await ingest(env, await buildPhishForward({ subject: 'Overdue invoice' })));
    const base = Date.parse(sub.receivedAt) - count * 60_000;
    for (let i = 0; i < count; i++) {
      const id = `sub_bench${String(i).padStart(6, '0')}`;
      await env.ctx.store.createSubmission(
        {
          id,
          principalId: sub.principalId,
          orgId: sub.orgId,
          receivedAt: new Date(base + i * 60_000).toISOString(),
          rawSha256: sub.rawSha256,
          rawSize: sub.rawSize,
          messageId: `<b${i}@bench>`,
          dedupKey: `bench-${i}`,
          envelope: sub.envelope,
          classes: sub.classes,
          classDecisions: sub.classDecisions,
          subject: `Invoice ${i}`,
          details: sub.details,
        },
        { id: `job_bench${i}`, type: 'analyse', submissionId: id, runAfter: sub.receivedAt },
      );
      if (i % 10 === 0) await env.ctx.store.updateSubmission(id, { status: 'awaiting-triage' }, sub.receivedAt);
    }
    const { client } = await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now);
    const urls: readonly (readonly [string, string])[] = [
      ['queue', '/console/queue'],
      ['queue, suggested verdict filter', '/console/queue?status=all&suggested=unknown'],
      ['queue, indicator search', '/console/queue?status=all&ioc=invoice-portal.top'],
      ['submission page', `/console/submissions/sub_bench${String(count - 1).padStart(6, '0')}`],
    ];
    const pages: ConsoleQueueRow['pages'][number][] = [];
    for (const [name, url] of urls) {
      await client.get(url);
      const times: number[] = [];
      const end = Date.now() + budgetMs;
      while (Date.now() < end || times.length < 5) {
        const t0 = performance.now();
        const r = await client.get(url);
        times.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
      pages.push({ name, requests: times.length, medianMs: at(0.5), p95Ms: at(0.95) });
    }
    return { submissions: count + 1, pages };
  } finally {
    await env.close();
  }
}

export function formatConsoleQueueRow(r: ConsoleQueueRow): string {
  return [
    `${r.submissions} submissions in the store (target p95 < 100 ms):`,
    ...r.pages.map((p) => `  ${p.name}: median ${p.medianMs.toFixed(1)} ms, p95 ${p.p95Ms.toFixed(1)} ms over ${p.requests} requests`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatConsoleQueueRow(await benchConsoleQueue(Number(process.env.BENCH_MS ?? 3000))));
}
