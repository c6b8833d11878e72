// The triage module (sharing/triage) over the real SQLite store: the status machine (approve,
// reject, reopen), who may take which step, the victim-name gate, narrowing that retracts at once
// and consented widening. Every step leaves one audit event with actor, before and after.
import path from 'node:path';
import { expect } from 'chai';
import { loadSanitizationRules } from '../../analysis/sanitize/index.ts';
import { isC4Error } from '../../core/errors.ts';
import { indicatorId } from '../../core/ids.ts';
import type { SubmissionEvent } from '../../core/submission-events.ts';
import type { AuditEvent } from '../../core/types.ts';
import * as triage from '../../sharing/triage/index.ts';
import { REFUSAL_CODES, type Outcome } from '../../sharing/triage/index.ts';
import { REPO } from '../helpers/cli.ts';
import { addCouncilOrgs, allClasses, openWorld, type World } from './helpers/world.ts';

const RULES = loadSanitizationRules(path.join(REPO, 'policies'));
const LURE = { type: 'domain-name' as const, value: 'lure.example', kind: 'network' as const, class: 'AMBER' as const };
const SENDER = { type: 'email-addr' as const, value: 'ceo@lure.example', kind: 'mail' as const, class: 'AMBER' as const };

describe('triage module over the real store', function () {
  let w: World;
  let people: Record<'waterSubmitter' | 'railReader' | 'analyst' | 'secretariat', triage.Actor>;
  let events: SubmissionEvent[];
  let deps: triage.TriageDeps;

  beforeEach(async () => {
    w = await openWorld();
    const orgs = await addCouncilOrgs(w);
    await w.addPrincipal('water-sub', 'water', ['submitter']);
    await w.addPrincipal('rail-reader', 'rail', ['reader']);
    await w.addPrincipal('analyst', 'secretariat', ['analyst']);
    await w.addPrincipal('sec', 'secretariat', ['secretariat']);
    people = {
      waterSubmitter: await w.viewer('water-sub'),
      railReader: await w.viewer('rail-reader'),
      analyst: await w.viewer('analyst'),
      secretariat: await w.viewer('sec'),
    };
    events = [];
    deps = {
      store: w.store,
      audit: w.audit,
      clock: w.clock,
      events: (e) => void events.push(e),
      vault: null,
      dropAddress: 'report@c4tap.example',
      hostname: 'c4tap.example',
      rules: RULES,
    };
    await w.addSubmission('s1', orgs.water, people.waterSubmitter.principal, allClasses('AMBER'), [LURE, SENDER]);
  });
  afterEach(() => w.cleanup());

  const value = <T>(o: Outcome<T>): T => {
    if (!o.ok) throw new Error(`refused: ${triage.describeRefusal(o.refusal)}`);
    return o.value;
  };
  const codeOf = (o: Outcome<unknown>) => (o.ok ? 'ok' : REFUSAL_CODES[o.refusal.reason]);
  const status = async () => (await w.store.getSubmission('s1'))!.status;
  const audit = async (): Promise<readonly AuditEvent[]> => w.store.listAudit(0, 1000);
  async function thrownCode(step: Promise<unknown>): Promise<string> {
    try {
      await step;
      return 'ok';
    } catch (err) {
      if (isC4Error(err)) return err.code;
      throw err;
    }
  }

  it('refuses to approve a rejected submission (ILLEGAL_TRANSITION) until it is reopened, so the submitter never hears "published" after "rejected" from one click', async function () {
    value(await triage.approve(deps, people.analyst, 's1'));
    value(await triage.reject(deps, people.analyst, 's1', 'a drill mail'));
    const again = await triage.approve(deps, people.analyst, 's1');
    expect(codeOf(again)).to.equal('ILLEGAL_TRANSITION');
    expect(again.ok ? null : again.refusal).to.deep.include({ reason: 'illegal-transition', step: 'approve', status: 'rejected' });
    expect(await status()).to.equal('rejected');
    expect(events.map((e) => e.kind)).to.deep.equal(['published', 'rejected']);

    const reopened = value(await triage.reopen(deps, people.analyst, 's1', 'the drill was real after all'));
    expect(reopened.status).to.equal('awaiting-triage');
    value(await triage.approve(deps, people.analyst, 's1'));
    expect(await status()).to.equal('published');
    expect(events.map((e) => e.kind)).to.deep.equal(['published', 'rejected', 'published']);
  });

  it('reopens a published submission, retracting at once what it published, audited with before and after', async function () {
    const published = value(await triage.approve(deps, people.analyst, 's1'));
    expect(published.appended.map((e) => e.action)).to.deep.equal(['publish', 'publish']);
    const r = value(await triage.reopen(deps, people.secretariat, 's1', 'wrong classes'));
    expect(r.retracted.map((e) => [e.action, e.class])).to.deep.equal([
      ['retract', 'AMBER'],
      ['retract', 'AMBER'],
    ]);
    expect(await status()).to.equal('awaiting-triage');
    const e = (await audit()).find((a) => a.action === 'submission.reopened')!;
    expect(e.actor).to.equal(people.secretariat.principal.id);
    expect(e.data).to.deep.include({ before: { status: 'published' }, after: { status: 'awaiting-triage' }, reason: 'wrong classes' });
  });

  it('refuses the steps the status does not allow: reopen while awaiting, a second reject, anything before the analysis finished', async function () {
    expect(codeOf(await triage.reopen(deps, people.analyst, 's1', 'x'))).to.equal('ILLEGAL_TRANSITION');
    value(await triage.reject(deps, people.analyst, 's1', 'spam'));
    expect(codeOf(await triage.reject(deps, people.analyst, 's1', 'spam again'))).to.equal('ILLEGAL_TRANSITION');
    await w.store.updateSubmission('s1', { status: 'analysing' }, w.clock().toISOString());
    for (const step of [
      triage.approve(deps, people.analyst, 's1'),
      triage.reject(deps, people.analyst, 's1', 'x'),
      triage.reopen(deps, people.analyst, 's1', 'x'),
    ]) {
      const o = await step;
      expect(o.ok ? null : o.refusal.reason).to.equal('not-triageable');
    }
    expect(events.map((e) => e.kind)).to.deep.equal(['rejected']);
    expect(triage.offeredSteps('rejected')).to.deep.equal(['reopen']);
    expect(triage.offeredSteps('awaiting-triage')).to.deep.equal(['approve', 'reject']);
  });

  it('lets the submitting organisation narrow its own submission but not approve it; another organisation does not learn it exists', async function () {
    const own = await triage.approve(deps, people.waterSubmitter, 's1');
    expect(codeOf(own)).to.equal('FORBIDDEN');
    expect(await thrownCode(triage.approve(deps, people.railReader, 's1'))).to.equal('NOT_FOUND');
    expect(await thrownCode(triage.narrowClass(deps, people.railReader, 's1', 'network', 'RED'))).to.equal('NOT_FOUND');
    expect(await thrownCode(triage.reopen(deps, people.railReader, 's1', 'x'))).to.equal('NOT_FOUND');
    const narrowed = value(await triage.narrowClass(deps, people.waterSubmitter, 's1', 'network', 'RED'));
    expect(narrowed.classes.network).to.equal('RED');
    expect(await status()).to.equal('awaiting-triage');
  });

  it('narrowing a published kind retracts at once: a retraction at the old class, then the entry at the narrower one; other kinds untouched', async function () {
    value(await triage.approve(deps, people.analyst, 's1'));
    const change = value(await triage.narrowClass(deps, people.waterSubmitter, 's1', 'network', 'RED'));
    expect(change.changed).to.deep.equal(['network']);
    expect(change.appended.map((e) => [e.action, e.indicatorId, e.class])).to.deep.equal([
      ['retract', indicatorId(LURE.type, LURE.value), 'AMBER'],
      ['publish', indicatorId(LURE.type, LURE.value), 'RED'],
    ]);
    const source = (await w.store.getIndicator(indicatorId(LURE.type, LURE.value)))!.sources.find((s) => s.submissionId === 's1')!;
    expect(source.class).to.equal('RED');
    const e = (await audit()).filter((a) => a.action === 'submission.classes-changed').pop()!;
    expect(e.actor).to.equal(people.waterSubmitter.principal.id);
    expect((e.data['before'] as Record<string, string>)['network']).to.equal('AMBER');
    expect((e.data['after'] as Record<string, string>)['network']).to.equal('RED');
    expect(e.data['appended']).to.have.length(2);
    // Approving again has nothing left to say.
    expect(value(await triage.approve(deps, people.analyst, 's1')).appended).to.deep.equal([]);
  });

  it('widens only with the submitter’s consent: an analyst proposes, the submitting organisation consents, the kind takes the class at once', async function () {
    const direct = await triage.changeClasses(deps, people.analyst, 's1', { network: 'GREEN' });
    expect(codeOf(direct)).to.equal('WIDENING_NEEDS_CONSENT');
    expect(codeOf(await triage.proposeWidening(deps, people.analyst, 's1', 'network', 'AMBER', ''))).to.equal('VALIDATION_FAILED');
    expect(codeOf(await triage.consentToWidening(deps, people.waterSubmitter, 's1', 'network'))).to.equal('CONFLICT');
    value(await triage.proposeWidening(deps, people.analyst, 's1', 'network', 'GREEN', 'useful to affiliates'));
    expect(codeOf(await triage.proposeWidening(deps, people.waterSubmitter, 's1', 'network', 'WHITE', ''))).to.equal('FORBIDDEN');
    expect(await thrownCode(triage.consentToWidening(deps, people.railReader, 's1', 'network'))).to.equal('NOT_FOUND');
    value(await triage.approve(deps, people.analyst, 's1'));
    const widened = value(await triage.consentToWidening(deps, people.waterSubmitter, 's1', 'network'));
    expect(widened.classes).to.deep.equal({ ...allClasses('AMBER'), network: 'GREEN' });
    expect(widened.appended.map((e) => [e.action, e.class])).to.deep.equal([['publish', 'GREEN']]);
    const state = triage.triageState((await w.store.getSubmission('s1'))!);
    expect(state.consent.network).to.include({ class: 'GREEN', by: people.waterSubmitter.principal.id });
    expect(state.proposals).to.deep.equal({});
    expect(triage.consentCeiling((await w.store.getSubmission('s1'))!)).to.deep.equal({ network: 'GREEN' });
    // Back down and up again within the consent needs no new proposal.
    value(await triage.narrowClass(deps, people.analyst, 's1', 'network', 'AMBER'));
    value(await triage.changeClasses(deps, people.analyst, 's1', { network: 'GREEN' }));
  });

  it('blocks approval while published text names the submitting organisation, until exactly those findings are acknowledged (audited)', async function () {
    await w.store.upsertIndicators('s1', 'water', w.clock().toISOString(), [
      { type: 'email-subject', value: 'Payment notice for Organisation water', kind: 'mail', class: 'AMBER' },
    ]);
    const blocked = await triage.approve(deps, people.analyst, 's1');
    expect(codeOf(blocked)).to.equal('VICTIM_CHECK_REQUIRED');
    const check = value(await triage.victimCheckOf(deps, people.analyst, 's1'));
    expect(check.acknowledged).to.equal(false);
    expect(check.findings.map((f) => f.field)).to.deep.equal(['email-subject']);
    expect(codeOf(await triage.acknowledgeVictimCheck(deps, people.analyst, 's1', 'f'.repeat(64)))).to.equal('VICTIM_CHECK_CHANGED');
    expect(codeOf(await triage.acknowledgeVictimCheck(deps, people.waterSubmitter, 's1', check.fingerprint))).to.equal('FORBIDDEN');
    value(await triage.acknowledgeVictimCheck(deps, people.analyst, 's1', check.fingerprint));
    const ack = (await audit()).find((a) => a.action === 'submission.victim-warning-acknowledged')!;
    expect(ack.actor).to.equal(people.analyst.principal.id);
    expect(ack.data).to.deep.include({ before: null });
    expect(ack.data['after']).to.include({ fingerprint: check.fingerprint });
    value(await triage.approve(deps, people.analyst, 's1'));
    // A new finding (a campaign label naming the organisation) needs a new acknowledgement.
    value(await triage.setCampaign(deps, people.analyst, 's1', 'water.example wave'));
    expect(codeOf(await triage.approve(deps, people.analyst, 's1'))).to.equal('VICTIM_CHECK_REQUIRED');
  });

  it('leaves one audit event with actor, before and after for every step taken', async function () {
    value(await triage.setCampaign(deps, people.analyst, 's1', 'Winter invoices'));
    value(await triage.narrowClass(deps, people.analyst, 's1', 'mail', 'RED'));
    value(await triage.approve(deps, people.analyst, 's1'));
    value(await triage.reject(deps, people.secretariat, 's1', 'duplicate'));
    value(await triage.reopen(deps, people.secretariat, 's1', 'not a duplicate'));
    value(await triage.setFalsePositive(deps, people.analyst, 's1', indicatorId(LURE.type, LURE.value), true));
    value(await triage.proposeWidening(deps, people.analyst, 's1', 'file', 'GREEN', ''));
    const steps = (await audit()).filter((a) => a.action !== 'red.read');
    expect(steps.map((a) => [a.action, a.actor])).to.deep.equal([
      ['submission.campaign-set', people.analyst.principal.id],
      ['submission.classes-changed', people.analyst.principal.id],
      ['submission.published', people.analyst.principal.id],
      ['submission.rejected', people.secretariat.principal.id],
      ['submission.reopened', people.secretariat.principal.id],
      ['false-positive.marked', people.analyst.principal.id],
      ['submission.widening-proposed', people.analyst.principal.id],
    ]);
    for (const a of steps) expect(a.data, a.action).to.include.all.keys('before', 'after');
  });
});
