// Child process for the multi-process claim test: prints "ready", waits for a line on stdin, then
// claims and completes jobs until none is due, printing each claimed job id.
import { once } from 'node:events';
import { openSqliteStore } from '../../../core/store/sqlite-store.ts';

const [file, workerId, now, leaseUntil] = process.argv.slice(2);
if (!file || !workerId || !now || !leaseUntil) throw new Error('usage: sqlite-claimer.ts <file> <workerId> <now> <leaseUntil>');

const store = openSqliteStore(file);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
for (;;) {
  const job = await store.claimJob({ workerId, now, leaseUntil });
  if (!job) break;
  process.stdout.write(`${job.id}\n`);
  if (!(await store.completeJob(job.id, workerId, now))) throw new Error(`lost the lease of ${job.id}`);
}
await store.close();
process.stdin.destroy();
