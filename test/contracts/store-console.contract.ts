// Contract: the console's sessions, second-factor bookkeeping and queue search.
import { expect } from 'chai';
import type { ConsoleSession, ConsoleStore, DirectoryStore, IndicatorStore, SubmissionStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, classes, seedSubmission, seedSubmitter, type Submitter } from './store-fixtures.ts';

function session(idHash: string, principalId: string, overrides: Partial<ConsoleSession> = {}): ConsoleSession {
  return { idHash, principalId, stage: 'second-factor', createdAt: at(0), lastSeenAt: at(0), clientAddress: '127.0.0.1', data: {}, ...overrides };
}

export function consoleContract(store: StoreRef<DirectoryStore & SubmissionStore & IndicatorStore & ConsoleStore>): void {
  describe('console sessions, second factor and queue search', function () {
    let who: Submitter;
    beforeEach(async function () {
      who = await seedSubmitter(store(), 'org1');
    });

    it('keeps a session by its id hash, updates its stage and data, and forgets it on delete', async function () {
      await store().createConsoleSession(session('h1', who.principal.id, { data: { pending: 'x' } }));
      expect(await store().getConsoleSession('h1')).to.deep.include({ stage: 'second-factor', data: { pending: 'x' } });
      const updated = await store().updateConsoleSession('h1', { stage: 'active', lastSeenAt: at(5), data: {} });
      expect(updated).to.deep.include({ stage: 'active', lastSeenAt: at(5), createdAt: at(0), data: {} });
      expect(await store().updateConsoleSession('unknown', { stage: 'active' })).to.equal(null);
      expect(await store().deleteConsoleSession('h1')).to.equal(true);
      expect(await store().deleteConsoleSession('h1')).to.equal(false);
      expect(await store().getConsoleSession('h1')).to.equal(null);
    });

    it("ends all of a principal's sessions, and sessions idle since before a time", async function () {
      const other = await store().createPrincipal({ ...who.principal, id: 'p2', name: 'p2' }, at(0));
      await store().createConsoleSession(session('a', who.principal.id, { lastSeenAt: at(100) }));
      await store().createConsoleSession(session('b', who.principal.id, { lastSeenAt: at(100) }));
      await store().createConsoleSession(session('c', other.id, { lastSeenAt: at(10) }));
      await store().createConsoleSession(session('d', other.id, { lastSeenAt: at(200) }));
      expect(await store().deleteConsoleSessions({ principalId: who.principal.id })).to.equal(2);
      expect(await store().deleteConsoleSessions({ lastSeenBefore: at(50) })).to.equal(1);
      expect(await store().getConsoleSession('d')).to.not.equal(null);
      expect(await store().getConsoleSession('a')).to.equal(null);
    });

    it('accepts each recovery code once', async function () {
      await store().putSecondFactor({ principalId: who.principal.id, recoveryCodeHashes: ['r1', 'r2'], lastTotpStep: null, updatedAt: at(0) });
      expect(await store().consumeRecoveryCode(who.principal.id, 'r1', at(1))).to.equal(true);
      expect(await store().consumeRecoveryCode(who.principal.id, 'r1', at(2))).to.equal(false);
      expect(await store().consumeRecoveryCode(who.principal.id, 'nope', at(2))).to.equal(false);
      expect((await store().getSecondFactor(who.principal.id))!.recoveryCodeHashes).to.deep.equal(['r2']);
      const both = await Promise.all([store().consumeRecoveryCode(who.principal.id, 'r2', at(3)), store().consumeRecoveryCode(who.principal.id, 'r2', at(3))]);
      expect(both.filter(Boolean)).to.have.length(1);
    });

    it('refuses a TOTP time step at or before the last one accepted (replayed code)', async function () {
      expect(await store().acceptTotpStep(who.principal.id, 100, at(0))).to.equal(true);
      expect(await store().acceptTotpStep(who.principal.id, 100, at(1))).to.equal(false);
      expect(await store().acceptTotpStep(who.principal.id, 99, at(1))).to.equal(false);
      expect(await store().acceptTotpStep(who.principal.id, 101, at(2))).to.equal(true);
      expect((await store().getSecondFactor(who.principal.id))!.lastTotpStep).to.equal(101);
      await store().putSecondFactor({ principalId: who.principal.id, recoveryCodeHashes: ['x'], lastTotpStep: null, updatedAt: at(3) });
      expect(await store().acceptTotpStep(who.principal.id, 50, at(4))).to.equal(true);
      expect(await store().deleteSecondFactor(who.principal.id)).to.equal(true);
      expect(await store().getSecondFactor(who.principal.id)).to.equal(null);
    });

    describe('queue search', function () {
      beforeEach(async function () {
        const gas = await seedSubmitter(store(), 'org2');
        await seedSubmission(store(), who, 's1', { receivedAt: at(10), subject: 'Invoice 100% overdue' });
        await seedSubmission(store(), who, 's2', { receivedAt: at(20), subject: 'Parcel notice', classes: classes('AMBER') });
        await seedSubmission(store(), gas, 's3', { receivedAt: at(30), subject: 'Invoice reminder' });
        await store().updateSubmission('s2', { verdict: 'malicious' }, at(40));
        await store().updateSubmission('s1', { campaign: 'winter-invoices' }, at(40));
        await store().upsertIndicators('s2', who.org.id, at(40), [{ type: 'av-signature', value: 'Win.Trojan.Emotet-123', kind: 'file', class: 'RED' }]);
        await store().upsertIndicators('s3', 'org2', at(40), [{ type: 'yara-rule', value: 'Emotet_Loader', kind: 'file', class: 'RED' }]);
      });

      it('matches text in subject, id or campaign case-insensitively, taking % literally', async function () {
        const ids = async (text: string) => (await store().searchSubmissions({ text }, { limit: 10 })).items.map((s) => s.id);
        expect(await ids('INVOICE')).to.deep.equal(['s3', 's1']);
        expect(await ids('100%')).to.deep.equal(['s1']);
        expect(await ids('0%')).to.deep.equal(['s1']);
        expect(await ids('winter')).to.deep.equal(['s1']);
        expect(await ids('s2')).to.deep.equal(['s2']);
      });

      it('finds Japanese, full-width, half-width and Cyrillic subjects whatever the case or width of the query', async function () {
        await seedSubmission(store(), who, 'jp1', { receivedAt: at(41), subject: '【重要】ＩＮＶＯＩＣＥのご確認' });
        await seedSubmission(store(), who, 'ru1', { receivedAt: at(42), subject: 'Re: Счёт на оплату №5' });
        await seedSubmission(store(), who, 'kana', { receivedAt: at(43), subject: 'ｶｰﾄﾞ利用停止のお知らせ' });
        const ids = async (text: string) => (await store().searchSubmissions({ text }, { limit: 10 })).items.map((s) => s.id);
        expect(await ids('【重要】ＩＮＶＯＩＣＥのご確認')).to.deep.equal(['jp1']);
        expect(await ids('ｉｎｖｏｉｃｅのご確認')).to.deep.equal(['jp1']);
        expect(await ids('Счёт на оплату')).to.deep.equal(['ru1']);
        expect(await ids('СЧЁТ')).to.deep.equal(['ru1']);
        expect(await ids('カード利用停止')).to.deep.equal(['kana']);
        expect(await ids('invoice')).to.deep.equal(['jp1', 's3', 's1']);
        expect(await ids('請求')).to.deep.equal([]);
        await store().upsertIndicators('jp1', who.org.id, at(44), [{ type: 'yara-rule', value: 'JP_請求書_Macro', kind: 'file', class: 'RED' }]);
        expect(
          (await store().searchSubmissions({ indicators: [{ types: ['yara-rule'], contains: 'ｊｐ_請求書' }] }, { limit: 10 })).items.map((s) => s.id),
        ).to.deep.equal(['jp1']);
      });

      it('finds indicator values and campaigns in Japanese, full-width and Cyrillic whatever the case or width of the query', async function () {
        await seedSubmission(store(), who, 'jp2', { receivedAt: at(41), subject: 'ご請求' });
        await seedSubmission(store(), who, 'ru2', { receivedAt: at(42), subject: 'Оплата' });
        await store().upsertIndicators('jp2', who.org.id, at(43), [
          { type: 'av-signature', value: 'ＷＩＮ.Ｔｒｏｊａｎ.請求書-７', kind: 'file', class: 'RED' },
        ]);
        await store().upsertIndicators('ru2', who.org.id, at(43), [{ type: 'yara-rule', value: 'Счёт_Фактура_Dropper', kind: 'file', class: 'RED' }]);
        await store().updateSubmission('jp2', { campaign: 'ｾｲｷｭｳｼｮ作戦' }, at(44));
        await store().updateSubmission('ru2', { campaign: 'Операция «Счёт»' }, at(44));
        const byIndicator = async (contains: string) =>
          (await store().searchSubmissions({ indicators: [{ types: ['yara-rule', 'av-signature'], contains }] }, { limit: 10 })).items.map((s) => s.id);
        expect(await byIndicator('win.trojan.請求書-7')).to.deep.equal(['jp2']);
        expect(await byIndicator('ＷＩＮ.ＴＲＯＪＡＮ')).to.deep.equal(['jp2', 's2']); // s2: Win.Trojan.Emotet-123
        expect(await byIndicator('СЧЁТ_фактура')).to.deep.equal(['ru2']);
        expect(await byIndicator('счет_фактура')).to.deep.equal([]); // е is not ё
        const byText = async (text: string) => (await store().searchSubmissions({ text }, { limit: 10 })).items.map((s) => s.id);
        expect(await byText('セイキュウショ作戦')).to.deep.equal(['jp2']);
        expect(await byText('ОПЕРАЦИЯ «СЧЁТ»')).to.deep.equal(['ru2']);
        expect((await store().countSubmissionSearch({ text: 'ｓｅｉｋｙｕ' })).received).to.equal(0);
        expect((await store().countSubmissionSearch({ text: 'ｾｲｷｭｳ' })).received).to.equal(1);
      });

      it('filters on organisations, verdicts and indicator names (YARA rule, AV signature)', async function () {
        const ids = async (search: Parameters<ReturnType<StoreRef>['searchSubmissions']>[0]) =>
          (await store().searchSubmissions(search, { limit: 10 })).items.map((s) => s.id);
        expect(await ids({ orgIds: ['org2'] })).to.deep.equal(['s3']);
        expect(await ids({ verdicts: ['malicious'] })).to.deep.equal(['s2']);
        expect(await ids({ indicators: [{ types: ['yara-rule', 'av-signature'], contains: 'emotet' }] })).to.deep.equal(['s3', 's2']);
        expect(await ids({ indicators: [{ types: ['yara-rule'], contains: 'emotet' }] })).to.deep.equal(['s3']);
        expect(
          await ids({
            indicators: [
              { types: ['yara-rule'], contains: 'emotet' },
              { types: ['av-signature'], contains: 'emotet' },
            ],
          }),
        ).to.deep.equal([]);
        expect(await ids({ classOf: { kind: 'mail', classes: ['AMBER'] }, orgIds: ['org1'] })).to.deep.equal(['s2']);
      });

      it('filters on the verdict analysis suggested and on the cluster label, not only on a verdict set by hand', async function () {
        const ids = async (search: Parameters<ReturnType<StoreRef>['searchSubmissions']>[0]) =>
          (await store().searchSubmissions(search, { limit: 10 })).items.map((s) => s.id);
        await store().updateSubmission(
          's1',
          {
            detailsMerge: {
              analysis: {
                analysedAt: at(41),
                verdict: { verdict: 'malicious', score: 90, reasons: ['"verdict":{"verdict":"suspicious"'] },
                cluster: { label: 'targeted', organisations: 1 },
              },
            },
          },
          at(41),
        );
        await store().updateSubmission(
          's3',
          { detailsMerge: { analysis: { verdict: { verdict: 'suspicious', score: 30, reasons: [] }, cluster: { label: 'mass', organisations: 5 } } } },
          at(41),
        );
        expect(await ids({ suggestedVerdicts: ['malicious'] })).to.deep.equal(['s1']);
        expect(await ids({ suggestedVerdicts: ['suspicious'] })).to.deep.equal(['s3']);
        expect(await ids({ suggestedVerdicts: ['malicious', 'suspicious'] })).to.deep.equal(['s3', 's1']);
        expect(await ids({ clusterLabels: ['mass'] })).to.deep.equal(['s3']);
        expect(await ids({ clusterLabels: ['targeted'], suggestedVerdicts: ['malicious'] })).to.deep.equal(['s1']);
        expect((await store().countSubmissionSearch({ clusterLabels: ['mass'] })).received).to.equal(1);
      });

      it('pages newest first and oldest first without skipping or repeating', async function () {
        for (const order of ['newest', 'oldest'] as const) {
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: Awaited<ReturnType<ReturnType<StoreRef>['searchSubmissions']>> = await store().searchSubmissions({ order }, { limit: 2, cursor });
            seen.push(...page.items.map((s) => s.id));
            cursor = page.nextCursor;
          } while (cursor);
          expect(seen).to.deep.equal(order === 'newest' ? ['s3', 's2', 's1'] : ['s1', 's2', 's3']);
        }
      });

      it('counts per status under the same filters', async function () {
        await store().updateSubmission('s1', { status: 'awaiting-triage' }, at(50));
        const counts = await store().countSubmissionSearch({ text: 'invoice' });
        expect(counts).to.include({ received: 1, 'awaiting-triage': 1, published: 0 });
      });
    });
  });
}
