// End-to-end analysis latency: from the start of the durable accept of a forward to its
// submission being ready for triage (status awaiting-triage), through the real accept pipeline,
// SQLite store, vault, worker (claim, lease) and analysis pipeline with YARA-X over the project's
// rules; AV not configured ("without ClamAV wait"). A mixed fixture set: a plain phishing mail
// with URLs, a macro .docm, a .lnk in a zip, a PPAP zip with its password in a Japanese body, a
// PDF with JavaScript, a gzip. One message at a time, so each latency is that of an idle exchange.
// Target: median < 1 s on the 2-core machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { addOrganisation, addPrincipal } from '../core/directory.ts';
import { openContext } from '../bin/context.ts';
import { acceptMessage } from '../ingest/accept.ts';
import { createYaraScanner } from '../analysis/engines/yara.ts';
import { analyseSubmission, type PipelineDeps } from '../analysis/pipeline.ts';
import { exchangeIdentity, loadAnalysisPolicies } from '../analysis/pipeline-indicators.ts';
import { startWorker } from '../analysis/worker.ts';
import { buildForward, type MailSpec } from '../test/fixtures/mail-builder.ts';
import { buildLnk, buildPdf, buildWord, buildZip, gzip } from '../test/analysis/helpers/file-builders.ts';
import { percentile } from './percentile.ts';

const DROP = 'report@c4tap.example';
const SUBMITTER = 'soc@rail.example';

export interface LatencyRow {
  readonly name: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

export interface LatencyResult {
  readonly rows: readonly LatencyRow[];
  readonly all: LatencyRow;
}

type Case = { readonly name: string; readonly spec: () => Promise<Omit<MailSpec, 'from' | 'to' | 'subject' | 'messageId'>> };

const CASES: readonly Case[] = [
  {
    name: 'text+urls',
    spec: async () => ({ text: 'Your mailbox is full: https://mail-verify.example/login?u=taro%40rail.example and http://198.51.100.23/x' }),
  },
  {
    name: 'docm',
    spec: async () => ({
      text: 'Invoice attached.',
      attachments: [{ filename: 'invoice.docm', content: await buildWord({ macro: true }), contentType: 'application/vnd.ms-word.document.macroEnabled.12' }],
    }),
  },
  {
    name: 'lnk-in-zip',
    spec: async () => ({
      text: 'Documents attached.',
      attachments: [{ filename: 'docs.zip', content: await buildZip([{ name: 'docs.pdf.lnk', content: buildLnk() }]), contentType: 'application/zip' }],
    }),
  },
  {
    name: 'ppap-zip',
    spec: async () => ({
      charset: 'iso-2022-jp',
      text: '見積書をお送りします。\n解凍パスワード：Ｘｋ９＃ｐＱ２ｗ',
      attachments: [
        {
          filename: '見積書.zip',
          content: await buildZip([{ name: '見積書.lnk', content: buildLnk() }], { password: 'Xk9#pQ2w' }),
          contentType: 'application/zip',
        },
      ],
    }),
  },
  {
    name: 'pdf-js',
    spec: async () => ({
      text: 'Statement.',
      attachments: [{ filename: 'statement.pdf', content: buildPdf({ inObjectStream: true }), contentType: 'application/pdf' }],
    }),
  },
  {
    name: 'gzip',
    spec: async () => ({ text: 'Scan.', attachments: [{ filename: 'scan.lnk.gz', content: gzip(buildLnk()), contentType: 'application/gzip' }] }),
  },
];

function row(name: string, values: readonly number[]): LatencyRow {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, samples: sorted.length, medianMs: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
}

/** Runs the mixed set round after round for about `budgetMs` (at least `minRounds` rounds). */
export async function benchAnalysisLatency(budgetMs = 5000, minRounds = 5): Promise<LatencyResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'c4tap-bench-analysis-'));
  const log = createLogger({ level: 'silent' });
  const policiesDir = path.resolve(import.meta.dirname, '..', 'policies');
  const config = loadConfig({ env: {}, overrides: { dataDir: dir, policiesDir, exchange: { dropAddress: DROP }, worker: { pollMs: 10 } } });
  const ctx = await openContext(config, { log, defaultMetrics: false });
  const yara = await createYaraScanner({ rulesDir: path.join(policiesDir, 'yara'), log });
  const deps: PipelineDeps = {
    store: ctx.store,
    vault: ctx.vault,
    clock: ctx.clock,
    log,
    yara,
    av: null,
    limits: config.analysis,
    policies: loadAnalysisPolicies(policiesDir),
    exchange: exchangeIdentity(config.exchange),
  };
  const worker = startWorker({
    store: ctx.store,
    clock: ctx.clock,
    log,
    settings: config.worker,
    workerId: 'bench',
    analyse: (s, o) => analyseSubmission(deps, s, o),
  });
  try {
    const org = await addOrganisation(ctx, 'bench', {
      name: 'Example Rail',
      tier: 'participant',
      sector: 'rail',
      domains: ['rail.example'],
      contacts: [
        {
          name: 'SOC',
          means: [
            { kind: 'email', value: SUBMITTER },
            { kind: 'phone', value: '+81 3 0000 0000' },
          ],
        },
      ],
      defaultClasses: {},
      rulesAccepted: true,
    });
    const { principal } = await addPrincipal(ctx, 'bench', { orgId: org.id, name: 'rail-soc', email: SUBMITTER, roles: ['submitter'], language: 'ja' });
    const specs = await Promise.all(CASES.map(async (c) => ({ name: c.name, spec: await c.spec() })));
    const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
    const started = performance.now();
    for (let round = 0; round < minRounds || performance.now() - started < budgetMs; round++) {
      for (const { name, spec } of specs) {
        const suspect: MailSpec = {
          from: 'billing@invoices-secure.example',
          to: 'taro@rail.example',
          subject: `${name} ${round}`,
          messageId: `<${name}-${round}@invoices-secure.example>`,
          ...spec,
        };
        const raw = await buildForward('rfc822', suspect, { submitter: SUBMITTER, note: 'FYI' });
        const t0 = performance.now();
        const accepted = await acceptMessage(
          { store: ctx.store, vault: ctx.vault, clock: ctx.clock, newId: ctx.newId, log, dropAddress: DROP },
          { principal, envelope: { mailFrom: SUBMITTER, rcptTo: [DROP], remoteAddress: '127.0.0.1', heloName: 'bench', transport: 'import' }, raw },
        );
        worker.wake(); // as `c4tap serve` does when its SMTP role accepts a message
        const id = accepted.submissions[0]!.id;
        while ((await ctx.store.getSubmission(id))?.status !== 'awaiting-triage') await new Promise((r) => setTimeout(r, 1));
        times.get(name)!.push(performance.now() - t0);
      }
    }
    return { rows: CASES.map((c) => row(c.name, times.get(c.name)!)), all: row('all', [...times.values()].flat()) };
  } finally {
    await worker.close();
    await yara.close();
    await ctx.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatLatencyRow(r: LatencyRow): string {
  return `${r.name.padEnd(12)} n=${String(r.samples).padStart(4)}  median ${r.medianMs.toFixed(1).padStart(7)} ms  p95 ${r.p95Ms.toFixed(1).padStart(7)} ms`;
}
