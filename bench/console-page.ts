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
