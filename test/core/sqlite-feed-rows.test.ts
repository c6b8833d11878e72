// Feed pages on SQLite read feed_rows (migration 9), kept by triggers. A database written before
// that migration gets its pages back, identical, once the program is upgraded: the migration
// fills feed_rows and publication_latest from the log.
import { expect } from 'chai';
import path from 'node:path';
import Database from 'better-sqlite3';
import { indicatorId } from '../../core/ids.ts';
import { MIGRATIONS } from '../../core/store/sqlite-migrations.ts';
import { FEED_PICK, feedParams } from '../../core/store/sqlite-sharing.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import type { PublicationFeedQuery } from '../../core/store/port.ts';
import { CLASSES, type SharingClass } from '../../core/types.ts';
import { at, seedSubmission, seedSubmitter } from '../contracts/store-fixtures.ts';
import { tempDir } from './helpers/sqlite-temp.ts';

describe('SQLite feed rows', function () {
  it('gives a log from before feed rows (version 7) the same feed pages once the feed migrations ran (backfilled from the log)', async function () {
    const dir = tempDir();
    after(() => dir.remove());
    const file = path.join(dir.dir, 'c4tap.db');
    const store = openSqliteStore(file);
    const who = await seedSubmitter(store, 'org1');
    const s1 = await seedSubmission(store, who, 's1');
    const url = { type: 'url', value: 'https://evil.example/x', kind: 'network', class: 'AMBER' } as const;
    const id = indicatorId(url.type, url.value);
    await store.upsertIndicators(s1, 'org1', at(100), [url]);
    const pub = { action: 'publish', indicatorId: id, submissionId: s1, kind: 'network', class: 'AMBER' } as const;
    await store.appendPublications(
      [
        { ...pub, idempotencyKey: 'a' },
        { ...pub, idempotencyKey: 'b', action: 'retract' },
      ],
      at(200),
    );
    await store.addSighting({ indicatorId: id, orgId: 'org1', class: 'AMBER', count: 2, seenAt: at(300), idempotencyKey: null }, at(310));
    const query: PublicationFeedQuery = { afterSeq: 0, limit: 10, classes: ['AMBER', 'GREEN', 'WHITE'] };
    const before = await store.listFeedPage(query);
    expect(before.map((e) => [e.entry.idempotencyKey, e.current?.sources[0]?.latest.action ?? null, e.current?.sightings.length ?? null])).to.deep.equal([
      ['a', null, null],
      ['b', 'retract', 1],
    ]);
    await store.close();

    // The log as version 7 left it (no latest decisions, no feed rows, no triggers), then the
    // migrations that build them (8, 9, 11) run on it as an upgrade runs them. (Later migrations
    // of other tables cannot run twice, so the file keeps its version.)
    const raw = new Database(file);
    for (const { name } of raw.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'feed_rows_%'").all()) {
      raw.exec(`DROP TRIGGER ${name}`);
    }
    raw.exec('DROP TABLE feed_rows; DROP TABLE publication_latest');
    const feedMigrations = MIGRATIONS.filter((m) => m.version > 7 && /feed_rows|publication_latest/.test(m.sql));
    expect(feedMigrations.map((m) => m.version)).to.include.members([8, 9]);
    raw.transaction(() => feedMigrations.forEach((m) => raw.exec(m.sql)))();
    raw.close();

    const upgraded = openSqliteStore(file);
    try {
      expect(await upgraded.listFeedPage(query)).to.deep.equal(before);
      expect(await upgraded.latestPublications([id])).to.have.length(1);
    } finally {
      await upgraded.close();
    }
  });

  it('picks a page as the classes and own organisation it may see, in seq order, each entry once, merging the ranges without sorting them', async function () {
    const dir = tempDir();
    after(() => dir.remove());
    const file = path.join(dir.dir, 'c4tap.db');
    const store = openSqliteStore(file);
    const order: SharingClass[] = ['AMBER', 'RED', 'GREEN', 'WHITE', 'AMBER', 'RED', 'AMBER', 'GREEN'];
    const log: { seq: number; org: string; cls: SharingClass }[] = [];
    try {
      const whos = [await seedSubmitter(store, 'org1'), await seedSubmitter(store, 'org2')];
      for (let n = 0; n < 40; n++) {
        const who = whos[n % 3 === 0 ? 1 : 0]!;
        const cls = order[n % order.length]!;
        const sub = await seedSubmission(store, who, `s${n}`);
        const ind = { type: 'domain-name', value: `h${n}.example`, kind: 'network', class: cls } as const;
        await store.upsertIndicators(sub, who.org.id, at(n), [ind]);
        const [e] = await store.appendPublications(
          [{ idempotencyKey: `k${n}`, action: 'publish', indicatorId: indicatorId(ind.type, ind.value), submissionId: sub, kind: 'network', class: cls }],
          at(n),
        );
        log.push({ seq: e!.seq, org: who.org.id, cls });
      }
      // An AMBER reader of org2: AMBER, GREEN and WHITE, and its own organisation's entries of every class (RED too), once each.
      const query: PublicationFeedQuery = {
        afterSeq: 0,
        limit: 7,
        classes: ['AMBER', 'GREEN', 'WHITE'],
        ownOrg: { orgId: 'org2', classes: ['RED', 'AMBER', 'GREEN', 'WHITE'] },
      };
      const expected = log.filter((e) => e.org === 'org2' || e.cls !== 'RED').map((e) => e.seq);
      const seen: number[] = [];
      for (let after = 0; ;) {
        const page = await store.listPublicationFeed({ ...query, afterSeq: after });
        if (page.length === 0) break;
        expect(page.length).to.be.at.most(7);
        seen.push(...page.map((e) => e.seq));
        after = page[page.length - 1]!.seq;
      }
      expect(seen).to.deep.equal(expected);
      expect(expected.some((seq) => log.find((e) => e.seq === seq)!.cls === 'RED')).to.equal(true);
    } finally {
      await store.close();
    }
    // One ordered index range per arm, merged: no temporary b-tree (sorting every arm doubled a page's time at 1M).
    const raw = new Database(file, { readonly: true });
    try {
      const plan = raw
        .prepare<Record<string, unknown>, { detail: string }>(`EXPLAIN QUERY PLAN ${FEED_PICK}`)
        .all({ ...feedParams({ afterSeq: 0, limit: 7, classes: ['AMBER'], ownOrg: { orgId: 'org2', classes: ['RED'] } }) })
        .map((r) => r.detail);
      expect(plan.filter((d) => /TEMP B-TREE/.test(d))).to.deep.equal([]);
      expect(plan.filter((d) => /USING INDEX feed_rows_(class|org)/.test(d))).to.have.length(CLASSES.length + 1);
    } finally {
      raw.close();
    }
  });
});
