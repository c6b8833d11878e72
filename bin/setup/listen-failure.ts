// A listener that could not start, as one line naming the setting and where it was set.
import { describeSetting, type SettingSource } from '../../core/config.ts';
import { C4Error, isC4Error } from '../../core/errors.ts';

const WHY: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use (another process listens there: stop it or choose another port)',
  EACCES: 'permission denied (ports below 1024 need privileges: choose a higher port or use a reverse proxy)',
  EADDRNOTAVAIL: 'address not available on this machine (choose an address of one of its interfaces)',
};

export function listenFailure(err: unknown, setting: 'http' | 'smtp', host: string, port: number, sources: ReadonlyMap<string, SettingSource>): Error {
  if (isC4Error(err)) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const why = WHY[code];
  if (!why) return err as Error;
  const setting_ = code === 'EADDRNOTAVAIL' ? `${setting}.host` : `${setting}.port`;
  return new C4Error(
    'CONFIG_INVALID',
    `cannot listen on ${host}:${port} for ${setting.toUpperCase()}: ${why}; ${describeSetting(setting_, sources)}`,
    { code },
    { cause: err },
  );
}
