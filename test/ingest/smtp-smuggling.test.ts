// SMTP smuggling: end-of-data lookalikes (bare LF, `\n.\n`, `\r\n.\n`, `\n.\r\n`, bare CR) inside a
// message must never end it, so commands hidden after them never become a second message
// (with someone else's envelope). Only `\r\n.\r\n` ends DATA, however the bytes are segmented.
import { expect } from 'chai';
import { startSmtpEnv, DROP, SENDER, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { openDataTransaction } from './helpers/transaction.ts';

const FAKE_ENDINGS: Readonly<Record<string, string>> = {
  'bare LF dot bare LF (\\n.\\n)': '\n.\n',
  'CRLF dot bare LF (\\r\\n.\\n)': '\r\n.\n',
  'bare LF dot CRLF (\\n.\\r\\n)': '\n.\r\n',
  'bare CR dot bare CR (\\r.\\r)': '\r.\r',
  'CRLF dot bare CR (\\r\\n.\\r)': '\r\n.\r',
};

function smugglingMessage(ending: string): string {
  return (
    `From: ${SENDER}\r\nTo: ${DROP}\r\nSubject: FW: hello\r\n\r\nfirst part` +
    ending +
    `MAIL FROM:<ceo@rail.example>\r\nRCPT TO:<${DROP}>\r\nDATA\r\nFrom: ceo@rail.example\r\nSubject: smuggled\r\n\r\nsmuggled body\r\n`
  );
}

describe('SMTP ingest: SMTP smuggling', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  before(async () => (env = await startSmtpEnv()));
  after(() => env.close());

  const session = () => openDataTransaction(env);

  /** Sends the pieces as separate writes, letting the server read between them. */
  async function writeInPieces(talk: SmtpTalk, pieces: readonly string[]): Promise<void> {
    for (const p of pieces) {
      talk.write(p);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async function expectOneMessage(talk: SmtpTalk, message: string): Promise<void> {
    const reply = await talk.read();
    expect(reply?.code).to.equal(250);
    const id = /sub_[A-Za-z0-9_-]+/.exec(reply!.text)![0];
    // Nothing else was answered: the next reply is the one to our NOOP.
    const noop = await talk.command('NOOP');
    expect(noop?.lines).to.deep.equal(['250 OK']);
    talk.destroy();
    const sub = (await env.ctx.store.getSubmission(id))!;
    const raw = (await env.ctx.vault.get(sub.rawSha256)).toString('latin1');
    expect(raw).to.equal(message + '\r\n');
    expect(sub.envelope.mailFrom).to.equal(SENDER);
  }

  for (const [name, ending] of Object.entries(FAKE_ENDINGS)) {
    it(`keeps a message with ${name} as one message`, async () => {
      const before = (await env.ctx.store.counts()).submissions;
      const message = smugglingMessage(ending);
      const talk = await session();
      talk.write(message + '\r\n.\r\n');
      await expectOneMessage(talk, message);
      expect((await env.ctx.store.counts()).submissions).to.equal(before + 1);
    });

    it(`keeps a message with ${name} as one message when the bytes arrive split around it`, async () => {
      const message = smugglingMessage(ending);
      const at = message.indexOf(ending);
      const talk = await session();
      await writeInPieces(talk, [message.slice(0, at), ...ending.split(''), message.slice(at + ending.length), '\r\n', '.', '\r\n']);
      await expectOneMessage(talk, message);
    });
  }

  it('keeps a leading dot-stuffed line as content even when it arrives as its own segment', async () => {
    const talk = await session();
    // ".." at the very start of DATA is an escaped "." line, not the end of data.
    await writeInPieces(talk, ['..', '\r\n', `MAIL FROM:<ceo@rail.example>\r\nSubject: x\r\n\r\nbody\r\n`, '.\r\n']);
    const reply = await talk.read();
    expect(reply?.code).to.equal(250);
    expect((await talk.command('NOOP'))?.lines).to.deep.equal(['250 OK']);
    talk.destroy();
  });
});
