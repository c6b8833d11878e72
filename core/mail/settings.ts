// The mailer's settings from the config: the files it names (relay CA, S/MIME certificate and key)
// are read once, here, at start. The private key becomes a KeyObject and is never logged.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { C4Error } from '../errors.ts';
import type { Clock } from '../ids.ts';
import type { MailerSettings } from '../mailer.ts';
import { loadSmimeSigner } from './smime.ts';

function readConfigFile(key: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `cannot read ${key} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { key, file });
  }
}

export function mailerSettings(mail: Config['mail'], outboxDir: string, clock?: Clock): MailerSettings {
  const { smimeCertFile, smimeKeyFile, relayCaFile, ...rest } = mail;
  return {
    ...rest,
    relayCa: relayCaFile ? readConfigFile('mail.relayCaFile', relayCaFile) : undefined,
    smime:
      smimeCertFile && smimeKeyFile
        ? loadSmimeSigner(readConfigFile('mail.smimeCertFile', smimeCertFile), readConfigFile('mail.smimeKeyFile', smimeKeyFile))
        : undefined,
    outboxDir,
    ...(clock ? { clock } : {}),
  };
}
