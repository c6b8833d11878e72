// An authenticated SMTP session that has sent DATA and now waits for the message.
import { expect } from 'chai';
import { DROP, SENDER, type SmtpTestEnv } from './smtp-env.ts';
import { SmtpTalk } from './smtp-talk.ts';

export async function openDataTransaction(env: Pick<SmtpTestEnv, 'port' | 'submitter'>): Promise<SmtpTalk> {
  const talk = await SmtpTalk.connect(env.port);
  await talk.secureHello();
  expect((await talk.authPlain(env.submitter.principal.name, env.submitter.secret))?.code).to.equal(235);
  expect((await talk.command(`MAIL FROM:<${SENDER}>`))?.code).to.equal(250);
  expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(250);
  expect((await talk.command('DATA'))?.code).to.equal(354);
  return talk;
}
