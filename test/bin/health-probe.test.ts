// The health probe's rule for analysis: degraded when three attempts failed and none succeeded
// since; ok again after the next success. Counted from the worker's own metric.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMetrics } from '../../core/metrics.ts';
import { createLogger } from '../../core/logger.ts';
import { createHealthProbe } from '../../bin/setup/health-probe.ts';

describe('health probe: analysis jobs that keep failing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-health-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says degraded after three failed attempts with no success since and ok again after one succeeds', async () => {
    const { analysisDuration } = createMetrics({ defaultMetrics: false });
    const probe = createHealthProbe({
      dataDir: dir,
      vaultDir: null,
      vault: { freeBytes: async () => null },
      minFreeBytes: 0,
      analysisDuration,
      log: createLogger({ level: 'silent' }),
      cacheMs: 0,
    });
    analysisDuration.observe({ outcome: 'done' }, 0.1);
    expect(await probe()).to.deep.equal({ status: 'ok', reasons: [] });
    analysisDuration.observe({ outcome: 'error' }, 0.1);
    analysisDuration.observe({ outcome: 'error' }, 0.1);
    analysisDuration.observe({ outcome: 'retry' }, 0.1);
    expect(await probe()).to.deep.equal({ status: 'ok', reasons: [] });
    analysisDuration.observe({ outcome: 'failed' }, 0.1);
    const degraded = await probe();
    expect(degraded.status).to.equal('degraded');
    expect(degraded.reasons).to.have.length(1);
    expect(degraded.reasons[0]).to.match(/^analysis jobs keep failing: 3 attempts failed and none succeeded since \d{4}-\d\d-\d\dT/);
    analysisDuration.observe({ outcome: 'done' }, 0.1);
    expect(await probe()).to.deep.equal({ status: 'ok', reasons: [] });
  });

  it('runs the disk probe at most once per cache period however many requests come', async () => {
    const { analysisDuration } = createMetrics({ defaultMetrics: false });
    let reads = 0;
    const probe = createHealthProbe({
      dataDir: dir,
      vaultDir: null,
      vault: { freeBytes: async () => (reads++, null) },
      minFreeBytes: 0,
      analysisDuration,
      log: createLogger({ level: 'silent' }),
      cacheMs: 60_000,
    });
    await Promise.all(Array.from({ length: 50 }, () => probe()));
    await probe();
    expect(reads).to.equal(1);
  });
});
