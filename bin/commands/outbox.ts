// `c4tap outbox list [--json]` and `c4tap outbox show <file> [--raw]`: the mail the embedded
// set-up wrote instead of sending (no relay configured), oldest first. Reads files only.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { listOutbox } from '../../core/mailer.ts';
import { readOutboxMessage, summarizeOutboxEntry } from '../../core/mail/outbox-view.ts';
import { C4Error } from '../../core/errors.ts';
import { configFrom, initialisedConfig, printTable } from '../cli-support.ts';
import { outboxDir } from '../context.ts';

const FILE_NAME = /^[\w.-]+\.eml$/;

function relayNote(cmd: Command): string | null {
  const config = configFrom(cmd);
  return config.mail.relayHost ? `note: mail goes to the relay ${config.mail.relayHost}; the outbox holds only mail written before it was configured\n` : null;
}

export function registerOutbox(program: Command): void {
  const outbox = program.command('outbox').description('outgoing mail kept in the data directory (embedded default, no relay)');
  outbox
    .command('list')
    .description('date, recipient, subject and size of each message, oldest first')
    .option('--json', 'one JSON array')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const dir = outboxDir(initialisedConfig(cmd).dataDir);
      const summaries = await Promise.all(listOutbox(dir).map(summarizeOutboxEntry));
      if (opts.json) {
        process.stdout.write(JSON.stringify(summaries, null, 2) + '\n');
        return;
      }
      const note = relayNote(cmd);
      if (note) process.stderr.write(note);
      printTable(summaries.map((s) => ({ date: s.date ?? '', to: s.to, subject: s.subject, size: String(s.size), smime: s.smime, file: s.file })));
    });
  outbox
    .command('show <file>')
    .description('one message: header fields, text and attachments (--raw: the .eml as stored)')
    .option('--raw', 'print the message bytes as stored')
    .action(async (file: string, opts: { raw?: boolean }, cmd: Command) => {
      const name = path.basename(file);
      if (!FILE_NAME.test(name)) throw new C4Error('VALIDATION_FAILED', `not an outbox file name: ${file} (see c4tap outbox list)`);
      const full = path.join(outboxDir(initialisedConfig(cmd).dataDir), name);
      let raw: Buffer;
      try {
        raw = readFileSync(full);
      } catch {
        throw new C4Error('NOT_FOUND', `no message ${name} in the outbox (see c4tap outbox list)`);
      }
      if (opts.raw) {
        process.stdout.write(raw);
        return;
      }
      const m = await readOutboxMessage({ file: full, raw });
      const lines = [
        `File:       ${m.file}`,
        `Date:       ${m.date ?? ''}`,
        `From:       ${m.from}`,
        `To:         ${m.to}`,
        `Subject:    ${m.subject}`,
        `Message-ID: ${m.messageId ?? ''}`,
        `Size:       ${m.size} bytes`,
        `S/MIME:     ${m.smime === 'encrypted' ? 'encrypted (only the recipient can read the content)' : m.smime}`,
        ...m.attachments.map((a) => `Attachment: ${a.filename} (${a.contentType}, ${a.size} bytes)`),
        '',
        m.text,
      ];
      process.stdout.write(lines.join('\n').replace(/\n*$/, '\n'));
    });
}
