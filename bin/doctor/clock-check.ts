// Doctor check of the clock. Token expiry, TOTP codes (30-second steps), audit timestamps and the
// publication log all trust it. There is no NTP client here, so the check uses, in order:
//   1. the outbound relay's SMTP greeting, when a relay is set and its greeting carries a date
//      (Exim and Sendmail put one there): a direct comparison with another machine's clock;
//   2. `timedatectl show -p NTPSynchronized` (systemd): whether the system synchronises its clock;
//   3. otherwise a warning that it cannot be checked, saying how to check it by hand.
import { execFile } from 'node:child_process';
import net from 'node:net';
import type { LoadedConfig } from '../../core/config.ts';
import type { CheckResult } from './checks.ts';

/** Beyond this TOTP codes start failing (one 30-second step). */
const WARN_SKEW_MS = 30_000;
/** Beyond this tokens and audit times are visibly wrong. */
const FAIL_SKEW_MS = 5 * 60_000;
const RFC5322_DATE = /(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}/;

/** The first line the SMTP server sends (its 220 greeting), then QUIT. */
export function smtpGreeting(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let text = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const end = text.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.end('QUIT\r\n');
      resolve(text.slice(0, end).trim());
    });
    socket.on('error', (err) => (clearTimeout(timer), reject(err)));
    socket.on('close', () => (clearTimeout(timer), reject(new Error('closed before its greeting'))));
  });
}

function timedatectl(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 3000 }, (err, stdout) => resolve(err ? null : stdout.trim()));
  });
}

function fromSkew(where: string, skewMs: number): CheckResult {
  const s = Math.round(skewMs / 1000);
  const detail = `${s >= 0 ? 'ahead of' : 'behind'} ${where} by ${Math.abs(s)} s`;
  const abs = Math.abs(skewMs);
  if (abs > FAIL_SKEW_MS)
    return {
      name: 'time skew',
      status: 'fail',
      detail,
      fix: 'synchronise the clock (systemd-timesyncd or chrony): token expiry, TOTP and audit times depend on it',
    };
  if (abs > WARN_SKEW_MS)
    return { name: 'time skew', status: 'warn', detail, fix: 'synchronise the clock (systemd-timesyncd or chrony): TOTP codes fail beyond 30 s' };
  return { name: 'time skew', status: 'ok', detail };
}

export async function timeSkew(loaded: LoadedConfig, now: () => Date = () => new Date()): Promise<CheckResult> {
  const { relayHost, relayPort } = loaded.config.mail;
  if (relayHost) {
    const greeting = await smtpGreeting(relayHost, relayPort, 5000).catch(() => '');
    const date = RFC5322_DATE.exec(greeting)?.[0];
    // The greeting's date has whole seconds: compare against the middle of that second.
    if (date) return fromSkew(`the relay ${relayHost} (its greeting's date)`, now().getTime() - (Date.parse(date) + 500));
  }
  const synced = await timedatectl();
  if (synced === 'yes') return { name: 'time skew', status: 'ok', detail: 'the system clock is synchronised (timedatectl: NTPSynchronized=yes)' };
  if (synced === 'no')
    return {
      name: 'time skew',
      status: 'warn',
      detail: 'the system clock is not synchronised (timedatectl: NTPSynchronized=no)',
      fix: 'enable systemd-timesyncd or chrony (timedatectl set-ntp true)',
    };
  return {
    name: 'time skew',
    status: 'warn',
    detail: 'cannot check: no systemd (timedatectl) here and no relay greeting with a date',
    fix: 'check that NTP runs on the host (chronyc tracking), as token expiry and TOTP depend on the clock',
  };
}
