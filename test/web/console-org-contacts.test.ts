// The secretariat edits an organisation's details and points of contact on its console page: the
// same rule as `c4tap org edit` and the participant page (two contact means per contact) refuses
// a contact left with one, showing what was typed; a valid edit is stored and audited.
import { expect } from 'chai';
import { staffSuite } from './helpers/console-env.ts';

describe('console: organisation contacts', function () {
  this.timeout(60_000);
  const f = staffSuite();
  const form = (contacts: [string, string][], extra: Record<string, string> = {}) => {
    const org = f.env.participantOrg;
    const fields = {
      name: org.name,
      tier: 'participant',
      sector: 'rail',
      language: 'ja',
      domains: 'rail.example',
      networks: '198.51.100.0/24',
      rulesAccepted: 'yes',
      ...extra,
    };
    const body = new URLSearchParams([
      ['_csrf', f.secretariat.client.csrf],
      ...Object.entries(fields),
      ...contacts.flatMap(
        ([name, means]) =>
          [
            ['contactName', name],
            ['contactMeans', means],
          ] as [string, string][],
      ),
    ]);
    const cookie = [...f.secretariat.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(`${f.env.origin}/console/admin/organisations/${org.id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  };

  it('shows each point of contact with its means, and refuses one left with a single means, keeping what was typed', async function () {
    const page = await f.secretariat.client.get(`/console/admin/organisations/${f.env.participantOrg.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('name="contactName" value="SOC"');
    expect(page.text).to.include('email&#61;soc@rail.example\nphone&#61;+81 3 0000 0002</textarea>');
    const bad = await form([
      ['SOC', 'email=soc@rail.example'],
      ['', ''],
    ]);
    expect(bad.status).to.equal(400);
    const text = await bad.text();
    expect(text).to.include('at least two contact means');
    expect(text).to.include('>email&#61;soc@rail.example</textarea>');
    expect((await f.env.ctx.store.getOrganisation(f.env.participantOrg.id))!.contacts[0]!.means).to.have.length(2);
  });

  it('replaces the unset phone of a contact, adds a night desk and renames the organisation, audited before and after', async function () {
    await f.secretariat.client.get(`/console/admin/organisations/${f.env.participantOrg.id}`);
    const r = await form(
      [
        ['SOC', 'email=soc@rail.example\nphone=+81 3 1111 2222'],
        ['Night desk', 'mobile=+81 90 1111 2222\nemail=night@rail.example'],
      ],
      { name: 'Example Railway' },
    );
    expect(r.status, await r.text()).to.equal(303);
    const org = (await f.env.ctx.store.getOrganisation(f.env.participantOrg.id))!;
    expect(org.name).to.equal('Example Railway');
    expect(org.contacts).to.deep.equal([
      {
        name: 'SOC',
        means: [
          { kind: 'email', value: 'soc@rail.example' },
          { kind: 'phone', value: '+81 3 1111 2222' },
        ],
      },
      {
        name: 'Night desk',
        means: [
          { kind: 'mobile', value: '+81 90 1111 2222' },
          { kind: 'email', value: 'night@rail.example' },
        ],
      },
    ]);
    const e = (await f.env.ctx.store.listAudit(0, 100_000)).filter((x) => x.action === 'organisation.updated').pop()!;
    expect(Object.keys(e.data.after as object).sort()).to.deep.equal(['contacts', 'name']);
    expect((e.data.before as { name: string }).name).to.equal('Example Rail');
  });
});
