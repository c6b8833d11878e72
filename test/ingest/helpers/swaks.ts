// Runs the real `swaks` client against a test server and reads the replies from its transcript.
import { execFile } from 'node:child_process';
import { commandOutput, requireTool, type Missing } from '../../helpers/require-tool.ts';

export interface SwaksRun {
  readonly exitCode: number;
  readonly transcript: string;
  /** Every reply line the server sent, e.g. "250 Accepted as submission sub_…". */
  readonly replies: readonly string[];
  /** Code of the last reply before QUIT's 221 (the outcome of the transaction). */
  readonly lastCode: number | null;
  readonly lastReply: string | null;
}

export interface SwaksOptions {
  readonly port: number;
  readonly from: string;
  readonly to: string;
  /** File holding the message (sent as DATA). */
  readonly dataFile?: string;
  readonly tls?: boolean;
  readonly auth?: { readonly user: string; readonly password: string; readonly type?: 'PLAIN' | 'LOGIN' };
  readonly extra?: readonly string[];
}

/**
 * Runs swaks once more when the first run got no reply from the server at all (the client could
 * not talk to it: a machine-level hiccup, not a server answer). Any reply, right or wrong, is
 * returned as it came, so every assertion still sees the server's real behaviour.
 */
export async function swaks(o: SwaksOptions): Promise<SwaksRun> {
  const first = await swaksOnce(o);
  if (first.replies.length > 0) return first;
  process.stderr.write(`swaks got no reply from 127.0.0.1:${o.port}; running it once more. Transcript:\n${first.transcript}\n`);
  return swaksOnce(o);
}

function swaksOnce(o: SwaksOptions): Promise<SwaksRun> {
  const args = ['--server', '127.0.0.1', '--port', String(o.port), '--from', o.from, '--to', o.to, '--timeout', '15'];
  if (o.dataFile) args.push('--data', `@${o.dataFile}`);
  if (o.tls) args.push('--tls');
  if (o.auth) args.push('--auth', o.auth.type ?? 'PLAIN', '--auth-user', o.auth.user, '--auth-password', o.auth.password);
  args.push(...(o.extra ?? []));
  return new Promise((resolve) => {
    execFile('swaks', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      const transcript = `${stdout}\n${stderr}`;
      const replies = transcript
        .split('\n')
        .map((l) => /^<[-~]?[-~*]?\*?\s+(\d{3}[ -].*)$/.exec(l)?.[1])
        .filter((l): l is string => l !== undefined)
        .map((l) => l.trimEnd());
      const finals = replies.filter((r) => /^\d{3} /.test(r) && !r.startsWith('221 '));
      const last = finals[finals.length - 1] ?? null;
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ exitCode: code, transcript, replies, lastCode: last ? Number(last.slice(0, 3)) : null, lastReply: last });
    });
  });
}

/** The submission id named in a 250 reply. */
export function submissionIdIn(reply: string | null): string | null {
  return /\b(sub_[A-Za-z0-9_-]+)/.exec(reply ?? '')?.[1] ?? null;
}

let support: Missing | null | undefined;

/** In a `before` hook of a suite that runs swaks: swaks must be installed and able to do STARTTLS. */
export function requireSwaks(ctx: Mocha.Context): void {
  support ??= (() => {
    // `swaks --support` lists each feature: "=== TLS supported" or "*** TLS not available: requires Net::SSLeay".
    const out = commandOutput('swaks', ['--support']);
    if (out === null) return { why: 'swaks is not installed', fix: 'apt-get install swaks libnet-ssleay-perl libio-socket-ssl-perl' };
    const tls = out.split('\n').find((l) => /\bTLS\b/.test(l)) ?? 'no TLS line in swaks --support';
    if (!/^=== TLS supported/.test(tls))
      return { why: `swaks cannot do STARTTLS (${tls.replace(/^[=*]+\s*/, '')})`, fix: 'apt-get install libnet-ssleay-perl libio-socket-ssl-perl' };
    return null;
  })();
  requireTool(ctx, support);
}
