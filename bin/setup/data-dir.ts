// The data and policies directories a command works on, checked before anything opens them.
// Only `serve` and `init` may create the data directory; every other command refuses with one line
// naming the path it looked at, the setting that chose it and how to fix it (no silent new ./var).
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { describeSetting, type LoadedConfig } from '../../core/config.ts';
import { C4Error } from '../../core/errors.ts';
import { secretsPath } from '../../core/secrets.ts';

function refuse(message: string): never {
  throw new C4Error('CONFIG_INVALID', message);
}

const POINT_IT =
  'run the command where your config is, pass --config FILE, or set C4TAP_DATA_DIR to the data directory `c4tap serve` or `c4tap init` created';

/**
 * Refuses a missing, uninitialised or unwritable data directory, and a missing policies directory.
 * With `create`, makes the data directory (mode 0700) when it does not exist yet.
 */
export function checkDirectories(loaded: LoadedConfig, options: { readonly create: boolean }): void {
  const { dataDir, policiesDir } = loaded.config;
  const dataSetting = describeSetting('dataDir', loaded.sources);
  if (!existsSync(policiesDir) || !statSync(policiesDir).isDirectory()) {
    refuse(`no policies directory at ${policiesDir}: ${describeSetting('policiesDir', loaded.sources)}; point it at the installation's policies/ folder or a copy of it`);
  }
  if (!existsSync(dataDir)) {
    if (!options.create) refuse(`no data directory at ${dataDir}: ${dataSetting}; create one with "c4tap init", or ${POINT_IT}`);
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      refuse(`cannot create the data directory ${dataDir}: ${dataSetting}: ${(err as Error).message}`);
    }
  }
  if (!statSync(dataDir).isDirectory()) refuse(`data directory ${dataDir} is not a directory: ${dataSetting}`);
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EACCES';
    refuse(
      `data directory ${dataDir} is not writable by user ${os.userInfo().username} (${code}): ${dataSetting}; ` +
        'give that user the directory (chown, chmod 0700) or mount it read-write',
    );
  }
  if (!options.create && !existsSync(secretsPath(dataDir))) {
    refuse(`data directory ${dataDir} is not initialised (no secrets.json): ${dataSetting}; initialise it with "c4tap init", or ${POINT_IT}`);
  }
}
