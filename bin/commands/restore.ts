// `c4tap restore <dir>`: a backup taken by `c4tap backup` onto a new data directory (the one the
// config names, e.g. C4TAP_DATA_DIR). See bin/backup/restore-backup.ts.
import path from 'node:path';
import type { Command } from 'commander';
import { describeSetting } from '../../core/config.ts';
import { C4Error } from '../../core/errors.ts';
import { loadedFrom } from '../cli-support.ts';
import { restoreBackup } from '../backup/restore-backup.ts';

export function registerRestore(program: Command): void {
  program
    .command('restore <dir>')
    .description('restore a backup onto a new (missing or empty) data directory, after checking every file against its manifest')
    .action(async (dir: string, _opts: unknown, cmd: Command) => {
      const loaded = loadedFrom(cmd);
      if (loaded.config.store.backend === 'mongodb') {
        throw new C4Error(
          'VALIDATION_FAILED',
          `a c4tap backup restores the embedded store: unset MONGODB_URI/store.backend (${describeSetting('store.backend', loaded.sources)}), restore, then c4tap migrate`,
        );
      }
      const { dataDir, policiesDir } = loaded.config;
      const report = await restoreBackup(path.resolve(dir), { dataDir, policiesDir, dataSetting: describeSetting('dataDir', loaded.sources) });
      const m = report.manifest;
      const out = (line: string) => process.stdout.write(line + '\n');
      out(`checked: ${m.files.length} files match the manifest of the backup taken ${m.createdAt} by c4tap ${m.version}`);
      out(
        `restored into ${dataDir}: database (${m.counts.submissions} submissions, ${m.counts.indicators} indicators), secrets.json (0600), ${report.blobs} blobs decrypt with the restored keys`,
      );
      switch (report.policies.kind) {
        case 'restored':
          out(`policies: restored into ${report.policies.dir}`);
          break;
        case 'same':
          out(`policies: ${report.policies.dir} already holds the same files`);
          break;
        case 'beside':
          out(
            `policies: ${policiesDir} differs from the backup's and was left alone; the backup's are in ${report.policies.dir} (point policiesDir there to use them)`,
          );
          break;
      }
      out('start the exchange with c4tap serve');
    });
}
