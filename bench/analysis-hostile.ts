// Hostile archives against a running `c4tap serve` (SQLite, analysis in child processes): a zip of
// 100,000 members and a 42.zip-style archive (4 levels of 16 zips, 64 MiB of zeros innermost,
// 4 TiB declared) are sent over STARTTLS + AUTH while the API's health and SMTP accepts are
// measured. Printed: /api/v1/health p99 (target < 100 ms), SMTP accept p99 (connect to 250,
// target < 1 s), the largest resident memory of the serving process (target < 300 MB) and, apart
// from it, of its analysis children (capped by worker.memoryMb each), the load average, and how
// each hostile submission ended (target: incomplete, within its budget; a submission still
// unfinished after 20 minutes is printed with its job's state and last error). Where the serving
// process's memory goes is printed before the mails, once they are accepted, at the largest
// sample and at the end: anonymous and file-backed RSS (/proc), and per thread (main, SQLite
// writer) the JavaScript heap and the memory outside it (ArrayBuffers), from the process's
// metrics (c4tap_thread_memory_bytes), read from 127.0.0.2 so they do not use up the health
// probe's per-address budget.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { crc32, deflateRawSync } from 'node:zlib';
import nodemailer from 'nodemailer';
import { openContext } from '../bin/context.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { RAIL_ORG_ADD, runCli, startServe, tempDataDir } from '../test/helpers/cli.ts';
import { buildForward } from '../test/fixtures/mail-builder.ts';
import { manyMembersZip } from '../test/analysis/helpers/many-members-zip.ts';
import { buildLnk, buildZip } from '../test/analysis/helpers/file-builders.ts';
import { percentile } from './percentile.ts';

const MB = 1024 * 1024;

/** A zip of `count` copies of `content`, deflated once (the copies share the compressed bytes). */
function zipOfCopies(prefix: string, content: Buffer, count: number): Buffer {
  const data = deflateRawSync(content, { level: 9 });
  const crc = crc32(content);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const name = Buffer.from(`${prefix}${i.toString(16)}.zip`);
    const header = (size: number) => Buffer.alloc(size + name.length);
    const local = header(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(name.length, 26);
    name.copy(local, 30);
    const central = header(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    name.copy(central, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** 42.zip's shape: 16 × 16 × 16 × 16 files of 64 MiB of zeros, each level a zip of 16 of the level below. */
export function fortyTwoStyleZip(): Buffer {
  let level = zipOfCopies('0', Buffer.alloc(64 * MB), 16);
  for (const prefix of ['1', '2', '3']) level = zipOfCopies(prefix, level, 16);
  return level;
}

interface MemoryBreakdown {
  readonly rss: number;
  readonly anon: number;
  readonly file: number;
  /** MB by thread, then by kind (heap_total, heap_used, external, array_buffers). */
  readonly threads: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** A figure of /proc/<pid>/status in MB; NaN for a process gone between listing and reading. */
function statusMb(pid: number, field: string): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const rssMb = (pid: number): number => statusMb(pid, 'VmRSS');

/** GET from another loopback address than the probes' (the server keeps a request budget per address). */
function getText(url: string, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { localAddress }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

async function memoryBreakdown(pid: number, url: string): Promise<MemoryBreakdown> {
  const threads: Record<string, Record<string, number>> = {};
  const metrics = await getText(`${url}/metrics`, '127.0.0.2');
  for (const m of metrics.matchAll(/^c4tap_thread_memory_bytes\{thread="([^"]+)",kind="([^"]+)"\} (\d+)/gm)) {
    (threads[m[1]!] ??= {})[m[2]!] = Number(m[3]) / MB;
  }
  return { rss: statusMb(pid, 'VmRSS'), anon: statusMb(pid, 'RssAnon'), file: statusMb(pid, 'RssFile'), threads };
}

function formatBreakdown(label: string, b: MemoryBreakdown | null): string {
  if (!b) return `  ${label}: no sample`;
  const t = (name: string) => b.threads[name] ?? {};
  const part = (name: string) => {
    const k = t(name);
    return `${name} heap ${k.heap_used?.toFixed(0) ?? '?'}/${k.heap_total?.toFixed(0) ?? '?'} used/total, external ${k.external?.toFixed(0) ?? '?'} (array buffers ${k.array_buffers?.toFixed(0) ?? '?'})`;
  };
  const js = Object.values(b.threads).reduce((sum, k) => sum + (k.heap_total ?? 0) + (k.external ?? 0), 0);
  return `  ${label}: RSS ${b.rss.toFixed(0)} = anon ${b.anon.toFixed(0)} + file ${b.file.toFixed(0)}; ${part('main')}; ${Object.keys(b.threads)
    .filter((n) => n !== 'main')
    .map(part)
    .join('; ')}; anon outside these ${(b.anon - js).toFixed(0)}`;
}

/** Pids of a process's children (Linux /proc). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const forward = (subject: string, name: string, zip: Buffer, to: string) =>
  buildForward(
    'rfc822',
    {
      from: 'billing@invoices-secure.example',
      to,
      subject,
      text: 'see attached',
      attachments: [{ filename: name, content: zip, contentType: 'application/zip' }],
    },
    { submitter: 'soc@rail.example', note: 'FYI' },
  );

export async function benchHostileArchives(out: (line: string) => void): Promise<void> {
  const data = tempDataDir({
    C4TAP_SMTP_GREETING_DELAY_MS: '0',
    C4TAP_SMTP_MIN_FREE_BYTES: '0',
    C4TAP_WORKER_POLL_MS: '200',
    C4TAP_LOG_LEVEL: 'error',
    // The health probe asks ~30 times a second from one address: above the default per-address budget of health and metrics.
    C4TAP_API_PUBLIC_RATE_LIMIT_POINTS: '1000000',
  });
  const cli = (args: string[]) => {
    const r = runCli(args, data.env);
    if (r.status !== 0) throw new Error(`c4tap ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  cli(RAIL_ORG_ADD);
  const secret = /password (\S+)/.exec(
    cli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', 'soc@rail.example', '--roles', 'submitter']),
  )![1]!;
  const many = await forward('Many members', 'many.zip', manyMembersZip(100_000), 'taro@rail.example');
  const bomb = await forward('Nested', '42.zip', fortyTwoStyleZip(), 'jiro@rail.example');
  const small = await forward('Invoice', 'invoice.zip', await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }]), 'hanako@rail.example');
  const serve = startServe(data.env);
  try {
    const [, url] = await serve.waitFor(/HTTP\s+(http:\/\/\S+)/, 120_000);
    const [, port] = await serve.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/, 120_000);
    const [, processes] = await serve.waitFor(/WORKER (\d+) analysis process/, 120_000);
    const transport = () =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: Number(port),
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'rail-soc', pass: secret },
      });
    const send = async (raw: Buffer) => {
      const t = transport();
      try {
        const started = performance.now();
        await t.sendMail({ envelope: { from: 'soc@rail.example', to: ['report@c4tap.example'] }, raw });
        return performance.now() - started;
      } finally {
        t.close();
      }
    };
    const pid = serve.child.pid!;
    const breakdown: { idle: MemoryBreakdown | null; accepted: MemoryBreakdown | null; peak: MemoryBreakdown | null; end: MemoryBreakdown | null } = {
      idle: await memoryBreakdown(pid, url!),
      accepted: null,
      peak: null,
      end: null,
    };
    const started = performance.now();
    const idleRss = rssMb(serve.child.pid!);
    await Promise.all([send(many), send(bomb)]);
    breakdown.accepted = await memoryBreakdown(pid, url!);
    const health: number[] = [];
    const accepts: number[] = [];
    let maxRss = rssMb(serve.child.pid!);
    const startRss = maxRss;
    const rss = { childMax: 0, childrenSumMax: 0 };
    const load: number[] = [];
    const sampleMemory = () => {
      maxRss = Math.max(maxRss, rssMb(serve.child.pid!));
      const kids = childPids(serve.child.pid!)
        .map(rssMb)
        .filter((n) => !Number.isNaN(n));
      rss.childMax = Math.max(rss.childMax, ...kids);
      rss.childrenSumMax = Math.max(
        rss.childrenSumMax,
        kids.reduce((a, b) => a + b, 0),
      );
    };
    const sampler = setInterval(() => {
      sampleMemory();
      load.push(loadavg()[0]!);
    }, 250);
    let done = false;
    // Once a second: 60 requests a minute, within the per-address budget of /metrics.
    const probeMemory = (async () => {
      while (!done) {
        const b = await memoryBreakdown(pid, url!);
        if (!breakdown.peak || b.rss > breakdown.peak.rss) breakdown.peak = b;
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const probeHealth = (async () => {
      while (!done) {
        const t0 = performance.now();
        const res = await fetch(`${url}/api/v1/health`);
        await res.arrayBuffer();
        // Only real answers count (200, or 503 degraded): a 429 of the per-address budget would be a fast non-answer.
        if (res.status !== 200 && res.status !== 503) throw new Error(`/api/v1/health answered ${res.status}`);
        health.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const probeSmtp = (async () => {
      while (!done) {
        accepts.push(await send(small));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const ctx = await openContext(loadConfig({ env: data.env }), { log: createLogger({ level: 'silent' }), defaultMetrics: false });
    let hostile: { subject: string; status: string; readyS: number; attempts: number; outcome: string }[] = [];
    try {
      for (const until = Date.now() + 20 * 60_000; Date.now() < until;) {
        const subs = (await ctx.store.listSubmissions({}, { limit: 500 })).items.filter((s) => s.subject === 'Many members' || s.subject === 'Nested');
        const found = [];
        for (const s of subs) {
          const a = s.details.analysis as { incomplete?: string[]; files?: { archive?: { kind: string } | null }[] } | undefined;
          const kinds = (a?.files ?? []).map((f) => f.archive?.kind).filter(Boolean);
          const job = await ctx.store.getJobForSubmission(s.id, 'analyse');
          const incomplete = a?.incomplete ?? [];
          const budget = incomplete.length === 0 ? ', complete' : `, incomplete (${incomplete.length}): ${incomplete[0]!.slice(0, 120)}`;
          found.push({
            subject: s.subject === 'Many members' ? '100,000 members' : '42.zip-style',
            status: s.status,
            readyS: (Date.parse(s.updatedAt) - Date.parse(s.receivedAt)) / 1000,
            attempts: job?.attempts ?? 0,
            outcome: a ? [...new Set(kinds)].join('+') + budget : `job ${job?.status ?? 'missing'}${job?.lastError ? ` (last error: ${job.lastError})` : ''}`,
          });
        }
        hostile = found;
        if (found.length >= 2 && found.every((f) => f.status === 'awaiting-triage')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      done = true;
      clearInterval(sampler);
      await Promise.all([probeHealth, probeSmtp, probeMemory]);
      breakdown.end = await memoryBreakdown(pid, url!);
      await ctx.close();
    }
    out(`serve with ${processes} analysis process(es); hostile mails analysed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    for (const h of hostile) out(`  ${h.subject}: ${h.status}, ${h.outcome}, attempts ${h.attempts}, accept -> ready ${h.readyS.toFixed(1)} s`);
    out(`  /api/v1/health p99 ${percentile(health, 99).toFixed(1)} ms (max ${Math.max(...health).toFixed(1)}, n=${health.length}; target < 100 ms)`);
    out(
      `  SMTP accept (STARTTLS+AUTH, connect to 250) p99 ${percentile(accepts, 99).toFixed(0)} ms (max ${Math.max(...accepts).toFixed(0)}, n=${accepts.length}; target < 1000 ms)`,
    );
    out(
      `  serving process RSS max ${maxRss.toFixed(0)} MB (target < 300 MB; ${idleRss.toFixed(0)} MB before the hostile mails, ${startRss.toFixed(0)} MB once they were accepted)`,
    );
    out("  where the serving process's memory is (MB):");
    out(formatBreakdown('before the hostile mails', breakdown.idle));
    out(formatBreakdown('once accepted', breakdown.accepted));
    out(formatBreakdown('largest sample (1/s)', breakdown.peak));
    out(formatBreakdown('at the end', breakdown.end));
    out(`  analysis children RSS (apart): largest child ${rss.childMax.toFixed(0)} MB, all children together max ${rss.childrenSumMax.toFixed(0)} MB`);
    out(`  load average (1 min) during the run: ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited();
    data.remove();
  }
}
