// A policy file that is missing or invalid at start-up, as one line that also names the setting
// that chose the policies directory and where it was set (the loaders know only the file).
import path from 'node:path';
import { describeSetting, type LoadedConfig } from '../../core/config.ts';
import { C4Error, isC4Error } from '../../core/errors.ts';

export function policyFailure(err: unknown, loaded: LoadedConfig): unknown {
  if (!isC4Error(err, 'CONFIG_INVALID')) return err;
  const file = err.details.file;
  const dir = path.resolve(loaded.config.policiesDir);
  if (typeof file !== 'string' || !path.resolve(file).startsWith(dir + path.sep)) return err;
  return new C4Error('CONFIG_INVALID', `${err.message}; ${describeSetting('policiesDir', loaded.sources)}`, err.details, { cause: err });
}
