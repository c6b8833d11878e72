// What `c4tap doctor` checks: each dependency and setting, one line each, ok/warn/fail with the fix.
// Checks only look (they change no file mode and open no store), so they run before anything else.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statfsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describeSetting, type LoadedConfig } from '../../core/config.ts';
import { secretsPath } from '../../core/secrets.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about a warn or fail. */
  readonly fix?: string;
}

const DAY = 24 * 3600 * 1000;

/** Secrets and private keys: readable by their owner only. */
export function fileModes(loaded: LoadedConfig): CheckResult[] {
  const { dataDir, smtp, mail } = loaded.config;
  const files = [secretsPath(dataDir), smtp.tlsKeyFile ?? path.join(dataDir, 'tls', 'smtp-key.pem'), ...(mail.smimeKeyFile ? [mail.smimeKeyFile] : [])];
  return files
    .filter((f) => existsSync(f))
    .map((file) => {
      const mode = statSync(file).mode & 0o777;
      const text = mode.toString(8).padStart(4, '0');
      return mode & 0o077
        ? { name: 'file mode', status: 'fail', detail: `${file} is mode ${text}: other users can read it`, fix: `chmod 600 ${file}` }
        : { name: 'file mode', status: 'ok', detail: `${file} mode ${text}` };
    });
}

/** The STARTTLS certificate: present, not expired, not expiring within 30 days. */
export function certificate(loaded: LoadedConfig, now: Date): CheckResult {
  const file = loaded.config.smtp.tlsCertFile ?? path.join(loaded.config.dataDir, 'tls', 'smtp-cert.pem');
  const setting = describeSetting('smtp.tlsCertFile', loaded.sources);
  if (!existsSync(file))
    return {
      name: 'TLS certificate',
      status: 'warn',
      detail: `no certificate at ${file} yet`,
      fix: `c4tap init or serve generates one; production: ${setting}`,
    };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(file));
  } catch (err) {
    return { name: 'TLS certificate', status: 'fail', detail: `${file}: not a PEM certificate (${(err as Error).message})`, fix: setting };
  }
  const until = new Date(cert.validTo);
  const days = Math.floor((until.getTime() - now.getTime()) / DAY);
  if (days < 0) return { name: 'TLS certificate', status: 'fail', detail: `${file} expired on ${until.toISOString()}`, fix: `renew it; ${setting}` };
  if (days < 30)
    return { name: 'TLS certificate', status: 'warn', detail: `${file} expires in ${days} days (${until.toISOString()})`, fix: 'renew it before then' };
  return { name: 'TLS certificate', status: 'ok', detail: `${file} valid until ${until.toISOString()}` };
}

/** Free space in the data directory against smtp.minFreeBytes (below it, SMTP answers 452). */
export function diskFree(loaded: LoadedConfig): CheckResult {
  const { dataDir, smtp } = loaded.config;
  const fs = statfsSync(dataDir);
  const free = fs.bavail * fs.bsize;
  const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
  const detail = `${mib(free)} free in ${dataDir} (smtp.minFreeBytes ${mib(smtp.minFreeBytes)})`;
  if (free < smtp.minFreeBytes) return { name: 'disk', status: 'fail', detail, fix: 'free space: SMTP refuses new mail (452) below smtp.minFreeBytes' };
  if (free < 2 * smtp.minFreeBytes) return { name: 'disk', status: 'warn', detail, fix: 'free space soon' };
  return { name: 'disk', status: 'ok', detail };
}

/** One request/answer exchange on a TCP or Unix socket, with a deadline. */
function ask(target: net.NetConnectOpts, request: string | null, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target);
    let answer = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => (request === null ? socket.end() : socket.write(request)));
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('error', (err) => (clearTimeout(timer), reject(err)));
    socket.on('close', () => (clearTimeout(timer), resolve(answer.replace(/\0/g, '').trim())));
  });
}

/** clamd answers PING, and its signatures are at most 3 days old. */
export async function clamd(loaded: LoadedConfig, now: Date): Promise<CheckResult[]> {
  const { socket, host, port } = loaded.config.clamd;
  if (!socket && !host)
    return [
      {
        name: 'clamd',
        status: 'warn',
        detail: 'not configured: every AV result reads "AV not configured"',
        fix: 'install clamav-daemon and set clamd.socket (or clamd.host/clamd.port)',
      },
    ];
  const target: net.NetConnectOpts = socket ? { path: socket } : { host: host!, port: port ?? 3310 };
  const where = socket ?? `${host}:${port ?? 3310}`;
  const setting = describeSetting(socket ? 'clamd.socket' : 'clamd.host', loaded.sources);
  try {
    const pong = await ask(target, 'zPING\0', 3000);
    if (pong !== 'PONG') return [{ name: 'clamd', status: 'fail', detail: `${where} answered "${pong}" to PING`, fix: setting }];
    const version = await ask(target, 'zVERSION\0', 3000);
    const date = new Date(version.split('/')[2] ?? '');
    const days = (now.getTime() - date.getTime()) / DAY;
    const signatures: CheckResult = Number.isNaN(days)
      ? { name: 'clamd signatures', status: 'warn', detail: `age unknown (${version})`, fix: 'run freshclam' }
      : days > 3
        ? { name: 'clamd signatures', status: 'warn', detail: `${Math.floor(days)} days old (${version})`, fix: 'run freshclam (or its service)' }
        : { name: 'clamd signatures', status: 'ok', detail: version };
    return [{ name: 'clamd', status: 'ok', detail: `${where} answers PING` }, signatures];
  } catch (err) {
    return [
      {
        name: 'clamd',
        status: 'fail',
        detail: `${where}: ${(err as Error).message}`,
        fix: `start clamd (systemctl start clamav-daemon) or correct ${setting}`,
      },
    ];
  }
}

/** The outbound relay accepts a connection (or mail goes to the outbox). */
export async function relay(loaded: LoadedConfig): Promise<CheckResult> {
  const { relayHost, relayPort } = loaded.config.mail;
  if (!relayHost) return { name: 'mail relay', status: 'ok', detail: 'none: mail goes to the outbox in the data directory' };
  try {
    await ask({ host: relayHost, port: relayPort }, null, 5000);
    return { name: 'mail relay', status: 'ok', detail: `${relayHost}:${relayPort} accepts connections` };
  } catch (err) {
    return {
      name: 'mail relay',
      status: 'fail',
      detail: `${relayHost}:${relayPort}: ${(err as Error).message}`,
      fix: describeSetting('mail.relayHost', loaded.sources),
    };
  }
}
