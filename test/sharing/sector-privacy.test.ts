// Sector k-anonymity (sharing.minOrgsPerSector): a view names a sector only when enough other
// organisations of it are among the sources the reader may see; otherwise `withheld`. Read through
// the real REST API (JSON and CSV); plus a property over random readers and sources.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import type { Organisation, Principal, SharingClass } from '../../core/types.ts';
import { visibleSectors } from '../../sharing/sector-privacy.ts';
import { allClasses } from './helpers/world.ts';
import { openApiEnv, type ApiEnv } from './helpers/api-env.ts';
import { org, viewer } from './helpers/oracle.ts';

const lure: IndicatorInput = { type: 'url', value: 'https://grid-login.example/sso', kind: 'network', class: 'AMBER' };
const ID = indicatorId(lure.type, lure.value);

describe('sector k-anonymity in shared views', function () {
  let env: ApiEnv;
  const elec: { org: Organisation; person: Principal }[] = [];
  let gasReader: Principal;

  async function open(viewRules?: { minOrgsPerSector: number }) {
    env = await openApiEnv({}, [], viewRules);
    elec.length = 0;
    for (const n of [1, 2, 3]) {
      const o = await env.w.addOrg(`elec${n}`, 'participant', { sector: 'electricity' });
      elec.push({ org: o, person: await env.w.addPrincipal(`elec${n}-user`, o.id, ['submitter', 'reader']) });
    }
    await env.w.addOrg('gas', 'participant', { sector: 'gas' });
    gasReader = await env.w.addPrincipal('gas-reader', 'gas', ['reader']);
  }
  afterEach(() => env.close());

  async function publishedBy(n: number, cls: SharingClass = 'AMBER', org = elec[n]!): Promise<void> {
    const id = `s-${org.org.id}-${cls}`;
    await env.w.addSubmission(id, org.org, org.person, allClasses(cls), [{ ...lure, class: cls }]);
    await env.publish(id);
    env.w.tick(60);
  }

  async function sectorsSeenBy(who: Principal): Promise<{ json: string[]; csv: string; feed: string[] }> {
    const one = (await (await env.get(who, `/indicators/${ID}`)).json()) as { sectors: string[] };
    const rows = parse(await (await env.get(who, `/indicators/${ID}?format=csv`)).text(), { columns: true, bom: true }) as { sectors: string }[];
    const page = (await (await env.get(who, '/indicators?since=0')).json()) as { items: { sectors: string[] }[] };
    return { json: one.sectors, csv: rows[0]!.sectors, feed: page.items[0]!.sectors };
  }

  it('withholds the sector from an AMBER reader when two electricity participants are the sources', async function () {
    await open();
    await publishedBy(0);
    await publishedBy(1);
    expect(await sectorsSeenBy(gasReader)).to.deep.equal({ json: ['withheld'], csv: 'withheld', feed: ['withheld'] });
  });

  it('names the sector once three electricity participants are the sources', async function () {
    await open();
    for (const n of [0, 1, 2]) await publishedBy(n);
    expect(await sectorsSeenBy(gasReader)).to.deep.equal({ json: ['electricity'], csv: 'electricity', feed: ['electricity'] });
  });

  it('names a submitter its own sector but does not count itself towards the others', async function () {
    await open();
    for (const n of [0, 1, 2]) await publishedBy(n);
    // elec1 sees two other electricity organisations: its own sector named, theirs withheld.
    expect((await sectorsSeenBy(elec[0]!.person)).json).to.deep.equal(['electricity', 'withheld']);
  });

  it('names the own sector to the submitter of a RED submission, and every sector to the secretariat and analysts', async function () {
    await open();
    await publishedBy(0, 'RED');
    await publishedBy(1, 'AMBER');
    expect((await sectorsSeenBy(elec[0]!.person)).json, 'own RED and another’s AMBER source').to.deep.equal(['electricity', 'withheld']);
    expect((await sectorsSeenBy(gasReader)).json, 'the AMBER source only').to.deep.equal(['withheld']);
    expect((await sectorsSeenBy(env.people.analyst)).json).to.deep.equal(['electricity']);
    expect((await sectorsSeenBy(env.people.secretariat)).json).to.deep.equal(['electricity']);
  });

  it('applies the configured threshold (sharing.minOrgsPerSector)', async function () {
    await open({ minOrgsPerSector: 2 });
    await publishedBy(0);
    await publishedBy(1);
    expect((await sectorsSeenBy(gasReader)).json).to.deep.equal(['electricity']);
  });

  it('never names another organisation’s sector with fewer than the threshold of its organisations among the sources (property)', function () {
    const orgs = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => org(id, 'participant', i < 4 ? 'electricity' : 'rail'));
    const sectorOf = (id: string) => orgs.find((o) => o.id === id)?.sector ?? null;
    fc.assert(
      fc.property(
        fc.constantFrom(...orgs),
        fc.array(fc.constantFrom(...orgs.map((o) => o.id)), { maxLength: 10 }),
        fc.integer({ min: 1, max: 5 }),
        (reader, sourceOrgs, k) => {
          const sectors = visibleSectors(
            viewer(reader, ['reader']),
            sourceOrgs.map((orgId) => ({ orgId })),
            sectorOf,
            { minOrgsPerSector: k },
          );
          for (const sector of ['electricity', 'rail']) {
            const others = new Set(sourceOrgs.filter((o) => o !== reader.id && sectorOf(o) === sector)).size;
            const own = sourceOrgs.includes(reader.id) && reader.sector === sector;
            expect(sectors.includes(sector)).to.equal(own || others >= k);
          }
          const hidden = ['electricity', 'rail'].some((sector) => {
            const others = new Set(sourceOrgs.filter((o) => o !== reader.id && sectorOf(o) === sector)).size;
            return others > 0 && others < k;
          });
          expect(sectors.includes('withheld')).to.equal(hidden);
        },
      ),
      { numRuns: 300 },
    );
  });
});
