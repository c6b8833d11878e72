// The audit hash chain over the real SQLite store: tampering with the database file directly
// (a second connection, as someone with file access would) is found by verifyAudit.
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { createAuditAppender, verifyAudit } from '../../core/audit.ts';
import { isC4Error } from '../../core/errors.ts';
import { at, rejection } from '../contracts/store-fixtures.ts';
import { openTempSqlite, type TempSqlite } from './helpers/sqlite-temp.ts';

const KEY = Buffer.alloc(32, 0x42);
const EVENTS = 8;

describe('audit chain (SQLite)', function () {
  let temp: TempSqlite;
  let raw: Database.Database;

  beforeEach(async function () {
    temp = await openTempSqlite();
    let tick = 0;
    const append = createAuditAppender(temp.store, () => new Date(at(tick++)), KEY);
    for (let i = 1; i <= EVENTS; i++) {
      await append({ actor: `analyst${i % 3}`, action: 'sample.downloaded', target: `sub_${i}`, data: { sha256: 'ab'.repeat(32), n: i } });
    }
    raw = new Database(temp.file);
  });

  afterEach(async function () {
    raw.close();
    await temp.cleanup();
  });

  const verify = () => verifyAudit(temp.store, KEY, 3);

  it('verifies an untouched chain', async function () {
    const result = await verify();
    expect(result.problems).to.deep.equal([]);
    expect(result).to.include({ ok: true, events: EVENTS });
  });

  it('detects an edit to the data of any event', async function () {
    for (let seq = 1; seq <= EVENTS; seq++) {
      const { data } = raw.prepare<[number], { data: string }>('SELECT data FROM audit_events WHERE seq = ?').get(seq)!;
      raw.prepare('UPDATE audit_events SET data = ? WHERE seq = ?').run(JSON.stringify({ ...JSON.parse(data), n: 999 }), seq);
      const result = await verify();
      expect(result.ok, `edit of event ${seq}`).to.equal(false);
      expect(result.problems).to.deep.include({ kind: 'hash-mismatch', seq });
      raw.prepare('UPDATE audit_events SET data = ? WHERE seq = ?').run(data, seq);
    }
    expect((await verify()).ok, 'restored').to.equal(true);
  });

  it('detects an edited actor or timestamp', async function () {
    raw.prepare("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2").run();
    raw.prepare("UPDATE audit_events SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 6").run();
    const problems = (await verify()).problems;
    expect(problems).to.deep.include({ kind: 'hash-mismatch', seq: 2 });
    expect(problems).to.deep.include({ kind: 'hash-mismatch', seq: 6 });
  });

  it('detects a deleted event in the middle', async function () {
    raw.prepare('DELETE FROM audit_events WHERE seq = 4').run();
    const result = await verify();
    expect(result.ok).to.equal(false);
    expect(result.problems).to.deep.include.members([
      { kind: 'gap', expectedSeq: 4, foundSeq: 5 },
      { kind: 'broken-link', seq: 5 },
    ]);
  });

  it('detects a deleted last event through the head record, and refuses to append after it', async function () {
    raw.prepare('DELETE FROM audit_events WHERE seq = ?').run(EVENTS);
    const result = await verify();
    expect(result.ok).to.equal(false);
    expect(result.problems).to.deep.equal([{ kind: 'head-mismatch', headSeq: EVENTS, lastSeq: EVENTS - 1 }]);

    const append = createAuditAppender(temp.store, () => new Date(at(100)), KEY);
    const err = await rejection(append({ actor: 'system', action: 'covering.tracks' }));
    expect(isC4Error(err, 'AUDIT_CHAIN_BROKEN'), String(err)).to.equal(true);
    expect((await temp.store.listAudit(0, 100)).length).to.equal(EVENTS - 1);
  });

  it('fails to verify with the wrong key', async function () {
    const result = await verifyAudit(temp.store, Buffer.alloc(32, 0x43));
    expect(result.ok).to.equal(false);
    expect(result.problems.filter((p) => p.kind === 'hash-mismatch')).to.have.length(EVENTS);
  });
});
