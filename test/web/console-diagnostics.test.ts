// The secretariat's diagnostics page: the `c4tap doctor` checks, run by the server, one row each
// with its status, in English and Japanese; a secrets file other users can read shows as failed
// with the chmod to run. Analysts are kept out.
import { expect } from 'chai';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { staffSuite } from './helpers/console-env.ts';

describe('console diagnostics page (doctor checks)', function () {
  this.timeout(60_000);
  const f = staffSuite();
  const s = () => f.secretariat.client;

  it('keeps analysts out', async function () {
    expect((await f.analyst.client.get('/console/admin/diagnostics')).status).to.equal(403);
  });

  it('shows every doctor check with its status, and a world-readable secrets file as failed with the fix', async function () {
    const secrets = path.join(f.env.config.dataDir, 'secrets.json');
    chmodSync(secrets, 0o644);
    try {
      const page = await s().get('/console/admin/diagnostics');
      expect(page.status).to.equal(200);
      expect(page.text).to.match(
        /<tr data-check="file mode" data-status="fail"><td>File mode<\/td><td class="error">Failed<\/td><td class="small">[^<]*secrets\.json is mode 0644: other users can read it<\/td><td class="small">chmod 600 [^<]*secrets\.json<\/td><\/tr>/,
      );
      for (const check of ['TLS certificate', 'disk', 'schema version', 'YARA rules', 'warning lists', 'clamd', 'mail relay', 'time skew']) {
        expect(page.text, check).to.match(new RegExp(`<tr data-check="${check}" data-status="(ok|warn|fail)">`));
      }
      expect(page.text).to.match(/<tr data-check="YARA rules" data-status="ok"><td>YARA rules<\/td><td class="ok">OK<\/td>/);
      expect(page.text).to.match(/data-testid="diag-summary">1 of \d+ checks failed\./);
      expect(page.text).to.contain('href="/console/admin/diagnostics"');
    } finally {
      chmodSync(secrets, 0o600);
    }
  });

  it('speaks Japanese to a secretary who reads Japanese', async function () {
    const me = (await f.env.ctx.store.getPrincipalByName('secretary'))!;
    await f.env.ctx.store.updatePrincipal(me.id, { language: 'ja' });
    try {
      const page = await s().get('/console/admin/diagnostics');
      expect(page.text).to.match(/<tr data-check="warning lists" data-status="ok"><td>警告リスト<\/td><td class="ok">正常<\/td>/);
      expect(page.text).to.match(/<tr data-check="clamd" data-status="warn"><td>clamd<\/td><td class="warning">注意<\/td>/);
      expect(page.text).to.match(/data-testid="diag-summary">\d+ 件の検査はすべて正常です。/);
    } finally {
      await f.env.ctx.store.updatePrincipal(me.id, { language: 'en' });
    }
  });
});
