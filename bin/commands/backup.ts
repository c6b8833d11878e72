// `c4tap backup <dir>`: an online backup of the embedded deployment (the exchange may keep running),
// verified before the command reports success. See bin/backup/take-backup.ts.
import path from 'node:path';
import type { Command } from 'commander';
import { C4Error } from '../../core/errors.ts';
import { loadedFrom, programVersion } from '../cli-support.ts';
import { checkDirectories } from '../setup/data-dir.ts';
import { LAYOUT, takeBackup } from '../backup/take-backup.ts';

export function registerBackup(program: Command): void {
  program
    .command('backup <dir>')
    .description('online backup of the database (SQLite backup API), vault, secrets and policies into a new directory, verified')
    .action(async (dir: string, _opts: unknown, cmd: Command) => {
      const loaded = loadedFrom(cmd);
      if (loaded.config.store.backend === 'mongodb') {
        throw new C4Error(
          'VALIDATION_FAILED',
          'backup of the MongoDB store (and its GridFS vault) is mongodump\'s job: mongodump --uri "$MONGODB_URI" --archive=c4tap.archive, and keep secrets.json with it',
        );
      }
      checkDirectories(loaded, { create: false });
      const target = path.resolve(dir);
      const { manifest, vanished } = await takeBackup(
        { dataDir: loaded.config.dataDir, policiesDir: loaded.config.policiesDir, version: programVersion(), now: new Date() },
        target,
      );
      const count = (part: string) => manifest.files.filter((f) => f.path.startsWith(`${part}/`)).length;
      const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
      const c = manifest.counts;
      const out = (line: string) => process.stdout.write(line + '\n');
      out(
        `database: schema ${manifest.schemaVersion}, ${c.submissions} submissions, ${c.samples} samples, ${c.indicators} indicators, ${c.principals} principals, ${c.auditEvents} audit events`,
      );
      out(`vault: ${count(LAYOUT.vault)} sealed blobs (copied encrypted)${vanished ? `; ${vanished} removed by retention during the copy` : ''}`);
      out(`secrets: ${LAYOUT.secrets}${count(LAYOUT.tls) ? ', tls/' : ''}; policies: ${count(LAYOUT.policies)} files`);
      out(`verified: integrity_check ok, counts equal, ${manifest.files.length} files (${Math.round(bytes / 1024)} KiB) match the manifest`);
      out(`backup in ${target} — it holds the vault keys (secrets.json): keep it as safe as the data directory`);
    });
}
