// A council for the digest delivery tests, on the real SQLite store: one participant ("water")
// publishes at every class, another participant ("gas") publishes an AMBER source of an indicator
// water published at YELLOW, and readers of every tier (plus one in water itself) subscribe.
// Values carry distinctive tokens (`redleak3`, `amberleak7`, …) so a test can look for them in
// everything a digest holds, whatever the defanging.
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { indicatorId } from '../../../core/ids.ts';
import { createLogger } from '../../../core/logger.ts';
import { createMailer, type MailerSettings } from '../../../core/mailer.ts';
import type { IndicatorInput } from '../../../core/store/port.ts';
import type { Principal, SharingClass } from '../../../core/types.ts';
import { publishSubmission } from '../../../sharing/publication.ts';
import { loadChannelPolicy, type ChannelPolicy } from '../../../sharing/digests/channels.ts';
import type { DigestDeps } from '../../../sharing/digests/run.ts';
import { loadSchedules } from '../../../sharing/digests/schedules.ts';
import { subscribe, type SubscribeRequest } from '../../../sharing/digests/subscriptions.ts';
import { REPO } from '../../helpers/cli.ts';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.ts';
import { addCouncilOrgs, allClasses, openWorld, type World } from './world.ts';

export const ZIP_PASSWORD = 'digest-zip-pw-1';

export const VALUES = {
  red: 'redleak3.example',
  amber: 'amberleak7.example',
  yellowUrl: 'https://yellowphish.example/login?id=1',
  shared: 'sharedinfra5.example',
  green: '203.0.113.77',
  white: 'e'.repeat(64),
} as const;

/** Tokens that must never reach an observer's or affiliate's digest, nor any e-mail digest. */
export const NARROW_TOKENS = ['redleak3', 'amberleak7', 'Amber Campaign Zeta', 'sector-gasleak'] as const;

export const YELLOW_CAMPAIGN = 'Operation Paper Crane';

export interface Readers {
  readonly observer: Principal;
  readonly affiliate: Principal;
  readonly participant: Principal;
  readonly ownOrg: Principal;
}

export interface DeliveryEnv {
  readonly w: World;
  readonly readers: Readers;
  readonly secretariat: Principal;
  readonly outbox: string;
  deps(settings: MailerSettings, overrides?: Partial<DigestDeps>): DigestDeps;
  subscribe(reader: Principal, req?: Partial<SubscribeRequest>, channels?: ChannelPolicy): Promise<string>;
  /** Publishes one more YELLOW submission of water with these indicators. */
  publishYellow(id: string, indicators: readonly Omit<IndicatorInput, 'class'>[]): Promise<void>;
  cleanup(): Promise<void>;
}

export const sealKey = randomBytes(32);

export interface DeliveryFixture {
  readonly env: DeliveryEnv;
  /** A test may close it and put another here (one that refuses some recipients); it is closed after the test. */
  sink: SmtpSink;
}

/** Registers mocha hooks: a fresh delivery env and SMTP sink (the relay) for each test, closed after it. */
export function deliveryFixture(): DeliveryFixture {
  const f = {} as { env: DeliveryEnv; sink: SmtpSink };
  beforeEach(async function () {
    f.env = await openDeliveryEnv();
    f.sink = await startSmtpSink();
  });
  afterEach(async function () {
    await f.sink?.close();
    await f.env?.cleanup();
  });
  return f;
}

/** `start`: the world's clock (10:00 in Tokyo by default; real time for tests with fresh certificates). */
export async function openDeliveryEnv(start = Date.UTC(2026, 2, 2, 1, 0, 0)): Promise<DeliveryEnv> {
  const w = await openWorld(start);
  const council = await addCouncilOrgs(w);
  const gas = await w.addOrg('gas', 'participant', { sector: 'sector-gasleak' });
  const secretariat = await w.addPrincipal('sec-1', council.secretariat.id, ['secretariat']);
  const waterSubmitter = await w.addPrincipal('water-sub', council.water.id, ['submitter']);
  const gasSubmitter = await w.addPrincipal('gas-sub', gas.id, ['submitter']);
  const readers: Readers = {
    observer: await w.addPrincipal('obs-r', council.observer.id, ['reader']),
    affiliate: await w.addPrincipal('aff-r', council.affiliate.id, ['reader']),
    participant: await w.addPrincipal('rail-r', council.rail.id, ['reader']),
    ownOrg: await w.addPrincipal('water-r', council.water.id, ['reader']),
  };
  const pubDeps = { store: w.store, audit: w.audit, clock: w.clock };
  const submit = async (
    id: string,
    org: typeof gas,
    who: Principal,
    cls: SharingClass,
    indicators: readonly Omit<IndicatorInput, 'class'>[],
    campaign?: string,
  ) => {
    await w.addSubmission(
      id,
      org,
      who,
      allClasses(cls),
      indicators.map((i) => ({ ...i, class: cls })),
    );
    if (campaign) await w.store.updateSubmission(id, { campaign }, w.clock().toISOString());
    await publishSubmission(pubDeps, id, secretariat.id);
    w.tick(60);
  };
  await submit('s-red', council.water, waterSubmitter, 'RED', [{ type: 'domain-name', value: VALUES.red, kind: 'network' }], 'Red Campaign');
  await submit(
    's-yellow',
    council.water,
    waterSubmitter,
    'YELLOW',
    [
      { type: 'url', value: VALUES.yellowUrl, kind: 'network' },
      { type: 'domain-name', value: VALUES.shared, kind: 'network' },
    ],
    YELLOW_CAMPAIGN,
  );
  await submit(
    's-amber',
    gas,
    gasSubmitter,
    'AMBER',
    [
      { type: 'domain-name', value: VALUES.amber, kind: 'network' },
      { type: 'domain-name', value: VALUES.shared, kind: 'network' },
    ],
    'Amber Campaign Zeta',
  );
  await submit('s-green', council.water, waterSubmitter, 'GREEN', [{ type: 'ipv4-addr', value: VALUES.green, kind: 'network' }]);
  await submit('s-white', council.water, waterSubmitter, 'WHITE', [{ type: 'file-sha256', value: VALUES.white, kind: 'file' }]);
  const at = w.clock().toISOString();
  // Sightings: an AMBER one (no e-mail digest may count it) and a GREEN one.
  await w.store.addSighting(
    { indicatorId: indicatorId('url', VALUES.yellowUrl), orgId: council.rail.id, class: 'AMBER', count: 5, seenAt: at, idempotencyKey: null },
    at,
  );
  await w.store.addSighting(
    { indicatorId: indicatorId('ipv4-addr', VALUES.green), orgId: council.rail.id, class: 'GREEN', count: 3, seenAt: at, idempotencyKey: null },
    at,
  );

  const outbox = mkdtempSync(path.join(os.tmpdir(), 'c4tap-digest-outbox-'));
  const schedules = loadSchedules(path.join(REPO, 'policies'));
  const channels = loadChannelPolicy(path.join(REPO, 'policies'));
  const log = createLogger({ level: 'silent' });
  const deps = (settings: MailerSettings, overrides: Partial<DigestDeps> = {}): DigestDeps => ({
    store: w.store,
    mailer: createMailer({ ...settings, clock: w.clock }),
    clock: w.clock,
    log,
    schedules,
    channels,
    sealKey,
    exchange: { name: 'C4TAP test exchange', hostname: 'c4tap.test', baseUrl: 'https://c4tap.test/' },
    leaseMs: 10 * 60_000,
    retryMs: 30 * 60_000,
    owner: 'test-run',
    ...overrides,
  });
  return {
    w,
    readers,
    secretariat,
    outbox,
    deps,
    async subscribe(reader, req = {}, policy = channels) {
      const { subscription } = await subscribe(
        { store: w.store, clock: w.clock, newId: (p) => `${p}_${reader.id}_${req.schedule ?? 'daily'}`, schedules, channels: policy, sealKey },
        { principalId: reader.id, schedule: 'daily', attachments: 'zip', zipPassword: ZIP_PASSWORD, fromSeq: 0, ...req },
      );
      return subscription.id;
    },
    async publishYellow(id, indicators) {
      await submit(id, council.water, waterSubmitter, 'YELLOW', indicators);
    },
    async cleanup() {
      rmSync(outbox, { recursive: true, force: true });
      await w.cleanup();
    },
  };
}

export interface OpenedDigest {
  readonly text: string;
  readonly html: string;
  readonly csv: string;
  readonly stix: { readonly objects: readonly Record<string, unknown>[] } & Record<string, unknown>;
  readonly zipNames: readonly string[];
}

/** The parts of a received digest, the zip opened with the password. */
export async function openDigest(parsed: ParsedMail, password = ZIP_PASSWORD): Promise<OpenedDigest> {
  const zip = parsed.attachments.find((a) => a.filename?.endsWith('.zip'));
  const files = new Map<string, string>();
  if (zip) {
    const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(zip.content)));
    for (const e of (await reader.getEntries()) as FileEntry[]) {
      files.set(e.filename, Buffer.from(await e.getData(new Uint8ArrayWriter(), { password })).toString('utf8'));
    }
    await reader.close();
  }
  const pick = (suffix: string) => [...files].find(([name]) => name.endsWith(suffix))?.[1] ?? '';
  const stixText = pick('.stix.json');
  return {
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    csv: pick('.csv'),
    stix: stixText ? JSON.parse(stixText) : { objects: [] },
    zipNames: [...files.keys()],
  };
}
