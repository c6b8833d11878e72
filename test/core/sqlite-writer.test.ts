// The SQLite writer thread (core/store/sqlite-thread-store.ts): group commit, one caller's failure
// kept to itself, close draining the calls already made, a crashed thread failing its pending calls
// with STORE_UNAVAILABLE and replaced, and the C4Error codes surviving the thread boundary.
import { expect } from 'chai';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createAuditAppender, verifyAudit } from '../../core/audit.ts';
import { isC4Error } from '../../core/errors.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import { at, jobInput, orgInput, rejection, seedSubmitter, submissionInput } from '../contracts/store-fixtures.ts';
import { tempDir } from './helpers/sqlite-temp.ts';

describe('SQLite writer thread', function () {
  this.timeout(60_000);
  let temp: { dir: string; remove: () => void };
  let file: string;
  beforeEach(function () {
    temp = tempDir();
    file = path.join(temp.dir, 'c4tap.db');
  });
  afterEach(function () {
    temp.remove();
  });

  it('commits 100 concurrent submissions in fewer transactions than calls, each readable once its call resolved', async function () {
    const store = openSqliteStore(file);
    const who = await seedSubmitter(store);
    const before = store.writer.stats();
    const ids = Array.from({ length: 100 }, (_, i) => `s${i}`);
    const created = await Promise.all(ids.map((id) => store.createSubmission(submissionInput(id, who), jobInput(`j-${id}`, id))));
    const after = store.writer.stats();
    expect(created.every((c) => c.created)).to.equal(true);
    expect(after.calls - before.calls).to.equal(100);
    // The 100 calls were made in one turn of the event loop, so they reach the thread together.
    expect(after.batches - before.batches, 'transactions for 100 calls').to.be.lessThan(100);
    for (const id of ids) expect((await store.getSubmission(id))?.id).to.equal(id);
    await store.close();
  });

  it("commits the removal of a spooled blob (the vault has it) with the next message's submission, not in a transaction of its own", async function () {
    const store = openSqliteStore(file);
    const who = await seedSubmitter(store);
    const blob = { sha256: 'b'.repeat(64), sealed: new Uint8Array([1, 2, 3]) };
    await store.spool.createSubmission(submissionInput('s1', who), jobInput('j-s1', 's1'), [], [blob]);
    const before = store.writer.stats();
    const removed = store.spool.remove(blob.sha256);
    // The next message arrives a moment later (in another turn): the removal waited for it.
    await new Promise((resolve) => setTimeout(resolve, 2));
    const next = store.createSubmission(submissionInput('s2', who), jobInput('j-s2', 's2'));
    expect(await removed).to.equal(true);
    expect((await next).created).to.equal(true);
    const after = store.writer.stats();
    expect(after.calls - before.calls).to.equal(2);
    expect(after.batches - before.batches, 'transactions for the removal and the submission').to.equal(1);
    expect(await store.spool.has(blob.sha256)).to.equal(false);
    // Alone, a removal is still committed (and answered) without waiting for another call.
    await store.spool.createSubmission(submissionInput('s3', who), jobInput('j-s3', 's3'), [], [{ ...blob, sealed: new Uint8Array([1, 2, 3]) }]);
    expect(await store.spool.remove(blob.sha256)).to.equal(true);
    expect(await store.spool.has(blob.sha256)).to.equal(false);
    await store.close();
  });

  it('hands the sealed bytes of a spooled submission over to the writer thread instead of copying them', async function () {
    const store = openSqliteStore(file);
    const who = await seedSubmitter(store);
    const sealed = Buffer.allocUnsafeSlow(1024 * 1024).fill(7);
    // A view into a larger buffer (a Buffer pool) is copied: the rest of that buffer stays usable.
    const pooled = Buffer.from('sealed bytes in a pool');
    await store.spool.createSubmission(
      submissionInput('s1', who),
      jobInput('j-s1', 's1'),
      [],
      [
        { sha256: 'c'.repeat(64), sealed },
        { sha256: 'd'.repeat(64), sealed: pooled },
      ],
    );
    expect(sealed.byteLength, 'transferred: the caller holds no copy').to.equal(0);
    expect(pooled.toString()).to.equal('sealed bytes in a pool');
    const stored = await store.spool.get('c'.repeat(64));
    expect(stored?.length).to.equal(1024 * 1024);
    expect(stored?.every((b) => b === 7)).to.equal(true);
    expect((await store.spool.get('d'.repeat(64)))?.toString()).to.equal('sealed bytes in a pool');
    await store.close();
  });

  it('fails only the call that broke a constraint when it was committed together with others', async function () {
    const store = openSqliteStore(file);
    await store.createOrganisation(orgInput('taken'), at(0));
    const outcomes = await Promise.allSettled([
      store.createOrganisation(orgInput('a'), at(0)),
      store.createOrganisation(orgInput('taken'), at(0)),
      store.createOrganisation(orgInput('b'), at(0)),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    const err = (outcomes[1] as PromiseRejectedResult).reason;
    expect(isC4Error(err, 'CONFLICT'), String(err)).to.equal(true);
    expect(err.details).to.include({ operation: 'createOrganisation' });
    expect((err as Error).cause)
      .to.have.property('code')
      .that.matches(/^SQLITE_CONSTRAINT/);
    expect((await store.listOrganisations()).map((o) => o.id).sort()).to.deep.equal(['a', 'b', 'taken']);
    await store.close();
  });

  it('finishes every write already made when closed, and they are in the file afterwards', async function () {
    const store = openSqliteStore(file);
    const writes = Array.from({ length: 20 }, (_, i) => store.createOrganisation(orgInput(`o${i}`), at(0)));
    const closed = store.close();
    const outcomes = await Promise.allSettled(writes);
    await closed;
    expect(outcomes.every((o) => o.status === 'fulfilled')).to.equal(true);
    const late = await rejection(store.createOrganisation(orgInput('late'), at(0)));
    expect(isC4Error(late, 'STORE_UNAVAILABLE'), String(late)).to.equal(true);
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM organisations').get()).to.deep.equal({ n: 20 });
    raw.close();
  });

  it('fails the calls pending on a crashed writer thread with STORE_UNAVAILABLE, then starts a new one that keeps the data', async function () {
    const store = openSqliteStore(file);
    await store.createOrganisation(orgInput('before'), at(0));
    const killed = store.writer.kill();
    // Made after the thread was told to stop: it never runs there.
    const lost = await rejection(store.createOrganisation(orgInput('lost'), at(0)));
    await killed;
    expect(isC4Error(lost, 'STORE_UNAVAILABLE'), String(lost)).to.equal(true);
    expect(String(lost)).to.match(/writer thread stopped/);
    const restartsBefore = store.writer.stats().restarts;
    expect((await store.createOrganisation(orgInput('after'), at(0))).id).to.equal('after');
    expect(store.writer.stats().restarts).to.equal(restartsBefore + 1);
    expect((await store.listOrganisations()).map((o) => o.id).sort()).to.deep.equal(['after', 'before']);
    await store.close();
  });

  it('keeps one audit chain when two stores on the same file append concurrently', async function () {
    const key = Buffer.alloc(32, 7);
    const first = openSqliteStore(file);
    const second = openSqliteStore(file);
    const appendFirst = createAuditAppender(first, () => new Date(at(1)), key);
    const appendSecond = createAuditAppender(second, () => new Date(at(2)), key);
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? appendFirst : appendSecond)({ actor: 'system', action: `a${i}` })));
    const result = await verifyAudit(first, key);
    expect(result).to.deep.include({ ok: true, events: 30 });
    await Promise.all([first.close(), second.close()]);
  });
});
