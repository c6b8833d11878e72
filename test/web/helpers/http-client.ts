// A minimal browser stand-in over fetch: keeps cookies, never follows redirects on its own, and
// finds the CSRF token of the page it last read. For console tests that need no real browser.
import { generate } from 'otplib';

export interface Reply {
  readonly status: number;
  readonly location: string | null;
  readonly text: string;
  readonly headers: Headers;
}

export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly origin: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(this.origin + path, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    this.remember(res);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: res.status, location: res.headers.get('location'), text, headers: res.headers };
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', path, undefined, headers);
  }

  /** POST with the CSRF token of the last page read (unless the form names its own). */
  post(path: string, form: Record<string, string> = {}): Promise<Reply> {
    return this.request('POST', path, { _csrf: this.csrf, ...form });
  }
}

/** The TOTP code an authenticator shows at `at` for this secret. */
export function totpAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

export function secretFromEnrolPage(html: string): string {
  const m = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html);
  if (!m) throw new Error('no TOTP secret on the enrolment page');
  return m[1]!;
}

export function recoveryCodesFrom(html: string): string[] {
  return [...html.matchAll(/<li><code>([a-z0-9-]{14})<\/code><\/li>/g)].map((m) => m[1]!);
}

export interface LoggedIn {
  readonly client: ConsoleClient;
  readonly secret: string;
  readonly recoveryCodes: readonly string[];
}

/** Password, enrolment with the code the authenticator shows now: an active session. */
export async function loginAndEnrol(origin: string, name: string, password: string, now: () => Date): Promise<LoggedIn> {
  const client = new ConsoleClient(origin);
  await client.get('/console/login');
  const r1 = await client.post('/console/login', { name, password });
  if (r1.location !== '/console/login/enrol') throw new Error(`expected enrolment, got ${r1.status} ${r1.location}`);
  const secret = secretFromEnrolPage((await client.get('/console/login/enrol')).text);
  const r2 = await client.post('/console/login/enrol', { code: await totpAt(secret, now()) });
  if (r2.status !== 200) throw new Error(`enrolment failed: ${r2.status}`);
  return { client, secret, recoveryCodes: recoveryCodesFrom(r2.text) };
}

/** Password and the current TOTP code of an already enrolled principal: an active session. */
export async function loginWithTotp(origin: string, name: string, password: string, secret: string, now: () => Date): Promise<ConsoleClient> {
  const client = new ConsoleClient(origin);
  await client.get('/console/login');
  const r1 = await client.post('/console/login', { name, password });
  if (r1.location !== '/console/login/second-factor') throw new Error(`expected the second factor, got ${r1.status} ${r1.location}`);
  await client.get('/console/login/second-factor');
  const r2 = await client.post('/console/login/second-factor', { code: await totpAt(secret, now()) });
  if (r2.location !== '/console/queue') throw new Error(`second factor refused: ${r2.status}`);
  return client;
}
