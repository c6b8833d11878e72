// The digest policies as shipped (policies/digests) and as an operator might get them wrong:
// schedule slots in Tokyo time, the classes each tier's digest carries, and start-up refusals.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isC4Error } from '../../core/errors.ts';
import { digestChannel, loadChannelPolicy, optInProblem, type ChannelPolicy } from '../../sharing/digests/channels.ts';
import { isDue, latestSlot, loadSchedules, nextSlot } from '../../sharing/digests/schedules.ts';
import { REPO } from '../helpers/cli.ts';

const POLICIES = path.join(REPO, 'policies');

describe('digest policies', function () {
  describe('schedules', function () {
    const schedules = loadSchedules(POLICIES);
    const daily = schedules.get('daily')!;
    const weekly = schedules.get('weekly')!;

    it('puts the daily slot at 09:00 in Tokyo whatever the server zone', function () {
      expect(latestSlot(daily, new Date('2026-03-02T00:30:00Z'))!.toISOString()).to.equal('2026-03-02T00:00:00.000Z');
      expect(latestSlot(daily, new Date('2026-03-01T23:59:59Z'))!.toISOString()).to.equal('2026-03-01T00:00:00.000Z');
      expect(nextSlot(daily, new Date('2026-03-02T00:00:00Z'))!.toISOString()).to.equal('2026-03-03T00:00:00.000Z');
    });

    it('puts the weekly slot on Mondays at 09:00 in Tokyo', function () {
      expect(latestSlot(weekly, new Date('2026-03-05T12:00:00Z'))!.toISOString()).to.equal('2026-03-02T00:00:00.000Z');
      expect(latestSlot(weekly, new Date('2026-03-01T23:00:00Z'))!.toISOString()).to.equal('2026-02-23T00:00:00.000Z');
    });

    it('is due once a slot passed after the last one handled, or after the subscription was created', function () {
      const now = new Date('2026-03-02T00:00:00Z');
      expect(isDue(daily, { lastSlotAt: null, createdAt: '2026-03-01T05:00:00.000Z' }, now)).to.equal(true);
      expect(isDue(daily, { lastSlotAt: null, createdAt: '2026-03-02T00:00:00.000Z' }, now)).to.equal(false);
      expect(isDue(daily, { lastSlotAt: '2026-03-02T00:00:00.000Z', createdAt: '2026-02-01T00:00:00.000Z' }, now)).to.equal(false);
      expect(isDue(daily, { lastSlotAt: '2026-03-01T00:00:00.000Z', createdAt: '2026-02-01T00:00:00.000Z' }, now)).to.equal(true);
    });
  });

  describe('channel policy', function () {
    const shipped = loadChannelPolicy(POLICIES);
    const amberOn: ChannelPolicy = { ...shipped, email: { ...shipped.email, AMBER: 'encrypted' } };
    const cert = '-----BEGIN CERTIFICATE-----…';

    it('sends observers YELLOW and wider, affiliates GREEN and wider, participants YELLOW and wider, never RED or AMBER by default', function () {
      expect(digestChannel(shipped, 'observer', { amber: false, smimeCertificate: null })).to.deep.equal({
        classes: ['YELLOW', 'GREEN', 'WHITE'],
        encrypt: false,
      });
      expect(digestChannel(shipped, 'affiliate', { amber: false, smimeCertificate: null })).to.deep.equal({ classes: ['GREEN', 'WHITE'], encrypt: false });
      expect(digestChannel(shipped, 'participant', { amber: true, smimeCertificate: cert })).to.deep.equal({
        classes: ['YELLOW', 'GREEN', 'WHITE'],
        encrypt: false,
      });
      expect(optInProblem(shipped, 'participant', { amber: true, smimeCertificate: cert })).to.match(/does not send AMBER/);
    });

    it('adds AMBER for an opted-in participant with a certificate only when the policy enables it, and then encrypts', function () {
      expect(digestChannel(amberOn, 'participant', { amber: true, smimeCertificate: cert })).to.deep.equal({
        classes: ['AMBER', 'YELLOW', 'GREEN', 'WHITE'],
        encrypt: true,
      });
      expect(digestChannel(amberOn, 'participant', { amber: true, smimeCertificate: null }).classes).to.not.include('AMBER');
      expect(digestChannel(amberOn, 'participant', { amber: false, smimeCertificate: cert }).classes).to.not.include('AMBER');
      expect(digestChannel(amberOn, 'observer', { amber: true, smimeCertificate: cert }).classes).to.not.include('AMBER');
      expect(optInProblem(amberOn, 'participant', { amber: true, smimeCertificate: cert })).to.equal(null);
    });
  });

  describe('refused at load', function () {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-digest-policy-'));
      mkdirSync(path.join(dir, 'digests'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const write = (name: string, value: unknown) => writeFileSync(path.join(dir, 'digests', name), JSON.stringify(value));
    const problems = (load: () => unknown): string => {
      try {
        load();
      } catch (err) {
        expect(isC4Error(err, 'CONFIG_INVALID'), String(err)).to.equal(true);
        return (err as Error).message;
      }
      throw new Error('expected CONFIG_INVALID');
    };

    it('names every bad schedule: cron pattern, time zone, unknown key', function () {
      write('schedules.json', {
        version: 1,
        schedules: {
          daily: { cron: '61 9 * * *', timeZone: 'Asia/Tokyo' },
          weekly: { cron: '0 9 * * MON', timeZone: 'Mars/Olympus' },
          odd: { cron: '0 9 * * *', timeZone: 'UTC', every: 2 },
        },
      });
      const message = problems(() => loadSchedules(dir));
      expect(message).to.include('schedules.json');
      expect(message).to.match(/schedules\.daily\.cron/);
      expect(message).to.match(/schedules\.weekly\.timeZone/);
      expect(message).to.match(/schedules\.odd/);
    });

    it('refuses RED or AMBER as plain e-mail and an opt-in wider than the tier start', function () {
      write('channels.json', {
        version: 1,
        email: { RED: 'plain', AMBER: 'plain', YELLOW: 'plain', GREEN: 'plain', WHITE: 'plain' },
        tiers: { participant: { from: 'YELLOW', optIn: 'GREEN' }, observer: { from: 'YELLOW' }, affiliate: { from: 'GREEN' } },
      });
      const message = problems(() => loadChannelPolicy(dir));
      expect(message).to.match(/email\.RED/);
      expect(message).to.match(/email\.AMBER/);
      expect(message).to.match(/tiers\.participant/);
    });

    it('refuses a missing file with its path', function () {
      expect(problems(() => loadChannelPolicy(dir))).to.include(path.join(dir, 'digests', 'channels.json'));
    });
  });
});
