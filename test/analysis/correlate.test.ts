import { expect } from 'chai';
import type { Store } from '../../core/store/port.ts';
import type { ClusterFeature, IndicatorType, InfoKind } from '../../core/types.ts';
import { indicatorId } from '../../core/ids.ts';
import {
  clusterFeaturesOf,
  clusterSubmission,
  correlateSubmission,
  recipientProfileOf,
  subjectTemplate,
  toIndicatorInputs,
  type RecipientProfile,
} from '../../analysis/correlate/index.ts';
import type { CandidateIndicator } from '../../analysis/types.ts';
import { at, classes, orgInput, principalInput, seedSubmission, type Submitter } from '../contracts/store-fixtures.ts';
import { openTempSqlite, type TempSqlite } from '../core/helpers/sqlite-temp.ts';
import { analyse, FIXTURES, RULES } from './indicators-fixtures.ts';

const PLACEHOLDERS = Object.values(RULES.placeholders);
const NAMED: RecipientProfile = { count: 1, named: 1, undisclosed: false };

function cand(type: IndicatorType, value: string, kind: InfoKind, over: Partial<CandidateIndicator> = {}): CandidateIndicator {
  return { type, value, kind, origins: [{ field: 'test' }], warningLists: [], ...over };
}

async function seedOrg(store: Store, id: string, sector: string): Promise<Submitter> {
  const org = await store.createOrganisation(orgInput(id, { sector, domains: [`${id}.example`] }), at(0));
  const principal = await store.createPrincipal(principalInput(`${id}-p1`, id), at(0));
  return { org, principal };
}

describe('correlation and clustering', function () {
  let db: TempSqlite;
  beforeEach(async function () {
    db = await openTempSqlite();
  });
  afterEach(async function () {
    await db.cleanup();
  });

  describe('storing indicators', function () {
    it('stores a value found as two kinds once, under the more restrictive class, with every origin', function () {
      const inputs = toIndicatorInputs(
        [
          cand('domain-name', 'lure.xyz', 'network', { origins: [{ field: 'text-host' }] }),
          cand('domain-name', 'lure.xyz', 'mail', { origins: [{ field: 'from-domain' }], warningLists: ['x'] }),
          cand('url', 'https://lure.xyz/a', 'network'),
        ],
        classes('GREEN', { mail: 'RED', network: 'AMBER' }),
      );
      expect(inputs).to.deep.equal([
        {
          type: 'domain-name',
          value: 'lure.xyz',
          kind: 'mail',
          class: 'RED',
          context: { origins: [{ field: 'text-host' }, { field: 'from-domain' }], kinds: ['network', 'mail'], warningLists: ['x'] },
        },
        {
          type: 'url',
          value: 'https://lure.xyz/a',
          kind: 'network',
          class: 'AMBER',
          context: { origins: [{ field: 'test' }], kinds: ['network'], warningLists: [] },
        },
      ]);
    });
  });

  describe('related submissions', function () {
    it('links submissions through shared indicators, but not through warning-listed or false-positive ones', async function () {
      const { store } = db;
      const a = await seedOrg(store, 'org1', 'rail');
      const b = await seedOrg(store, 'org2', 'finance');
      const s1 = await seedSubmission(store, a, 's1');
      const s2 = await seedSubmission(store, b, 's2');
      const s3 = await seedSubmission(store, b, 's3');
      const url = cand('url', 'https://lure.xyz/login', 'network');
      const gmail = cand('domain-name', 'gmail.com', 'mail', { warningLists: ['webmail-providers'] });
      const hash = cand('file-sha256', 'b'.repeat(64), 'file');
      await store.upsertIndicators(s1, 'org1', at(100), toIndicatorInputs([url, gmail, hash], classes('AMBER')));
      await store.upsertIndicators(s2, 'org2', at(200), toIndicatorInputs([url, gmail], classes('RED')));
      await store.upsertIndicators(s3, 'org2', at(300), toIndicatorInputs([gmail, hash], classes('GREEN')));
      await store.setSourceFalsePositive(indicatorId('file-sha256', 'b'.repeat(64)), s3, true);

      const c = await correlateSubmission(store, s1);
      expect(c.related).to.deep.equal([{ submissionId: s2, orgId: 'org2', indicatorIds: [indicatorId('url', 'https://lure.xyz/login')] }]);
      const byValue = Object.fromEntries(c.relations.map((r) => [r.value, r]));
      expect(Object.keys(byValue)).to.have.members(['https://lure.xyz/login', 'gmail.com', 'b'.repeat(64)]);
      expect(byValue['gmail.com']!.warningListed).to.equal(true);
      expect(byValue['gmail.com']!.others.map((s) => [s.submissionId, s.class])).to.have.deep.members([
        [s2, 'RED'],
        [s3, 'GREEN'],
      ]);
      expect(byValue['b'.repeat(64)]!.others.map((s) => s.falsePositive)).to.deep.equal([true]);
    });

    it('finds nothing for a submission whose indicators nobody else has', async function () {
      const a = await seedOrg(db.store, 'org1', 'rail');
      const s1 = await seedSubmission(db.store, a, 's1');
      await db.store.upsertIndicators(s1, 'org1', at(100), toIndicatorInputs([cand('url', 'https://only.xyz/', 'network')], classes('RED')));
      expect(await correlateSubmission(db.store, s1)).to.deep.equal({ submissionId: s1, relations: [], related: [] });
    });
  });

  describe('mass mailing or targeted', function () {
    const host: ClusterFeature = { type: 'url-host', value: 'lure.xyz' };

    it('labels a campaign reported by several organisations across sectors a mass mailing, with the evidence', async function () {
      const { store } = db;
      const sectors = ['rail', 'finance', 'finance', 'water'];
      const subs: string[] = [];
      for (const [i, sector] of sectors.entries()) {
        const who = await seedOrg(store, `org${i + 1}`, sector);
        subs.push(await seedSubmission(store, who, `s${i + 1}`));
      }
      for (const [i, s] of subs.slice(0, 3).entries())
        await store.putClusterFeatures(s, `org${i + 1}`, at(100 + i), [host, { type: 'sender-ip', value: '45.9.8.7' }]);
      const label = await clusterSubmission(store, { submissionId: subs[3]!, orgId: 'org4', seenAt: at(200), features: [host], recipients: NAMED });
      expect(label.label).to.equal('mass');
      expect(label.organisations).to.equal(4);
      expect(label.sectors).to.deep.equal(['finance', 'rail', 'water']);
      expect(label.members.map((m) => m.submissionId)).to.have.members(subs.slice(0, 3));
      expect(label.evidence).to.include('url-host lure.xyz: shared with 3 other submission(s)');
    });

    it('labels mail that only one organisation reported, sent to one named person, targeted', async function () {
      const { store } = db;
      const a = await seedOrg(store, 'org1', 'electricity');
      const s1 = await seedSubmission(store, a, 's1');
      const s2 = await seedSubmission(store, a, 's2');
      await store.putClusterFeatures(s1, 'org1', at(100), [host]);
      const label = await clusterSubmission(store, { submissionId: s2, orgId: 'org1', seenAt: at(200), features: [host], recipients: NAMED });
      expect(label.label).to.equal('targeted');
      expect(label.members.map((m) => [m.submissionId, m.shared])).to.deep.equal([[s1, [host]]]);
    });

    it('does not call mail to undisclosed recipients targeted, nor count submissions older than the window', async function () {
      const { store } = db;
      const a = await seedOrg(store, 'org1', 'electricity');
      const b = await seedOrg(store, 'org2', 'finance');
      const c = await seedOrg(store, 'org3', 'rail');
      const old = await seedSubmission(store, b, 'old');
      const older = await seedSubmission(store, c, 'older');
      const s = await seedSubmission(store, a, 's');
      await store.putClusterFeatures(old, 'org2', '2024-01-01T00:00:00.000Z', [host]);
      await store.putClusterFeatures(older, 'org3', '2024-01-02T00:00:00.000Z', [host]);
      const recent = await clusterSubmission(store, {
        submissionId: s,
        orgId: 'org1',
        seenAt: '2024-06-01T00:00:00.000Z',
        features: [host],
        recipients: { count: 1, named: 0, undisclosed: true },
      });
      expect(recent.label).to.equal('undetermined');
      expect(recent.members).to.deep.equal([]);
      const wide = await clusterSubmission(store, {
        submissionId: s,
        orgId: 'org1',
        seenAt: '2024-06-01T00:00:00.000Z',
        features: [host],
        recipients: NAMED,
        windowDays: 365,
      });
      expect(wide.label).to.equal('mass');
    });

    it('calls mail sent to many recipients at once a mass mailing even before others report it', async function () {
      const a = await seedOrg(db.store, 'org1', 'electricity');
      const s = await seedSubmission(db.store, a, 's');
      const label = await clusterSubmission(db.store, {
        submissionId: s,
        orgId: 'org1',
        seenAt: at(100),
        features: [],
        recipients: { count: 40, named: 40, undisclosed: false },
      });
      expect(label.label).to.equal('mass');
    });
  });

  describe('clustering features', function () {
    it('makes a subject template without ids, numbers, placeholders or reply prefixes', function () {
      const a = subjectTemplate('RE: Invoice 4411 overdue for [victim] (victim@example.invalid)', PLACEHOLDERS);
      const b = subjectTemplate('Fwd: INVOICE 9912-B overdue for [victim] (victim@example.invalid)', PLACEHOLDERS);
      expect(a).to.equal('invoice # overdue for * ( * )');
      expect(b).to.equal(a);
      expect(subjectTemplate('【重要】[victim]様 賞与明細のお知らせ 2024年6月', PLACEHOLDERS)).to.equal('【重要】 * 様 賞与明細のお知らせ #');
      expect(subjectTemplate('Invoice 123', PLACEHOLDERS), 'too generic').to.equal(null);
      expect(subjectTemplate(null, PLACEHOLDERS)).to.equal(null);
    });

    it('takes sender infrastructure, URL hosts, attachments and the template, and leaves warning-listed values out', async function () {
      const { sanitized } = await analyse(FIXTURES.find((f) => f.name === 'victim identifiers in URLs')!);
      const extra = [
        cand('ipv4-addr', '45.9.8.7', 'mail', { origins: [{ field: 'received', detail: '#1 from (ip)' }] }),
        cand('file-sha256', 'c'.repeat(64), 'file', { origins: [{ field: 'attachment', detail: 'a.lnk' }] }),
        cand('domain-name', 'gmail.com', 'mail', { warningLists: ['webmail-providers'] }),
      ];
      const features = clusterFeaturesOf([...sanitized.indicators, ...extra], sanitized.subject, PLACEHOLDERS);
      expect(features).to.have.deep.members([
        { type: 'sender-domain', value: 'mailbox-verify-portal.xyz' },
        { type: 'sender-domain', value: 'quick-pay-transfer.xyz' },
        { type: 'url-host', value: 'mailbox-verify-portal.xyz' },
        { type: 'url-host', value: 'files-share-portal.top' },
        { type: 'url-host', value: 'news-lure-mailer.xyz' },
        { type: 'sender-ip', value: '45.9.8.7' },
        { type: 'attachment-sha256', value: 'c'.repeat(64) },
        { type: 'subject-template', value: '* 様: メールボックスの容量が上限に達しました ( * )' },
      ]);
    });

    it('profiles the recipients: named and visible, or undisclosed and Bcc', async function () {
      const direct = await analyse(FIXTURES.find((f) => f.name === 'victim identifiers in URLs')!);
      expect(recipientProfileOf(direct.item.headers, RULES.genericLocalParts)).to.deep.equal({ count: 2, named: 2, undisclosed: false });
      const mass = await analyse(FIXTURES.find((f) => f.name === 'mass mailing')!);
      expect(recipientProfileOf(mass.item.headers, RULES.genericLocalParts)).to.deep.equal({ count: 1, named: 1, undisclosed: true });
    });
  });
});
