// The drill report's figures: status per notice, minutes to acknowledge, the median, the CSV.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { Drill, DrillNotice } from '../../core/store/port.ts';
import { drillReport, drillReportCsv } from '../../sharing/drills/index.ts';

const drill: Drill = { id: 'drill_1', title: 'Unit drill', startedBy: 'cli:test', startedAt: '2025-01-06T00:00:00.000Z' };
const t = (minutes: number) => new Date(Date.UTC(2025, 0, 6) + minutes * 60_000).toISOString();

function notice(id: string, o: Partial<DrillNotice>): DrillNotice {
  return {
    id,
    drillId: drill.id,
    orgId: 'org1',
    orgName: 'Org',
    language: 'ja',
    contactName: id,
    address: `${id}@org.example`,
    tokenHash: id,
    sentAt: t(0),
    ackAt: null,
    ackVia: null,
    lastError: null,
    ...o,
  };
}

describe('drill report', function () {
  it('gives each notice its status and minutes, and the median of the acknowledged ones', function () {
    const r = drillReport(drill, [
      notice('a', { ackAt: t(2.25), ackVia: 'reply' }),
      notice('b', { ackAt: t(10), ackVia: 'link' }),
      notice('c', {}),
      notice('d', { sentAt: null, lastError: 'relay refused' }),
      notice('e', { sentAt: t(1), ackAt: t(0.5), ackVia: 'reply' }),
    ]);
    expect(r.rows.map((x) => [x.noticeId, x.status, x.minutes])).to.deep.equal([
      ['a', 'acknowledged', 2.3],
      ['b', 'acknowledged', 10],
      ['c', 'missing', null],
      ['d', 'not-sent', null],
      ['e', 'acknowledged', 0],
    ]);
    expect(r.summary).to.deep.equal({ notices: 5, sent: 4, acknowledged: 3, missing: 1, notSent: 1, medianMinutes: 2.3 });
    expect(drillReport(drill, [notice('a', { ackAt: t(2), ackVia: 'reply' }), notice('b', { ackAt: t(5), ackVia: 'reply' })]).summary.medianMinutes).to.equal(
      3.5,
    );
    expect(drillReport(drill, [notice('c', {})]).summary.medianMinutes).to.equal(null);
  });

  it('keeps names a spreadsheet would run as formulas as text in the CSV', function () {
    const csv = drillReportCsv(drillReport(drill, [notice('x', { contactName: '=HYPERLINK("http://evil.example")', orgName: '+81 Org' })]));
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(row!.contact).to.equal(`'=HYPERLINK("http://evil.example")`);
    expect(row!.organisation).to.equal(`'+81 Org`);
  });
});
