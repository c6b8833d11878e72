// Publication on the real SQLite store: approving writes the log once, retraction and rejection
// are new entries pullers can see, and every action is audited with before and after.
import { expect } from 'chai';
import { isC4Error } from '../../core/errors.ts';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import type { Organisation, Principal } from '../../core/types.ts';
import { publishSubmission, rejectSubmission, retract } from '../../sharing/publication.ts';
import { rejection } from '../contracts/store-fixtures.ts';
import { allClasses, openWorld, type World } from './helpers/world.ts';

const url: IndicatorInput = { type: 'url', value: 'https://evil.example/login', kind: 'network', class: 'AMBER' };
const domain: IndicatorInput = { type: 'domain-name', value: 'evil.example', kind: 'network', class: 'AMBER' };
const sender: IndicatorInput = { type: 'email-addr', value: 'ceo@evil.example', kind: 'mail', class: 'AMBER' };
const shortener: IndicatorInput = { type: 'domain-name', value: 'bit.ly', kind: 'network', class: 'AMBER', context: { warningLists: ['url-shorteners'] } };
const idOf = (i: IndicatorInput) => indicatorId(i.type, i.value);

describe('publication', function () {
  let w: World;
  let org: Organisation;
  let submitter: Principal;
  const deps = () => ({ store: w.store, audit: w.audit, clock: w.clock });

  beforeEach(async function () {
    w = await openWorld();
    org = await w.addOrg('water', 'participant');
    submitter = await w.addPrincipal('water-sub', org.id, ['submitter']);
  });
  afterEach(() => w.cleanup());

  async function lastAudit() {
    const events = await w.store.listAudit(0, 1000);
    return events[events.length - 1]!;
  }

  it('publishes the indicators that are neither false positives nor warning-listed, in increasing seq', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('AMBER'), [url, domain, sender, shortener]);
    await w.store.setSourceFalsePositive(idOf(sender), sub, true);
    const result = await publishSubmission(deps(), sub, 'analyst-1');

    expect(result.appended.map((e) => e.indicatorId)).to.have.members([idOf(url), idOf(domain)]);
    expect(result.appended.every((e) => e.action === 'publish' && e.class === 'AMBER')).to.equal(true);
    expect(result.appended[1]!.seq).to.be.greaterThan(result.appended[0]!.seq);
    expect(result.withheld).to.have.deep.members([
      { indicatorId: idOf(sender), reason: 'false-positive' },
      { indicatorId: idOf(shortener), reason: 'warning-listed' },
    ]);
    expect((await w.store.getSubmission(sub))?.status).to.equal('published');
    const event = await lastAudit();
    expect(event).to.deep.include({ actor: 'analyst-1', action: 'submission.published', target: sub });
    expect(event.data).to.deep.include({ before: { status: 'awaiting-triage' }, after: { status: 'published' }, published: 2 });
  });

  it('appends nothing when the same submission is published again, also twice at once', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('AMBER'), [url, domain]);
    const [a, b] = await Promise.all([publishSubmission(deps(), sub, 'a1'), publishSubmission(deps(), sub, 'a2')]);
    const again = await publishSubmission(deps(), sub, 'a1');
    expect(again.appended).to.deep.equal([]);
    expect(again.published).to.equal(2);
    expect((await w.store.counts()).publications).to.equal(2);
    const entries = new Map([...a.appended, ...b.appended].map((e) => [e.seq, e.indicatorId]));
    expect([...entries.values()]).to.have.members([idOf(url), idOf(domain)]);
  });

  it('publishes at the submission’s narrowed class and narrows the stored source with it', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('GREEN'), [
      { ...url, class: 'GREEN' },
      { ...sender, class: 'GREEN' },
    ]);
    await w.store.updateSubmission(sub, { classes: { ...allClasses('GREEN'), network: 'RED' } }, w.clock().toISOString());
    const result = await publishSubmission(deps(), sub, 'a1');
    expect(Object.fromEntries(result.appended.map((e) => [e.indicatorId, e.class]))).to.deep.equal({ [idOf(url)]: 'RED', [idOf(sender)]: 'GREEN' });
    expect((await w.store.getIndicator(idOf(url)))?.sources[0]?.class).to.equal('RED');
  });

  it('tells readers of the old, wider class when a published source is narrowed: a retraction at the old class, then the narrower entry', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('AMBER'), [url]);
    const first = await publishSubmission(deps(), sub, 'a1');
    expect(first.appended.map((e) => [e.action, e.class])).to.deep.equal([['publish', 'AMBER']]);
    w.tick();
    await w.store.updateSubmission(sub, { classes: { ...allClasses('AMBER'), network: 'RED' } }, w.clock().toISOString());
    const again = await publishSubmission(deps(), sub, 'a1');
    expect(again.appended.map((e) => [e.action, e.class])).to.deep.equal([
      ['retract', 'AMBER'],
      ['publish', 'RED'],
    ]);
    expect((await publishSubmission(deps(), sub, 'a1')).appended).to.deep.equal([]);
  });

  it('retracts a false positive with a new entry at the class it was published under, once', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('YELLOW'), [{ ...url, class: 'YELLOW' }]);
    const published = await publishSubmission(deps(), sub, 'a1');
    w.tick();
    const first = await retract(deps(), { indicatorId: idOf(url), submissionId: sub }, 'a2', 'benign CDN');
    const second = await retract(deps(), { indicatorId: idOf(url), submissionId: sub }, 'a2', 'benign CDN');

    expect(first.entry).to.deep.include({ action: 'retract', indicatorId: idOf(url), submissionId: sub, class: 'YELLOW' });
    expect(first.entry!.seq).to.be.greaterThan(published.appended[0]!.seq);
    expect(second.entry).to.equal(null);
    expect((await w.store.getIndicator(idOf(url)))?.sources[0]?.falsePositive).to.equal(true);
    expect((await publishSubmission(deps(), sub, 'a1')).appended).to.deep.equal([]);
    const event = (await w.store.listAudit(0, 100)).find((e) => e.action === 'indicator.retracted')!;
    expect(event.data).to.deep.include({
      submissionId: sub,
      reason: 'benign CDN',
      before: { falsePositive: false, publication: 'publish' },
      after: { falsePositive: true, publication: 'retract', seq: first.entry!.seq },
    });
  });

  it('retracts, on republishing, a published indicator that was marked a false positive meanwhile', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('AMBER'), [url, domain]);
    await publishSubmission(deps(), sub, 'a1');
    await w.store.setSourceFalsePositive(idOf(domain), sub, true);
    const again = await publishSubmission(deps(), sub, 'a1');
    expect(again.appended.map((e) => [e.action, e.indicatorId])).to.deep.equal([['retract', idOf(domain)]]);
  });

  it('publishes again, as a new entry, an indicator whose false-positive mark was lifted', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('AMBER'), [url]);
    await publishSubmission(deps(), sub, 'a1');
    await retract(deps(), { indicatorId: idOf(url), submissionId: sub }, 'a1', 'mistake?');
    await w.store.setSourceFalsePositive(idOf(url), sub, false);
    const again = await publishSubmission(deps(), sub, 'a1');
    expect(again.appended.map((e) => e.action)).to.deep.equal(['publish']);
    expect((await w.store.counts()).publications).to.equal(3);
  });

  it('rejecting a published submission retracts everything it published', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('AMBER'), [url, domain, shortener]);
    await publishSubmission(deps(), sub, 'a1');
    const rejected = await rejectSubmission(deps(), sub, 'sec-1', 'test mail, not an attack');
    expect(rejected.appended.map((e) => e.action)).to.deep.equal(['retract', 'retract']);
    expect((await w.store.getSubmission(sub))?.status).to.equal('rejected');
    expect((await lastAudit()).data).to.deep.include({ before: { status: 'published' }, after: { status: 'rejected' }, reason: 'test mail, not an attack' });
    expect((await rejectSubmission(deps(), sub, 'sec-1', 'again')).appended).to.deep.equal([]);
  });

  it('refuses to publish a submission whose analysis has not finished, with CONFLICT', async function () {
    const sub = await w.addSubmission('s1', org, submitter, allClasses('AMBER'), [url], 'analysing');
    const err = await rejection(publishSubmission(deps(), sub, 'a1'));
    expect(isC4Error(err, 'CONFLICT')).to.equal(true);
    expect((await w.store.counts()).publications).to.equal(0);
    expect(isC4Error(await rejection(publishSubmission(deps(), 'sub_missing', 'a1')), 'NOT_FOUND')).to.equal(true);
  });
});
