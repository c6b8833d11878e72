// Contract: organisations, principals and API tokens.
import { expect } from 'chai';
import { isC4Error } from '../../core/errors.ts';
import type { DirectoryStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, orgInput, principalInput, rejection } from './store-fixtures.ts';

export function directoryContract(store: StoreRef<DirectoryStore>): void {
  describe('organisations', function () {
    it('reads a created organisation back by id and by name with its nested fields', async function () {
      const input = orgInput('org1');
      const created = await store().createOrganisation(input, at(5));
      expect(created).to.deep.equal({ ...input, createdAt: at(5) });
      expect(await store().getOrganisation('org1')).to.deep.equal(created);
      expect(await store().getOrganisationByName(input.name)).to.deep.equal(created);
    });

    it('answers null for an unknown organisation', async function () {
      expect(await store().getOrganisation('nope')).to.equal(null);
      expect(await store().getOrganisationByName('nope')).to.equal(null);
      expect(await store().updateOrganisation('nope', { sector: 'rail' })).to.equal(null);
    });

    it('finds Japanese, full-width and Cyrillic organisation names exactly as written, and lists them in code point order', async function () {
      const names = ['東京電力パワーグリッド', 'ＪＲ東日本', 'ｶﾌﾞｼｷｶﾞｲｼｬ ガス', 'АО «Мосэнерго»', 'Example Rail'];
      for (const [i, name] of names.entries()) await store().createOrganisation(orgInput(`o${i}`, { name }), at(i));
      for (const [i, name] of names.entries()) expect((await store().getOrganisationByName(name))?.id, name).to.equal(`o${i}`);
      // A name is a key, not a search: another width or case is another name.
      expect(await store().getOrganisationByName('JR東日本')).to.equal(null);
      expect(await store().getOrganisationByName('ао «мосэнерго»')).to.equal(null);
      expect((await store().listOrganisations()).map((o) => o.name)).to.deep.equal([
        'Example Rail',
        'АО «Мосэнерго»',
        '東京電力パワーグリッド',
        'ＪＲ東日本',
        'ｶﾌﾞｼｷｶﾞｲｼｬ ガス',
      ]);
    });

    it('lists every organisation', async function () {
      await store().createOrganisation(orgInput('org1'), at(0));
      await store().createOrganisation(orgInput('org2', { tier: 'observer' }), at(1));
      const ids = (await store().listOrganisations()).map((o) => o.id);
      expect(ids).to.have.members(['org1', 'org2']);
    });

    it('updates only the patched fields of an organisation', async function () {
      const before = await store().createOrganisation(orgInput('org1'), at(0));
      const patch = { sector: 'rail', domains: ['org1.example', 'org1-group.example'], defaultClasses: { file: 'GREEN' as const } };
      const after = await store().updateOrganisation('org1', patch);
      expect(after).to.deep.equal({ ...before, ...patch });
      expect(await store().getOrganisation('org1')).to.deep.equal(after);
    });

    it('deletes an organisation by id, which is then gone by id and by name; deleting an unknown one answers false', async function () {
      const input = orgInput('org1');
      await store().createOrganisation(input, at(0));
      await store().createOrganisation(orgInput('org2'), at(0));
      expect(await store().deleteOrganisation('org1')).to.equal(true);
      expect(await store().getOrganisation('org1')).to.equal(null);
      expect(await store().getOrganisationByName(input.name)).to.equal(null);
      expect((await store().listOrganisations()).map((o) => o.id)).to.deep.equal(['org2']);
      expect(await store().deleteOrganisation('org1')).to.equal(false);
    });
  });

  describe('principals', function () {
    beforeEach(async function () {
      await store().createOrganisation(orgInput('org1'), at(0));
      await store().createOrganisation(orgInput('org2'), at(0));
    });

    it('finds a principal by id and by name', async function () {
      const input = principalInput('P1', 'org1', { roles: ['analyst', 'reader'], allowedSenders: ['@org1.example'] });
      const created = await store().createPrincipal(input, at(3));
      expect(created).to.deep.equal({ ...input, createdAt: at(3) });
      expect(await store().getPrincipal('P1')).to.deep.equal(created);
      expect(await store().getPrincipalByName('p1')).to.deep.equal(created);
      expect(await store().getPrincipalByName('unknown')).to.equal(null);
      expect(await store().getPrincipal('unknown')).to.equal(null);
    });

    it('lists principals of one organisation or of all', async function () {
      await store().createPrincipal(principalInput('A1', 'org1'), at(0));
      await store().createPrincipal(principalInput('A2', 'org1'), at(0));
      await store().createPrincipal(principalInput('B1', 'org2'), at(0));
      expect((await store().listPrincipals({ orgId: 'org1' })).map((p) => p.id)).to.have.members(['A1', 'A2']);
      expect((await store().listPrincipals()).map((p) => p.id)).to.have.members(['A1', 'A2', 'B1']);
    });

    it('refuses a second principal with the same name with CONFLICT', async function () {
      await store().createPrincipal(principalInput('A1', 'org1'), at(0));
      const err = await rejection(store().createPrincipal(principalInput('A2', 'org2', { name: 'a1' }), at(0)));
      expect(isC4Error(err, 'CONFLICT'), String(err)).to.equal(true);
    });

    it('updates the patched fields and keeps the others', async function () {
      const before = await store().createPrincipal(principalInput('A1', 'org1'), at(0));
      const patch = { passwordHash: 'scrypt$new', mustChangePassword: true, roles: ['analyst' as const], timeZone: 'UTC' };
      const after = await store().updatePrincipal('A1', patch);
      expect(after).to.deep.equal({ ...before, ...patch });
      expect(await store().getPrincipal('A1')).to.deep.equal(after);
      expect(await store().updatePrincipal('unknown', patch)).to.equal(null);
    });

    it('disables a principal and can clear a secret', async function () {
      await store().createPrincipal(principalInput('A1', 'org1'), at(0));
      await store().updatePrincipal('A1', { status: 'disabled', smtpSecretHash: null });
      const stored = await store().getPrincipalByName('a1');
      expect(stored?.status).to.equal('disabled');
      expect(stored?.smtpSecretHash).to.equal(null);
    });
  });

  describe('API tokens', function () {
    beforeEach(async function () {
      await store().createOrganisation(orgInput('org1'), at(0));
      await store().createPrincipal(principalInput('A1', 'org1'), at(0));
      await store().createPrincipal(principalInput('A2', 'org1'), at(0));
    });

    const token = (jti: string, principalId: string) => ({ jti, principalId, label: `key ${jti}`, createdAt: at(10), expiresAt: at(10_000) });

    it('stores a token unrevoked and lists tokens per principal', async function () {
      const created = await store().createToken(token('t1', 'A1'));
      await store().createToken(token('t2', 'A1'));
      await store().createToken(token('t3', 'A2'));
      expect(created).to.deep.equal({ ...token('t1', 'A1'), revokedAt: null });
      expect(await store().getToken('t1')).to.deep.equal(created);
      expect((await store().listTokens('A1')).map((t) => t.jti)).to.have.members(['t1', 't2']);
      expect((await store().listTokens()).map((t) => t.jti)).to.have.members(['t1', 't2', 't3']);
    });

    it('revoking twice keeps the first revocation time', async function () {
      await store().createToken(token('t1', 'A1'));
      expect((await store().revokeToken('t1', at(20)))?.revokedAt).to.equal(at(20));
      expect((await store().revokeToken('t1', at(30)))?.revokedAt).to.equal(at(20));
      expect((await store().getToken('t1'))?.revokedAt).to.equal(at(20));
    });

    it('answers null when revoking or reading an unknown token', async function () {
      expect(await store().revokeToken('missing', at(20))).to.equal(null);
      expect(await store().getToken('missing')).to.equal(null);
    });
  });
}
