// Early talkers (clients that send before the 220 greeting, as spam engines do) are refused; the
// wait before the greeting is the configured smtp.greetingDelayMs instead of smtp-server's fixed 100 ms.
import { expect } from 'chai';
import { startSmtpEnv, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';

async function greetingAfter(env: SmtpTestEnv): Promise<number> {
  const started = performance.now();
  const talk = await SmtpTalk.connect(env.port);
  const greeting = await talk.read();
  const elapsed = performance.now() - started;
  expect(greeting?.code).to.equal(220);
  talk.destroy();
  return elapsed;
}

describe('SMTP ingest: early talkers and the greeting delay', function () {
  this.timeout(30_000);
  const envs: SmtpTestEnv[] = [];
  const start = async (greetingDelayMs: number) => {
    const env = await startSmtpEnv({ smtp: { greetingDelayMs } });
    envs.push(env);
    return env;
  };
  after(async () => {
    for (const env of envs) await env.close();
  });

  it('answers 421 to a client that talks before the greeting', async () => {
    const env = await start(300);
    const talk = await SmtpTalk.connect(env.port);
    talk.write('EHLO spammer.example\r\n');
    const reply = await talk.read();
    expect(reply?.code).to.equal(421);
    expect(reply?.text).to.match(/You talk too soon/);
    talk.destroy();
  });

  it('waits the configured delay before the greeting, shorter or longer than 100 ms', async () => {
    const slow = await greetingAfter(await start(300));
    const fast = await greetingAfter(await start(0));
    expect(slow).to.be.at.least(290);
    expect(fast).to.be.below(slow - 200);
  });
});
