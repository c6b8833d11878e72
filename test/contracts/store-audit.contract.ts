// Contract: the audit log keeps a verifiable chain and its head record.
import { expect } from 'chai';
import { createAuditAppender, GENESIS_HASH, verifyAudit } from '../../core/audit.ts';
import type { AuditStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at } from './store-fixtures.ts';

const KEY = Buffer.alloc(32, 7);

export function auditContract(store: StoreRef<AuditStore>): void {
  describe('audit log', function () {
    it('has no head and verifies while empty', async function () {
      expect(await store().auditHead()).to.equal(null);
      expect(await verifyAudit(store(), KEY)).to.deep.include({ ok: true, events: 0, lastHash: GENESIS_HASH });
    });

    it('appends many events, also concurrently, into a chain that verifies', async function () {
      let tick = 0;
      const append = createAuditAppender(store(), () => new Date(at(tick++)), KEY);
      const first = await append({ actor: 'system', action: 'store.opened' });
      expect(first).to.include({ seq: 1, prevHash: GENESIS_HASH });
      for (let i = 0; i < 20; i++) await append({ actor: 'cli:admin', action: 'principal.created', target: `p${i}`, data: { roles: ['reader'], i } });
      await Promise.all(Array.from({ length: 19 }, (_, i) => append({ actor: 'analyst1', action: 'sample.downloaded', target: `s${i}` })));

      const result = await verifyAudit(store(), KEY, 7);
      expect(result.problems).to.deep.equal([]);
      expect(result).to.include({ ok: true, events: 40 });
      const events = await store().listAudit(0, 100);
      expect(events.map((e) => e.seq)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(events[5]?.data).to.deep.equal({ roles: ['reader'], i: 4 });
      expect(await store().auditHead()).to.deep.equal({ seq: 40, hash: result.lastHash });
      expect(await store().listAudit(38, 10)).to.deep.equal(events.slice(38));
    });
  });
}
