// Drives Postfix's `smtp-source` (the load generator only; the Postfix service is never started)
// against a server for a bounded time, and reports messages per second.
import { execFile } from 'node:child_process';

export interface LoadSpec {
  readonly port: number;
  readonly sessions: number;
  /** Body bytes per message (smtp-source -l; headers come on top). */
  readonly bodyBytes: number;
  readonly from: string;
  readonly to: string;
  /** Keep sending batches until this much time has passed. */
  readonly budgetMs: number;
}

export interface LoadResult {
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
}

function runBatch(spec: LoadSpec, messages: number): Promise<void> {
  // One message per connection (smtp-source's default, no -d): each pays the greeting delay.
  const args = [
    '-s',
    String(spec.sessions),
    '-m',
    String(messages),
    '-l',
    String(spec.bodyBytes),
    '-f',
    spec.from,
    '-t',
    spec.to,
    '-S',
    'bench',
    `127.0.0.1:${spec.port}`,
  ];
  return new Promise((resolve, reject) => {
    execFile('smtp-source', args, { timeout: 120_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`smtp-source failed (${err.message.trim()}): ${stderr.trim()}`)) : resolve(),
    );
  });
}

/** Sends batches of messages until the budget is spent; smtp-source aborts (and this throws) on any non-2xx reply. */
export async function drive(spec: LoadSpec): Promise<LoadResult> {
  const batch = Math.max(spec.sessions * 4, 8);
  const started = performance.now();
  let messages = 0;
  while (performance.now() - started < spec.budgetMs) {
    await runBatch(spec, batch);
    messages += batch;
  }
  const seconds = (performance.now() - started) / 1000;
  return { messages, seconds, perSecond: messages / seconds };
}
