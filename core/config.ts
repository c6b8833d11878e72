// One typed configuration: defaults < config file < environment. Validated once, then frozen.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { C4Error } from './errors.ts';
import { unknownFileKeys, unknownEnvNames } from './config-keys.ts';

const num = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const bool = () => z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean());
const host = () => z.string().min(1);

const MB = 1024 * 1024;

/** `192.0.2.0/24`, `2001:db8::/32` or a single address. */
function isCidr(text: string): boolean {
  const [addr, prefix, ...rest] = text.split('/');
  const family = addr ? isIP(addr) : 0;
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export const configSchema = z.object({
  /** Data directory of the embedded set-up: database, vault, secrets, TLS certificate, outbox. */
  dataDir: z.string().min(1).default('./var'),
  /** Folder holding policies (retention, YARA rules, warning lists). */
  policiesDir: z.string().min(1).default('./policies'),
  exchange: z
    .object({
      name: z.string().min(1).default('C4TAP'),
      /** Drop address participants forward suspect mail to; its domain is never an indicator. */
      dropAddress: z.string().email().default('report@c4tap.example'),
      /** Domain the exchange serves (hostname for SMTP greeting and the certificate). */
      hostname: z.string().min(1).default('localhost'),
      /** Base URL of the console and API as participants reach it (used in receipts and digests). */
      baseUrl: z.url().default('http://127.0.0.1:8080'),
    })
    .prefault({}),
  smtp: z
    .object({
      enabled: bool().default(true),
      host: host().default('127.0.0.1'),
      port: num(0, 65535).default(2525),
      /** Early-talker wait before the 220 greeting, in milliseconds (smtp-server hard-codes 100). */
      greetingDelayMs: num(0, 10_000).default(100),
      maxMessageBytes: num(1024).default(25 * MB),
      /** Largest drill reply (unauthenticated mail to drill+<token>@…) accepted; only its header is read. */
      maxDrillReplyBytes: num(1024).default(256 * 1024),
      maxRecipients: num(1, 1000).default(10),
      maxConnectionsPerClient: num(1, 10_000).default(20),
      maxConnections: num(1, 100_000).default(500),
      idleTimeoutMs: num(1000).default(60_000),
      dataTimeoutMs: num(1000).default(300_000),
      /** Longest time for one command line to arrive (per-command deadline; the idle timeout is reset by every byte). */
      commandTimeoutMs: num(1000).default(60_000),
      /** Slowest DATA accepted: after commandTimeoutMs, at least this many bytes per second on average (0: off). */
      minDataRateBytesPerSecond: num(0).default(500),
      /** Connections from one /24 (IPv4) or /48 (IPv6) outside registered networks. */
      maxConnectionsPerNetwork: num(1, 100_000).default(50),
      /** Slots of maxConnections kept for clients in organisations' registered networks. */
      reservedConnections: num(0, 100_000).default(100),
      /** Allow AUTH without STARTTLS for clients on loopback (tests, local relays). */
      allowInsecureAuthOnLoopback: bool().default(false),
      /** PEM files; when unset the generated self-signed certificate in dataDir is used. */
      tlsCertFile: z.string().optional(),
      tlsKeyFile: z.string().optional(),
      /** Failed AUTH attempts allowed per client address / per user name in authWindowSeconds. */
      authFailuresPerAddress: num(1).default(10),
      authFailuresPerUser: num(1).default(5),
      /** authFailuresPerUser counts per (user name, client /24 or /48); failures for a user from outside its organisation's registered networks are capped by this in total. */
      authFailuresPerUserFromElsewhere: num(1).default(20),
      authWindowSeconds: num(1).default(900),
      /** Refuse new mail (452 at MAIL FROM) when free space in dataDir falls below this. */
      minFreeBytes: num(0).default(200 * MB),
    })
    .prefault({}),
  http: z
    .object({
      enabled: bool().default(true),
      host: host().default('127.0.0.1'),
      port: num(0, 65535).default(8080),
      trustProxy: bool().default(false),
    })
    .prefault({}),
  /** REST API v1 (`/api/v1`). */
  api: z
    .object({
      /** Requests allowed per token in rateLimitWindowSeconds; more answer 429. */
      rateLimitPoints: num(1).default(600),
      rateLimitWindowSeconds: num(1).default(60),
      /** Indicators per page: default and the most a client may ask for. */
      defaultPageSize: num(1, 10_000).default(1000),
      maxPageSize: num(1, 10_000).default(5000),
      /** Requests allowed per client address on the public WHITE feed (/public/v1) in publicRateLimitWindowSeconds; more answer 429. */
      publicRateLimitPoints: num(1).default(120),
      publicRateLimitWindowSeconds: num(1).default(60),
    })
    .prefault({}),
  /** The analyst console (web role). */
  console: z
    .object({
      /** Client networks (CIDR) allowed to reach the console; empty means any. */
      allowedNetworks: z
        .preprocess(
          (v) =>
            typeof v === 'string'
              ? v
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean)
              : v,
          z.array(z.string().refine(isCidr, 'expected an address or network in CIDR notation, e.g. 192.0.2.0/24')),
        )
        .default([]),
      /** A session ends after this long without a request … */
      sessionIdleMinutes: num(1, 24 * 60).default(30),
      /** … and this long after login, whatever happens. */
      sessionAbsoluteHours: num(1, 7 * 24).default(12),
      /** Failed logins (password or second factor) allowed per user name and per client address in loginWindowSeconds. */
      loginFailuresPerUser: num(1).default(5),
      loginFailuresPerAddress: num(1).default(20),
      /** loginFailuresPerUser counts per (user name, client /24 or /48); failures for a user from outside its organisation's registered networks are capped by this in total. */
      loginFailuresPerUserFromElsewhere: num(1).default(20),
      loginWindowSeconds: num(1).default(900),
      /** How often the queue page asks for new submissions, in seconds (0: never). */
      queueRefreshSeconds: num(0, 3600).default(30),
    })
    .prefault({}),
  store: z
    .object({
      backend: z.enum(['sqlite', 'mongodb']).default('sqlite'),
      mongodbUri: z.string().optional(),
      /** MongoDB write concern (`majority` by default) and journaling. */
      writeConcern: z.string().default('majority'),
      journal: bool().default(true),
    })
    .prefault({}),
  worker: z
    .object({
      enabled: bool().default(true),
      leaseMs: num(1000).default(120_000),
      maxAttempts: num(1, 100).default(5),
      pollMs: num(10).default(1000),
      /** First retry delay of a failed analysis; doubles per attempt up to retryMaxMs. */
      retryBaseMs: num(0).default(30_000),
      retryMaxMs: num(0).default(30 * 60_000),
      /** Analysis child processes of `c4tap serve` (analysis/worker-pool.ts); default one per core. */
      processes: num(1, 256).default(() => availableParallelism()),
      /** Heap cap of each analysis child (--max-old-space-size): one that needs more is killed and replaced. */
      memoryMb: num(64).default(1024),
    })
    .prefault({}),
  /** Limits of the analysis of one submission (hostile input: archives, nesting). */
  analysis: z
    .object({
      /** Levels of archives opened: 1 = only archives attached to the mail, 2 = also archives inside those, … */
      maxArchiveDepth: num(1, 20).default(3),
      /** Archive members expanded per submission, all archives together. */
      maxArchiveMembers: num(1).default(1000),
      /** Bytes expanded from archives per submission, all archives together. */
      maxExpandedBytes: num(1024).default(100 * MB),
      /** Highest uncompressed/compressed size ratio accepted for an archive member of 1 MiB or more. */
      maxCompressionRatio: num(2).default(100),
      /** Candidate passwords tried per encrypted archive (PPAP). */
      maxPasswordsTried: num(0, 1000).default(20),
      /**
       * What one submission may cost (analysis/budget.ts); bytes expanded is maxExpandedBytes.
       * When spent, the rest is not scanned and the analysis ends as `incomplete: budget`, not retried.
       */
      budget: z
        .object({
          wallClockMs: num(1000).default(120_000),
          filesScanned: num(1).default(1000),
          clamdMs: num(100).default(120_000),
        })
        .prefault({}),
    })
    .prefault({}),
  clamd: z
    .object({
      socket: z.string().optional(),
      host: z.string().optional(),
      port: num(1, 65535).optional(),
      /** Absolute deadline of one scan (connect, stream, verdict). */
      timeoutMs: num(100).default(30_000),
      /** Largest file streamed to clamd; keep it below clamd's StreamMaxLength (25M by default). Larger files are not scanned. */
      maxStreamBytes: num(1).default(24 * MB),
    })
    .prefault({}),
  mail: z
    .object({
      from: z.string().default('C4TAP <noreply@c4tap.example>'),
      /** Outbound relay; when host is unset, mail goes to the outbox in dataDir. */
      relayHost: z.string().optional(),
      relayPort: num(1, 65535).default(587),
      relaySecure: bool().default(false),
      relayUser: z.string().optional(),
      relayPassword: z.string().optional(),
      /** PEM file of a CA to trust for the relay's certificate, besides the system CAs (a private relay). */
      relayCaFile: z.string().optional(),
      /** Longest wait for the relay to connect, greet or answer one command, in milliseconds. */
      relayTimeoutMs: num(1000, 600_000).default(60_000),
      /**
       * S/MIME signing of every outgoing message: PEM certificate (then any intermediates) and its
       * unencrypted private key (RSA or EC), read once at start. Unset: mail is not signed.
       */
      smimeCertFile: z.string().optional(),
      smimeKeyFile: z.string().optional(),
      /** Mail the submitter when its report's analysis finished, was published or rejected. */
      submitterNotifications: bool().default(true),
    })
    .prefault({}),
  /** E-mail digests (sharing/digests): schedules and channel policy are in policies/digests. */
  digests: z
    .object({
      /** Run due digests in the worker role of `c4tap serve`. */
      enabled: bool().default(true),
      /** How often the worker looks for due digests, in seconds. */
      pollSeconds: num(1, 3600).default(60),
      /** Run lease of one subscription: another worker takes over a run stalled this long. */
      leaseSeconds: num(30, 86_400).default(600),
      /** Wait before a subscription whose digest failed (relay refusal, …) is tried again. */
      retryMinutes: num(0, 7 * 24 * 60).default(30),
    })
    .prefault({}),
  /** What shared views withhold so that no organisation is singled out (sharing/sector-privacy.ts). */
  sharing: z
    .object({
      /** A view names a sector only when at least this many other organisations of it are among the sources the viewer may see. */
      minOrgsPerSector: num(1, 1000).default(3),
    })
    .prefault({}),
  jwt: z
    .object({
      algorithm: z.enum(['HS256', 'HS384', 'HS512']).default('HS256'),
      issuer: z.string().default('c4tap'),
      audience: z.string().default('c4tap-api'),
      maxTtlDays: num(1, 3650).default(365),
    })
    .prefault({}),
  log: z
    .object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Secret keys of the config: redacted by `c4tap config print`. */
export const SECRET_CONFIG_KEYS: readonly string[] = ['mail.relayPassword', 'store.mongodbUri'];

export interface LoadConfigOptions {
  /** Path of a JSON config file (`--config`); defaults to $C4TAP_CONFIG, then ./c4tap.config.json, then the installation's. */
  readonly file?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Programmatic overrides (tests, CLI flags), applied last. */
  readonly overrides?: DeepPartial<z.input<typeof configSchema>>;
  /** Directory relative paths resolve against (default: the current directory). */
  readonly cwd?: string;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Where a setting's value came from, so an error blames the right place. */
export type SettingSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'override' };

export interface LoadedConfig {
  readonly config: Config;
  /** The config file read, if any. */
  readonly file: string | null;
  /** Source of every setting that was not left at its default. */
  readonly sources: ReadonlyMap<string, SettingSource>;
}

/** The installation directory (holds package.json, policies/ and, by default, var/). */
export const INSTALL_DIR = path.resolve(import.meta.dirname, '..');

/** Settings that name a file or directory: relative values resolve against their source's directory. */
const PATH_KEYS = [
  'dataDir',
  'policiesDir',
  'smtp.tlsCertFile',
  'smtp.tlsKeyFile',
  'mail.relayCaFile',
  'mail.smimeCertFile',
  'mail.smimeKeyFile',
  'clamd.socket',
];

/** Environment variable for a config key: `smtp.maxMessageBytes` → `C4TAP_SMTP_MAX_MESSAGE_BYTES`. */
export function envName(keyPath: string): string {
  return (
    'C4TAP_' +
    keyPath
      .replace(/\./g, '_')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toUpperCase()
  );
}

/** Every setting's key path (`smtp.port`, `dataDir`, …). */
export function settingKeys(): string[] {
  return keyPaths(configSchema.shape);
}

/** `smtp.port (environment C4TAP_SMTP_PORT)`, `dataDir (config file /etc/c4tap.json)`, `http.port (default)`. */
export function describeSetting(keyPath: string, sources: ReadonlyMap<string, SettingSource>): string {
  const known = settingKeys()
    .filter((k) => keyPath === k || keyPath.startsWith(k + '.'))
    .sort((a, b) => b.length - a.length)[0];
  const source = (known && sources.get(known)) || { kind: 'default' };
  const key = known ?? keyPath;
  switch (source.kind) {
    case 'default':
      return `${key} (default; set it in a config file or ${envName(key)})`;
    case 'file':
      return `${key} (config file ${source.file})`;
    case 'env':
      return `${key} (environment ${source.name})`;
    case 'override':
      return `${key} (command line)`;
  }
}

function keyPaths(shape: z.ZodRawShape, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(shape)) {
    const inner = unwrap(value as z.ZodType);
    if (inner instanceof z.ZodObject) out.push(...keyPaths(inner.shape, `${prefix}${key}.`));
    else out.push(prefix + key);
  }
  return out;
}

function unwrap(t: z.ZodType): z.ZodType {
  let cur: z.ZodType = t;
  for (;;) {
    const def = (cur as unknown as { def: { innerType?: z.ZodType; type: string } }).def;
    if (def.innerType && (def.type === 'default' || def.type === 'prefault' || def.type === 'optional')) {
      cur = def.innerType;
    } else return cur;
  }
}

function setPath(target: Record<string, unknown>, keyPath: string, value: unknown): void {
  const parts = keyPath.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (typeof next !== 'object' || next === null) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function getPath(source: unknown, keyPath: string): unknown {
  return keyPath.split('.').reduce<unknown>((o, p) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[p] : undefined), source);
}

/** The config file to read: --config, $C4TAP_CONFIG, ./c4tap.config.json, the installation's c4tap.config.json. */
function configFile(options: LoadConfigOptions, env: NodeJS.ProcessEnv, cwd: string): { file: string; via: string } | null {
  if (options.file) return { file: path.resolve(cwd, options.file), via: '--config' };
  if (env.C4TAP_CONFIG) return { file: path.resolve(cwd, env.C4TAP_CONFIG), via: 'environment C4TAP_CONFIG' };
  for (const dir of [cwd, INSTALL_DIR]) {
    const candidate = path.join(dir, 'c4tap.config.json');
    if (existsSync(candidate)) return { file: candidate, via: 'found' };
  }
  return null;
}

function readConfigFile(found: { file: string; via: string }): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(found.file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new C4Error('CONFIG_INVALID', `config file ${found.file} (${found.via}): ${why}`, { file: found.file });
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('expected a JSON object');
    return raw as Record<string, unknown>;
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `config file ${found.file}: not valid JSON (${(err as Error).message})`, { file: found.file });
  }
}

/**
 * Load and validate the configuration once. Throws CONFIG_INVALID listing every bad or unknown
 * key with what was expected and where it was set (config file or environment variable), so
 * start-up fails with a message an operator can act on. Relative paths resolve against the
 * directory of the config file that set them (the current directory for environment variables,
 * the installation directory for the defaults `./var` and `./policies`).
 */
export function loadConfigDetailed(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const found = configFile(options, env, cwd);
  const raw = found ? readConfigFile(found) : {};
  const keys = settingKeys();
  const sources = new Map<string, SettingSource>();
  const overrides = (options.overrides ?? {}) as Record<string, unknown>;
  const fromEnv: Record<string, unknown> = {};
  for (const keyPath of keys) {
    if (found && getPath(raw, keyPath) !== undefined) sources.set(keyPath, { kind: 'file', file: found.file });
    const v = env[envName(keyPath)];
    if (v !== undefined && v !== '') {
      setPath(fromEnv, keyPath, v);
      sources.set(keyPath, { kind: 'env', name: envName(keyPath) });
    }
  }
  if (env.MONGODB_URI) {
    setPath(fromEnv, 'store.mongodbUri', env.MONGODB_URI);
    sources.set('store.mongodbUri', { kind: 'env', name: 'MONGODB_URI' });
    if (!env[envName('store.backend')]) setPath(fromEnv, 'store.backend', 'mongodb');
  }
  for (const keyPath of keys) if (getPath(overrides, keyPath) !== undefined) sources.set(keyPath, { kind: 'override' });
  const unknown = [...(found ? unknownFileKeys(raw, keys, found.file) : []), ...unknownEnvNames(env, keys.map(envName))];
  const merged = merge(merge(raw, fromEnv), overrides);
  const parsed = configSchema.safeParse(merged);
  const problems = [
    ...unknown,
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${describeSetting(i.path.join('.') || '(root)', sources)}: ${i.message}`)),
  ];
  if (problems.length > 0 || !parsed.success) throw invalid(problems);
  const cfg = parsed.data;
  if (cfg.store.backend === 'mongodb' && !cfg.store.mongodbUri) {
    throw invalid([`store.mongodbUri: required when ${describeSetting('store.backend', sources)} is mongodb (or set MONGODB_URI)`]);
  }
  if (Boolean(cfg.smtp.tlsCertFile) !== Boolean(cfg.smtp.tlsKeyFile)) {
    throw invalid(['smtp.tlsCertFile/smtp.tlsKeyFile: set both or neither']);
  }
  if (Boolean(cfg.mail.smimeCertFile) !== Boolean(cfg.mail.smimeKeyFile)) {
    throw invalid(['mail.smimeCertFile/mail.smimeKeyFile: set both or neither']);
  }
  const resolved: Record<string, unknown> = JSON.parse(JSON.stringify(cfg));
  for (const keyPath of PATH_KEYS) {
    const value = getPath(cfg, keyPath);
    if (typeof value !== 'string') continue;
    const source = sources.get(keyPath);
    const base = source?.kind === 'file' ? path.dirname(source.file) : source ? cwd : INSTALL_DIR;
    setPath(resolved, keyPath, path.resolve(base, value));
  }
  return { config: deepFreeze(resolved as Config), file: found?.file ?? null, sources };
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  return loadConfigDetailed(options).config;
}

function invalid(problems: readonly string[]): C4Error {
  return new C4Error('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, { problems });
}

/** The config with secret values replaced, for `c4tap config print` and start-up logs. */
export function redactConfig(cfg: Config): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(cfg)) as Record<string, unknown>;
  for (const key of SECRET_CONFIG_KEYS) {
    const parts = key.split('.');
    const parent = parts.slice(0, -1).reduce<Record<string, unknown> | undefined>((o, p) => o?.[p] as Record<string, unknown> | undefined, copy);
    const leaf = parts[parts.length - 1]!;
    if (parent && parent[leaf] !== undefined) parent[leaf] = '[redacted]';
  }
  return copy;
}
