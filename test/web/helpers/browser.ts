// Debian's Chromium driven by playwright-core (no browser download): headless, sandbox off (CI
// runs as root), no network services of its own, a fresh profile per launch. Suites that use it
// say "(needs Chromium)" and skip without it, except in CI (CI set), where a missing browser fails.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startConsoleEnv, type ConsoleEnv, type ConsoleEnvOptions } from './console-env.ts';
import { totpAt } from './http-client.ts';
import { requireTool } from '../../helpers/require-tool.ts';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Call in `before`: skips the suite without Chromium, or fails it in CI. */
export function requireChromium(ctx: Mocha.Context): void {
  requireTool(ctx, existsSync(CHROMIUM) ? null : { why: `${CHROMIUM} is not installed`, fix: 'apt-get install chromium' });
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'c4tap-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: 'en-GB',
    timezoneId: 'Asia/Tokyo',
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface BrowserSuite {
  readonly env: ConsoleEnv;
  readonly browser: Browser;
}

/**
 * Registers the suite's hooks: skips without Chromium (fails in CI), starts a console env with these
 * options and Chromium once before the suite, closes both after it.
 */
export function browserSuite(options: ConsoleEnvOptions): BrowserSuite {
  const f = {} as { env: ConsoleEnv; browser: Browser };
  before(async function () {
    requireChromium(this);
    f.env = await startConsoleEnv(options);
    f.browser = await launchChromium();
  });
  after(async () => {
    await f.browser?.close();
    await f.env?.close();
  });
  return f;
}

/** Signs in through the pages: password, then TOTP enrolment (first login) or the second factor. */
export async function signIn(page: Page, origin: string, name: string, password: string, secret: string | null): Promise<string> {
  await page.goto(`${origin}/console/login?lang=en`);
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  if (secret === null) {
    await page.waitForURL('**/console/login/enrol');
    const enrolled = (await page.textContent('[data-testid="totp-secret"]'))!.trim();
    await page.fill('input[name="code"]', await totpAt(enrolled, new Date()));
    await page.click('form[action$="/login/enrol"] button[type="submit"]');
    await page.click('a.button');
    await page.waitForURL('**/console/queue');
    return enrolled;
  }
  await page.waitForURL('**/console/login/second-factor');
  await page.fill('input[name="code"]', await totpAt(secret, new Date()));
  await page.click('form[action$="/login/second-factor"] button[type="submit"]');
  await page.waitForURL('**/console/queue');
  return secret;
}
