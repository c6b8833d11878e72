// Retention over the real SQLite store and filesystem vault.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createAuditAppender, verifyAudit } from '../../core/audit.ts';
import { createLogger } from '../../core/logger.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import type { Store } from '../../core/store/port.ts';
import type { SharingClass } from '../../core/types.ts';
import { createFsBackend } from '../../quarantine/fs-backend.ts';
import { hashBuffer } from '../../quarantine/hashes.ts';
import { loadRetentionPolicy, type RetentionPolicy } from '../../quarantine/retention-policy.ts';
import { planRetention, runRetention, type RetentionDeps, type RetentionResult } from '../../quarantine/retention.ts';
import { startRetentionSchedule } from '../../quarantine/retention-schedule.ts';
import { keepStored } from '../../quarantine/keep-stored.ts';
import { createKeyring, createVault } from '../../quarantine/vault.ts';
import type { Vault } from '../../quarantine/vault-port.ts';
import { makeTempDir, rejectsWith, type TempDir } from './helpers.ts';

const POLICIES_DIR = fileURLToPath(new URL('../../policies', import.meta.url));
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * DAY).toISOString();

describe('retention', () => {
  let tmp: TempDir;
  let store: Store;
  let vaultRoot: string;
  let vault: Vault;
  let policy: RetentionPolicy;
  let deps: RetentionDeps;
  const auditKey = randomBytes(32);
  let seq = 0;

  beforeEach(async () => {
    tmp = await makeTempDir('retention');
    store = openSqliteStore(path.join(tmp.dir, 'c4tap.db'));
    vaultRoot = path.join(tmp.dir, 'vault');
    vault = createVault(createFsBackend(vaultRoot), createKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1'));
    policy = loadRetentionPolicy(POLICIES_DIR);
    const clock = () => NOW;
    deps = { store, vault, audit: createAuditAppender(store, clock, auditKey), clock, log: createLogger({ level: 'silent' }), policy };
    await store.createOrganisation(
      {
        id: 'org_1',
        name: 'Example Rail',
        tier: 'participant',
        sector: 'rail',
        domains: ['rail.example'],
        networks: [],
        contacts: [],
        language: 'en',
        defaultClasses: {},
        rulesAcceptedAt: daysAgo(1000),
      },
      daysAgo(1000),
    );
    await store.createPrincipal(
      {
        id: 'pri_1',
        orgId: 'org_1',
        name: 'soc',
        displayName: 'SOC',
        email: 'soc@rail.example',
        roles: ['submitter'],
        status: 'active',
        passwordHash: null,
        mustChangePassword: false,
        smtpSecretHash: null,
        allowedSenders: [],
        totpSecret: null,
        language: 'en',
        timeZone: 'UTC',
      },
      daysAgo(1000),
    );
  });

  afterEach(async () => {
    await store.close();
    await tmp.remove();
  });

  /** A submission received `age` days ago whose sample kind is `cls`, storing `content` in the vault (unless `put` is false). */
  async function submitSample(content: Buffer, cls: SharingClass, age: number, put = true): Promise<{ submissionId: string; sha256: string }> {
    const submissionId = `sub_${++seq}`;
    const at = daysAgo(age);
    const { sha256, size } = put ? await vault.put(content) : { sha256: hashBuffer(content).sha256, size: content.length };
    await store.createSubmission(
      {
        id: submissionId,
        principalId: 'pri_1',
        orgId: 'org_1',
        receivedAt: at,
        rawSha256: sha256,
        rawSize: size,
        messageId: null,
        dedupKey: submissionId,
        subject: null,
        classDecisions: [],
        envelope: { mailFrom: 'soc@rail.example', rcptTo: ['report@c4tap.example'], remoteAddress: '127.0.0.1', heloName: 'mx', transport: 'smtp' },
        classes: { sample: cls, mail: cls, network: cls, file: cls },
      },
      { id: `job_${seq}`, type: 'analyse', submissionId, runAfter: at },
    );
    const { sha1, md5 } = hashBuffer(content);
    await store.putSample({
      submissionId,
      sha256,
      sha1,
      md5,
      size,
      role: 'attachment',
      declaredName: 'invoice.doc',
      declaredType: null,
      detectedType: null,
      class: cls,
      storedAt: at,
      details: {},
    });
    return { submissionId, sha256 };
  }

  const blob = (label: string): Buffer => Buffer.concat([Buffer.from(label), randomBytes(64)]);

  it('keeps the shipped policy valid, with RED kept shortest', () => {
    for (const cls of ['AMBER', 'YELLOW', 'GREEN', 'WHITE'] as const) {
      expect(policy.sampleDays[cls]).to.be.at.least(policy.sampleDays.RED);
    }
  });

  it('runs by itself every night at 03:30 Japan time with the shipped policy', () => {
    const schedule = startRetentionSchedule({ ...deps, loadPolicy: () => policy, log: createLogger({ level: 'silent' }) }, policy.run!);
    try {
      const next = schedule.next()!;
      const tokyo = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' }).format(next);
      expect(tokyo).to.equal('03:30');
      expect(next.getTime() - Date.now()).to.be.within(0, 24 * 3600 * 1000);
    } finally {
      void schedule.close();
    }
  });

  it('purges expired samples at a slot of its schedule, audited as the system, without anyone running the command', async () => {
    const { sha256 } = await submitSample(blob('expires unattended'), 'RED', policy.sampleDays.RED + 1);
    let done!: (r: RetentionResult) => void;
    const ran = new Promise<RetentionResult>((resolve) => (done = resolve));
    const everySecond = { cron: '* * * * * *', timeZone: 'UTC' };
    const schedule = startRetentionSchedule({ ...deps, loadPolicy: () => policy, log: createLogger({ level: 'silent' }), onRun: (r) => done(r) }, everySecond);
    try {
      const result = await ran;
      expect(result.purged).to.deep.equal([sha256]);
      expect(result.audit).to.include({ actor: 'system', action: 'retention.purged' });
      expect(await vault.has(sha256)).to.equal(false);
    } finally {
      await schedule.close();
    }
  });

  it('purges nothing on a dry run but reports and audits the plan', async () => {
    const old = await submitSample(blob('old red'), 'RED', policy.sampleDays.RED + 1);
    await submitSample(blob('young red'), 'RED', 1);

    const result = await runRetention(deps, { dryRun: true });

    expect(result.plan.blobs.map((b) => b.sha256)).to.deep.equal([old.sha256]);
    expect(result.purged).to.deep.equal([]);
    expect(await vault.has(old.sha256)).to.equal(true);
    expect((await store.listSamples(old.submissionId))[0]!.purgedAt).to.equal(null);
    expect(result.audit.action).to.equal('retention.planned');
    expect(result.audit.data['hashes']).to.deep.equal([old.sha256]);
  });

  it('deletes expired RED blobs but keeps younger ones and longer-kept classes', async () => {
    const oldRed = await submitSample(blob('old red'), 'RED', policy.sampleDays.RED + 1);
    const youngRed = await submitSample(blob('young red'), 'RED', policy.sampleDays.RED - 1);
    const amber = await submitSample(blob('amber'), 'AMBER', policy.sampleDays.RED + 1);
    const oldAmber = await submitSample(blob('old amber'), 'AMBER', policy.sampleDays.AMBER + 1);

    const result = await runRetention(deps, { dryRun: false });

    expect([...result.purged].sort()).to.deep.equal([oldRed.sha256, oldAmber.sha256].sort());
    expect(result.failed).to.deep.equal([]);
    await rejectsWith(vault.get(oldRed.sha256), 'VAULT_NOT_FOUND');
    expect(await vault.has(oldAmber.sha256)).to.equal(false);
    expect(await vault.has(youngRed.sha256)).to.equal(true);
    expect(await vault.has(amber.sha256)).to.equal(true);
  });

  it('keeps a blob still referenced by a fresh submission', async () => {
    const content = blob('shared attachment');
    const old = await submitSample(content, 'RED', policy.sampleDays.RED + 30);
    await submitSample(content, 'RED', 2);

    const plan = await planRetention(store, policy, NOW);
    const result = await runRetention(deps, { dryRun: false });

    expect(plan.blobs).to.deep.equal([]);
    expect(result.purged).to.deep.equal([]);
    expect(await vault.has(old.sha256)).to.equal(true);
  });

  it('purges a shared blob once every reference is past its own period, marking every record', async () => {
    const content = blob('shared and old');
    const red = await submitSample(content, 'RED', policy.sampleDays.RED + 1);
    await submitSample(content, 'GREEN', policy.sampleDays.GREEN + 1);

    const result = await runRetention(deps, { dryRun: false });

    expect(result.purged).to.deep.equal([red.sha256]);
    expect(result.referencesPurged).to.equal(2);
    expect(await vault.has(red.sha256)).to.equal(false);
  });

  it('keeps the sample record as a tombstone with its hashes and purge time', async () => {
    const content = blob('tombstone');
    const { submissionId, sha256 } = await submitSample(content, 'RED', policy.sampleDays.RED + 1);

    await runRetention(deps, { dryRun: false });

    const [record] = await store.listSamples(submissionId);
    const { sha1, md5 } = hashBuffer(content);
    expect(record).to.include({ sha256, sha1, md5, size: content.length, declaredName: 'invoice.doc', purgedAt: NOW.toISOString() });
  });

  it('appends one verifiable retention.purged audit event per run with hashes and counts', async () => {
    const { sha256 } = await submitSample(blob('audited'), 'RED', policy.sampleDays.RED + 1);

    await runRetention(deps, { dryRun: false });
    const second = await runRetention(deps, { dryRun: false });

    const events = await store.listAudit(0, 10);
    expect(events.map((e) => e.action)).to.deep.equal(['retention.purged', 'retention.purged']);
    expect(events[0]!.data['hashes']).to.deep.equal([sha256]);
    expect(events[0]!.data['counts']).to.include({ blobs: 1, references: 1, bytes: 64 + 'audited'.length });
    expect(second.plan.blobs).to.deep.equal([]);
    expect(events[1]!.data['hashes']).to.deep.equal([]);
    expect((await verifyAudit(store, auditKey)).ok).to.equal(true);
  });

  it('keeps a blob that a new submission stored while the run was planning', async () => {
    const content = blob('arrives during the run');
    const old = await submitSample(content, 'RED', policy.sampleDays.RED + 1);
    let arrived = false;
    const racing: RetentionDeps = {
      ...deps,
      store: {
        markBlobPurged: (sha, at, ids) => store.markBlobPurged(sha, at, ids),
        async listSampleRefs(q) {
          const page = await store.listSampleRefs(q);
          if (!arrived) {
            arrived = true;
            await submitSample(content, 'RED', 0);
          }
          return page;
        },
      },
    };

    const result = await runRetention(racing, { dryRun: false });

    expect(result.plan.blobs.map((b) => b.sha256)).to.deep.equal([old.sha256]);
    expect(result.kept).to.deep.equal([old.sha256]);
    expect(await vault.has(old.sha256)).to.equal(true);
    expect((await store.listSamples(old.submissionId))[0]!.purgedAt).to.equal(null);
  });

  it('keeps the sample of a submission that stores the same content while the blob is being deleted', async () => {
    const content = blob('arrives while deleting');
    const old = await submitSample(content, 'RED', policy.sampleDays.RED + 1);
    let fresh: { submissionId: string } | null = null;
    const racing: RetentionDeps = {
      ...deps,
      vault: {
        ...vault,
        // The new submission records its reference between the removal and the second look.
        deleteUnless: (sha, mayGo) =>
          vault.deleteUnless(sha, async () => {
            fresh = await submitSample(content, 'RED', 0);
            return mayGo();
          }),
      },
    };

    const result = await runRetention(racing, { dryRun: false });

    expect(result.kept).to.deep.equal([old.sha256]);
    expect(await vault.get(old.sha256)).to.deep.equal(content);
    expect((await store.listSamples(fresh!.submissionId))[0]!.purgedAt).to.equal(null);
  });

  it('puts back content a run removed after judging it, when a new submission referencing it checks the vault', async () => {
    const content = blob('judged, then referenced');
    const old = await submitSample(content, 'RED', policy.sampleDays.RED + 1);
    // The new submission found the blob present (put skipped) before the run removed it, and
    // records its reference only after the run judged the old one expired.
    const put = await vault.put(content);
    expect(put.created).to.equal(false);
    const result = await runRetention(deps, { dryRun: false });
    expect(result.purged).to.deep.equal([old.sha256]);
    const fresh = await submitSample(content, 'RED', 0, false);

    expect(await keepStored(vault, [{ sha256: put.sha256, content }])).to.equal(1);
    expect(await vault.get(old.sha256)).to.deep.equal(content);
    expect((await store.listSamples(fresh.submissionId))[0]!.purgedAt, 'the new reference was not marked purged').to.equal(null);
    expect((await store.listSamples(old.submissionId))[0]!.purgedAt).to.equal(NOW.toISOString());
  });

  it('removes a blob no record refers to (a 451 never retried), audited, and keeps every referenced one', async () => {
    const orphan = await vault.put(blob('stored, then the store failed'));
    const live = await submitSample(blob('referenced'), 'RED', 1);
    const expired = await submitSample(blob('expired'), 'RED', policy.sampleDays.RED + 1);

    const planned = await runRetention(deps, { dryRun: true });
    expect(planned.orphans.map((o) => o.sha256)).to.deep.equal([orphan.sha256]);
    expect(await vault.has(orphan.sha256), 'a dry run removes nothing').to.equal(true);

    const result = await runRetention(deps, { dryRun: false });
    expect(result.orphans).to.deep.equal([{ sha256: orphan.sha256, size: orphan.size }]);
    expect(await vault.has(orphan.sha256)).to.equal(false);
    expect(await vault.has(live.sha256)).to.equal(true);
    expect(result.purged).to.deep.equal([expired.sha256]);
    expect(result.audit.data['orphanHashes']).to.deep.equal([orphan.sha256]);
    expect(result.audit.data['counts']).to.include({ orphans: 1 });
  });

  it('leaves the record unpurged and reports the failure when the blob cannot be deleted', async () => {
    const { submissionId, sha256 } = await submitSample(blob('stuck'), 'RED', policy.sampleDays.RED + 1);
    await rm(path.join(vaultRoot, sha256.slice(0, 2)), { recursive: true });
    await writeFile(path.join(vaultRoot, sha256.slice(0, 2)), 'not a directory');

    const result = await runRetention(deps, { dryRun: false });

    expect(result.purged).to.deep.equal([]);
    expect(result.failed.map((f) => f.sha256)).to.deep.equal([sha256]);
    expect((await store.listSamples(submissionId))[0]!.purgedAt).to.equal(null);
    expect(result.audit.data['failed']).to.have.length(1);
  });
});

describe('retention policy file', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('policy');
    await mkdir(path.join(tmp.dir, 'retention'));
  });
  afterEach(() => tmp.remove());

  const write = (text: string) => writeFile(path.join(tmp.dir, 'retention', 'retention.json'), text);
  const valid = { version: 1, sampleDays: { RED: 10, AMBER: 20, YELLOW: 20, GREEN: 30, WHITE: 30 } };

  it('loads a complete policy', async () => {
    await write(JSON.stringify(valid));
    expect(loadRetentionPolicy(tmp.dir).sampleDays).to.deep.equal(valid.sampleDays);
  });

  it('names every bad key of an invalid policy', async () => {
    const { WHITE: _white, ...rest } = valid.sampleDays;
    await write(JSON.stringify({ version: 1, sampleDays: { ...rest, RED: 0, BLUE: 5 } }));
    const err = await rejectsWith(
      Promise.resolve().then(() => loadRetentionPolicy(tmp.dir)),
      'CONFIG_INVALID',
    );
    expect(err.message).to.contain('sampleDays.RED').and.contain('sampleDays.WHITE').and.contain('BLUE');
  });

  it('refuses a run schedule that is not a cron pattern in a known time zone, naming it', async () => {
    await write(JSON.stringify({ ...valid, run: { cron: 'at night', timeZone: 'Mars/Olympus' } }));
    const err = await rejectsWith(
      Promise.resolve().then(() => loadRetentionPolicy(tmp.dir)),
      'CONFIG_INVALID',
    );
    expect(err.message).to.contain('run.cron').and.contain('run.timeZone');
  });

  it('says which file is not JSON, or missing', async () => {
    await write('{ "version": 1, ');
    const bad = await rejectsWith(
      Promise.resolve().then(() => loadRetentionPolicy(tmp.dir)),
      'CONFIG_INVALID',
    );
    expect(bad.message).to.contain(path.join('retention', 'retention.json'));
    const missing = await rejectsWith(
      Promise.resolve().then(() => loadRetentionPolicy(path.join(tmp.dir, 'none'))),
      'CONFIG_INVALID',
    );
    expect(missing.message).to.contain('none');
  });
});
