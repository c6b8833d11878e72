// acceptMessage, the pipeline SMTP and `c4tap import` share: idempotent retries, duplicates per
// organisation, and mail that cannot be unwrapped.
import { expect } from 'chai';
import { C4Error } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import type { Store } from '../../core/store/port.ts';
import type { Envelope } from '../../core/types.ts';
import { openContext, type AppContext } from '../../bin/context.ts';
import { acceptMessage, type AcceptDeps } from '../../ingest/accept.ts';
import { dedupKey } from '../../core/mail/dedup-key.ts';
import { sha256Hex } from '../../quarantine/hashes.ts';
import { addSubmitter, prepareDataDir, DROP, SENDER, type PreparedDataDir } from './helpers/smtp-env.ts';
import { buildForward, buildOriginal, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';

const ENVELOPE: Envelope = { mailFrom: SENDER, rcptTo: [DROP], remoteAddress: '127.0.0.1', heloName: 'import', transport: 'import' };

describe('acceptMessage', function () {
  this.timeout(20_000);
  let data: PreparedDataDir;
  let ctx: AppContext;
  const deps = (store: Store = ctx.store, extra: Partial<AcceptDeps> = {}): AcceptDeps => ({
    store,
    vault: ctx.vault,
    clock: ctx.clock,
    newId: ctx.newId,
    log: ctx.log,
    dropAddress: DROP,
    ...extra,
  });
  beforeEach(async () => {
    data = await prepareDataDir();
    ctx = await openContext(data.config, { log: createLogger({ level: 'silent' }), defaultMetrics: false });
  });
  afterEach(async () => {
    await ctx.close();
    await data.remove();
  });

  it('records nothing when the store fails after the vault write, and the retry completes one submission with its samples', async () => {
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm });
    let failures = 1;
    const flaky: Store = {
      ...ctx.store,
      createSubmission: async (...args) => {
        if (failures-- > 0) throw new C4Error('STORE_UNAVAILABLE', 'disk I/O error');
        return ctx.store.createSubmission(...args);
      },
    };
    const input = { principal: data.submitter.principal, envelope: ENVELOPE, raw: forward };
    let thrown: unknown = null;
    await acceptMessage(deps(flaky), input).catch((err: unknown) => (thrown = err));
    expect(thrown).to.be.instanceOf(C4Error);
    expect(await ctx.store.counts()).to.include({ submissions: 0, jobs: 0, samples: 0 });

    const retried = await acceptMessage(deps(flaky), input);
    expect(retried.submissions).to.have.length(1);
    expect(retried.submissions[0]!.duplicate).to.equal(false);
    expect(await ctx.store.counts()).to.include({ submissions: 1, jobs: 1, samples: 2 });
    expect(await acceptMessage(deps(flaky), input).then((r) => r.submissions[0]!.duplicate)).to.equal(true);
  });

  it('keeps duplicates per organisation: another organisation forwarding the same original gets its own submission', async () => {
    const original = await buildOriginal('Invoice 4411', '<inv-4411@invoices-secure.example>', SAMPLE_ATTACHMENTS.zip);
    const { forward } = await buildForward({ original });
    const first = await acceptMessage(deps(), { principal: data.submitter.principal, envelope: ENVELOPE, raw: forward });
    const other = await ctx.store.createOrganisation(
      {
        id: 'org_other',
        name: 'Example Gas',
        tier: 'participant',
        sector: 'gas',
        domains: ['gas.example'],
        networks: [],
        contacts: [],
        language: 'ja',
        defaultClasses: {},
        rulesAcceptedAt: null,
      },
      new Date().toISOString(),
    );
    const submitter = await ctx.store.createPrincipal(
      { ...data.submitter.principal, id: 'prn_other', name: 'gas-soc', orgId: other.id },
      new Date().toISOString(),
    );
    const second = await acceptMessage(deps(), { principal: submitter, envelope: ENVELOPE, raw: forward });
    expect(second.submissions[0]!.duplicate).to.equal(false);
    expect(second.submissions[0]!.id).to.not.equal(first.submissions[0]!.id);
  });

  it('keeps a message that cannot be unwrapped as its own original, with the reason for the analyst', async () => {
    const second = await buildOriginal('Parcel', '<parcel@delivery.example>');
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.pdf, extraOriginals: [second] });
    const result = await acceptMessage(deps(ctx.store, { unwrapLimits: { maxDepth: 3, maxParts: 500, maxHeaderBytes: 256 * 1024, maxItems: 1 } }), {
      principal: data.submitter.principal,
      envelope: ENVELOPE,
      raw: forward,
    });
    expect(result.submissions).to.have.length(1);
    const sub = (await ctx.store.getSubmission(result.submissions[0]!.id))!;
    expect(sub.details).to.have.nested.property('ingest.unwrapFailed.reason', 'too-many-items');
    expect(sub.classes.sample).to.equal('RED');
    expect((await ctx.store.listSamples(sub.id)).map((s) => s.role)).to.deep.equal(['raw']);
  });

  it('uses the organisation default profile when the submitter names no class', async () => {
    await ctx.store.updateOrganisation(data.submitter.org.id, { defaultClasses: { network: 'AMBER' } });
    const other = await addSubmitter(ctx, 'rail-cert');
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.zip });
    const result = await acceptMessage(deps(), { principal: other.principal, envelope: ENVELOPE, raw: forward });
    const sub = (await ctx.store.getSubmission(result.submissions[0]!.id))!;
    expect(sub.classes).to.deep.equal({ sample: 'RED', mail: 'RED', network: 'AMBER', file: 'RED' });
    expect(sub.classDecisions.find((d) => d.kind === 'network')).to.include({ source: 'org-default' });
    expect(sub.envelope.transport).to.equal('import');
  });

  it('derives the duplicate key from both the Message-ID and the content hash', () => {
    const a = sha256Hex(Buffer.from('same bytes'));
    expect(dedupKey('<x@example>', a)).to.equal(dedupKey('<X@example> ', sha256Hex(Buffer.from('same bytes'))));
    expect(dedupKey('<x@example>', a)).to.not.equal(dedupKey('<y@example>', a));
    expect(dedupKey('<x@example>', a)).to.not.equal(dedupKey('<x@example>', sha256Hex(Buffer.from('other bytes'))));
    expect(dedupKey(null, a)).to.match(/^[0-9a-f]{64}$/);
  });
});
