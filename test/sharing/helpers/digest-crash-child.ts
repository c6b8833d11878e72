// Child process of the digest crash test: one digest run (`c4tap digest run --now` in effect) with
// the context the CLI builds from the environment, except that the mailer stops at a chosen point
// and waits to be killed:
//   before <n>  — before handing message n to the relay (messages 1..n-1 are sent and recorded);
//   after <n>   — after the relay accepted message n, before the run records it (the crash window).
// It prints `sent <i> <Message-ID>` after each accepted message and `stopped <point> <n>` when it
// waits. The lease is short so the restarted run may take over at once.
import { loadConfig } from '../../../core/config.ts';
import type { Mailer } from '../../../core/mailer.ts';
import { openContext } from '../../../bin/context.ts';
import { digestDeps } from '../../../bin/commands/digest.ts';
import { runDigests } from '../../../sharing/digests/run.ts';

const [point, nText] = process.argv.slice(2);
const stopAt = Number(nText);
if ((point !== 'before' && point !== 'after') || !Number.isInteger(stopAt)) {
  process.stderr.write('usage: digest-crash-child.ts before|after <n>\n');
  process.exit(2);
}

const forever = () => new Promise<never>(() => setInterval(() => undefined, 60_000));

const ctx = await openContext(loadConfig({ env: process.env }), { defaultMetrics: false });
let count = 0;
const gated: Mailer = {
  async send(mail) {
    count += 1;
    if (point === 'before' && count === stopAt) {
      process.stdout.write(`stopped before ${count}\n`);
      return forever();
    }
    const sent = await ctx.mailer.send(mail);
    process.stdout.write(`sent ${count} ${sent.messageId}\n`);
    if (point === 'after' && count === stopAt) {
      process.stdout.write(`stopped after ${count}\n`);
      return forever();
    }
    return sent;
  },
};
await runDigests({ ...digestDeps(ctx), mailer: gated, leaseMs: 1000 }, { force: true });
process.stdout.write('finished\n');
await ctx.close();
