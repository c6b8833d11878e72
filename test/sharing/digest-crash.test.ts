// Exactly once across a crash: a digest run sending to several recipients through a real SMTP
// relay is killed with SIGKILL, then `c4tap digest run --now` (the real CLI) runs again. Killed
// between messages, every recipient ends with each published item exactly once. Killed in the one
// window that remains — after the relay accepted a message, before the cursor write — that
// recipient gets the same message again with the same Message-ID, which mail clients show once.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openContext, type AppContext } from '../../bin/context.ts';
import { digestDeps } from '../../bin/commands/digest.ts';
import { loadConfig } from '../../core/config.ts';
import type { Principal } from '../../core/types.ts';
import { subscribe } from '../../sharing/digests/subscriptions.ts';
import { publishSubmission } from '../../sharing/publication.ts';
import { orgInput, principalInput, submissionInput } from '../contracts/store-fixtures.ts';
import { REPO, tempDataDir, type TempDataDir } from '../helpers/cli.ts';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../helpers/smtp-sink.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ZIP_PASSWORD, openDigest } from './helpers/digest-delivery-env.ts';

const RECIPIENTS = 5;
const VALUES = ['crash-a.example', 'crash-b.example', 'crash-c.example', 'crash-d.example', 'crash-e.example', 'crash-f.example'];

interface Child {
  readonly lines: string[];
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

function start(args: readonly string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    lines,
    exited,
    kill: () => void child.kill('SIGKILL'),
    waitFor: (pattern, ms = 60_000) =>
      waitFor(
        () => `${pattern}: ${lines.join('\n')}\n${stderr}`,
        () => {
          const hit = lines.find((l) => pattern.test(l));
          if (!hit && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`child exited before ${pattern}: ${lines.join('\n')}\n${stderr}`);
          return hit;
        },
        { timeoutMs: ms },
      ),
  };
}

/** Publishes the items and subscribes the readers (one through the CLI); returns the readers. */
async function seed(ctx: AppContext, data: TempDataDir, env: NodeJS.ProcessEnv): Promise<Principal[]> {
  const now = () => ctx.clock().toISOString();
  const { store } = ctx;
  await store.createOrganisation(orgInput('water', { tier: 'participant', sector: 'water' }), now());
  await store.createOrganisation(orgInput('observer', { tier: 'observer', sector: 'research' }), now());
  await store.createOrganisation(orgInput('sec', { tier: 'participant', sector: 'secretariat' }), now());
  const submitter = await store.createPrincipal(principalInput('water-sub', 'water'), now());
  const sec = await store.createPrincipal(principalInput('sec-1', 'sec', { roles: ['secretariat'] }), now());
  const readers: Principal[] = [];
  for (let i = 1; i <= RECIPIENTS; i++) readers.push(await store.createPrincipal(principalInput(`obs-r${i}`, 'observer', { roles: ['reader'] }), now()));
  const org = (await store.getOrganisation('water'))!;
  for (let s = 0; s < 3; s++) {
    const id = `s-crash-${s}`;
    await store.createSubmission(
      {
        ...submissionInput(id, { org, principal: submitter }),
        receivedAt: now(),
        classes: { sample: 'YELLOW', mail: 'YELLOW', network: 'YELLOW', file: 'YELLOW' },
        classDecisions: [],
      },
      { id: `job-${id}`, type: 'analyse', submissionId: id, runAfter: now() },
    );
    await store.upsertIndicators(
      id,
      'water',
      now(),
      VALUES.slice(2 * s, 2 * s + 2).map((value) => ({ type: 'domain-name', value, kind: 'network', class: 'YELLOW' })),
    );
    await store.updateSubmission(id, { status: 'awaiting-triage' }, now());
    await publishSubmission({ store, audit: ctx.audit, clock: ctx.clock }, id, sec.id);
  }
  const deps = { ...digestDeps(ctx), newId: ctx.newId };
  for (const r of readers.slice(1)) await subscribe(deps, { principalId: r.id, schedule: 'daily', attachments: 'zip', zipPassword: ZIP_PASSWORD, fromSeq: 0 });
  const pwFile = path.join(data.dir, '..', 'zip-password');
  writeFileSync(pwFile, ZIP_PASSWORD + '\n');
  await ctx.close();
  const cli = start(
    [
      path.join(REPO, 'bin/c4tap.ts'),
      'digest',
      'subscribe',
      readers[0]!.name,
      '--schedule',
      'daily',
      '--attachments',
      'zip',
      '--zip-password-file',
      pwFile,
      '--from-seq',
      '0',
    ],
    env,
  );
  const r = await cli.exited;
  expect(r.code, r.stderr).to.equal(0);
  expect(cli.lines.join('\n')).to.match(/^subscribed dsub_/);
  return readers;
}

/** Each recipient's items over all messages it got, counting a Message-ID once when `dedupe`. */
async function itemsPerRecipient(messages: readonly SinkMessage[], dedupe: boolean): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const m of messages) {
    const key = `${m.to.join(',')}|${m.parsed.messageId}`;
    if (dedupe && seen.has(key)) continue;
    seen.add(key);
    const rows = parse((await openDigest(m.parsed)).csv, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
    for (const to of m.to) out.set(to, [...(out.get(to) ?? []), ...rows.map((r) => r.value!)]);
  }
  return out;
}

describe('digest delivery survives SIGKILL mid-run (exactly once per recipient)', function () {
  this.timeout(120_000);
  let sink: SmtpSink;
  let data: TempDataDir;
  let env: NodeJS.ProcessEnv;
  let readers: Principal[];

  beforeEach(async function () {
    sink = await startSmtpSink();
    data = tempDataDir();
    const caFile = path.join(data.dir, '..', 'relay-ca.pem');
    writeFileSync(caFile, sink.ca);
    env = { ...data.env, C4TAP_MAIL_RELAY_HOST: sink.host, C4TAP_MAIL_RELAY_PORT: String(sink.port), C4TAP_MAIL_RELAY_CA_FILE: caFile };
    readers = await seed(await openContext(loadConfig({ env }), { defaultMetrics: false }), data, env);
  });
  afterEach(async function () {
    await sink?.close();
    data?.remove();
  });

  async function crashThenRestart(point: 'before' | 'after', n: number): Promise<{ firstRun: number; restart: Child }> {
    const child = start([path.join(REPO, 'test/sharing/helpers/digest-crash-child.ts'), point, String(n)], env);
    await child.waitFor(new RegExp(`^stopped ${point} ${n}$`));
    child.kill();
    expect((await child.exited).signal).to.equal('SIGKILL');
    const firstRun = sink.messages.length;
    // The restart takes over once the run leases the killed run held have ended (it held one: a run leases each subscription it sends).
    const ctx = await openContext(loadConfig({ env }), { defaultMetrics: false });
    const leases = (await ctx.store.listDigestSubscriptions()).filter((s) => s.leaseOwner !== null).map((s) => Date.parse(s.leaseUntil!));
    await ctx.close();
    expect(leases, 'run leases held by the killed run').to.not.be.empty;
    const leaseEnd = Math.max(...leases);
    await waitFor("the killed run's leases to end", () => ctx.clock().getTime() > leaseEnd, { timeoutMs: 30_000 });
    const restart = start([path.join(REPO, 'bin/c4tap.ts'), 'digest', 'run', '--now'], env);
    const r = await restart.exited;
    expect(r.code, r.stderr + restart.lines.join('\n')).to.equal(0);
    return { firstRun, restart };
  }

  async function expectEachItemOnce(dedupe: boolean): Promise<void> {
    const items = await itemsPerRecipient(sink.messages, dedupe);
    expect([...items.keys()].sort()).to.deep.equal(readers.map((r) => r.email).sort());
    for (const [to, values] of items) expect(values.sort(), to).to.deep.equal([...VALUES].sort());
  }

  it('killed between messages: the restart sends the rest, and every recipient has each item exactly once', async function () {
    const { firstRun, restart } = await crashThenRestart('before', 3);
    expect(firstRun).to.equal(2);
    expect(sink.messages).to.have.length(RECIPIENTS);
    expect(restart.lines.filter((l) => / sent 6 indicator/.test(l))).to.have.length(RECIPIENTS - 2);
    expect(restart.lines.filter((l) => /nothing new/.test(l))).to.have.length(2);
    await expectEachItemOnce(false);
  });

  it('killed after the relay accepted a message but before the cursor moved: the resend carries the same Message-ID', async function () {
    const { firstRun } = await crashThenRestart('after', 3);
    expect(firstRun).to.equal(3);
    expect(sink.messages).to.have.length(RECIPIENTS + 1);
    const third = sink.messages[2]!;
    const copies = sink.messages.filter((m) => m.to.join() === third.to.join());
    expect(copies).to.have.length(2);
    expect(copies[1]!.parsed.messageId).to.equal(copies[0]!.parsed.messageId);
    await expectEachItemOnce(true);
  });
});
