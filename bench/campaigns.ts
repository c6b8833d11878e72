// Campaign pages with 10k submissions in the store (issue 16): one analysed mail's record copied
// into 10,000 submissions; 1 in 10 belongs to one of 33 campaigns of 30 members (a shared URL
// host, 5 organisations' worth of reports), the others each have a URL host of their own. Then the
// campaign list (derived from the clustering features on every read: the features two or more
// submissions share in the window, its members read in one call) and one campaign page of 30
// members (its per-tier preview and 30 victim checks included), each requested for `budgetMs`.
// Target: p95 < 100 ms for both (issue 16: every console page with 10k submissions).
// Run alone with `npm run bench -- campaigns` or npx tsx bench/campaigns.ts.
import { startConsoleEnv } from '../test/web/helpers/console-env.ts';
import { loginAndEnrol } from '../test/web/helpers/http-client.ts';
import { analyse, buildPhishForward, ingest } from '../test/web/helpers/submissions.ts';

export interface CampaignBenchRow {
  readonly submissions: number;
  readonly campaigns: number;
  readonly pages: readonly { readonly name: string; readonly requests: number; readonly medianMs: number; readonly p95Ms: number; readonly targetMs: number }[];
}

export async function benchCampaigns(budgetMs: number, count = 10_000, size = 30): Promise<CampaignBenchRow> {
  const env = await startConsoleEnv({ realClock: true });
  try {
    const sub = await analyse(env, await ingest(env, await buildPhishForward({ subject: 'Overdue invoice' })));
    const base = Date.parse(sub.receivedAt) - count * 60_000;
    const campaigns = Math.floor(count / 10 / size);
    const id = (i: number) => `sub_bench${String(i).padStart(6, '0')}`;
    for (let i = 0; i < count; i++) {
      const at = new Date(base + i * 60_000).toISOString();
      await env.ctx.store.createSubmission(
        {
          id: id(i),
          principalId: sub.principalId,
          orgId: sub.orgId,
          receivedAt: at,
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
        { id: `job_bench${i}`, type: 'analyse', submissionId: id(i), runAfter: sub.receivedAt },
      );
      await env.ctx.store.updateSubmission(id(i), { status: 'awaiting-triage' }, at);
      const host = i % 10 === 0 && i / 10 < campaigns * size ? `campaign-${(i / 10) % campaigns}.top` : `single-${i}.top`;
      await env.ctx.store.putClusterFeatures(id(i), sub.orgId, at, [{ type: 'url-host', value: host }]);
    }
    const { client } = await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now);
    const urls: readonly (readonly [string, string, number])[] = [
      ['campaign list', '/console/campaigns?sort=members', 100],
      [`campaign page (${size} members)`, `/console/campaigns/${id(count - 10)}`, 100],
    ];
    const pages: CampaignBenchRow['pages'][number][] = [];
    for (const [name, url, targetMs] of urls) {
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
      const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
      pages.push({ name, requests: times.length, medianMs: q(0.5), p95Ms: q(0.95), targetMs });
    }
    return { submissions: count + 1, campaigns, pages };
  } finally {
    await env.close();
  }
}

export function formatCampaignRow(r: CampaignBenchRow): string {
  return [
    `${r.submissions} submissions, ${r.campaigns} campaigns in the store:`,
    ...r.pages.map(
      (p) => `  ${p.name}: median ${p.medianMs.toFixed(1)} ms, p95 ${p.p95Ms.toFixed(1)} ms over ${p.requests} requests (target p95 < ${p.targetMs} ms)`,
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatCampaignRow(await benchCampaigns(Number(process.env.BENCH_MS ?? 3000))));
}
