// Archives nobody opened looked clean: the console showed "no match" / "clean" for an archive
// whose contents were never scanned. It now shows "not examined" with the reason, in the scan
// result and in the verdict reasons (issue 14).
import { expect } from 'chai';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

describe('console: archives whose contents were not examined', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let client: ConsoleClient;
  let subId: string;
  before(async () => {
    env = await startConsoleEnv({ api: true });
    client = (await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now)).client;
    const ace = Buffer.alloc(64);
    ace.write('**ACE**', 7, 'latin1');
    const sub = await ingestAndAnalyse(env, {
      subject: 'Invoice',
      attachments: [{ filename: 'invoice.ace', contentType: 'application/octet-stream', content: ace }],
    });
    subId = sub.id;
  });
  after(() => env?.close());

  it('shows "not examined" with the reason where the YARA result of the archive is shown, not "no match"', async () => {
    const r = await client.get(`/console/submissions/${subId}`);
    expect(r.status).to.equal(200);
    const article = /<article class="sample"[\s\S]*?<\/article>/.exec(r.text)?.[0] ?? '';
    expect(article).to.include('data-testid="not-examined"');
    expect(article).to.include('not examined: archive format ace cannot be opened');
    expect(article).to.include('Not opened (format not supported)');
  });

  it('names the archive as not examined in the verdict reasons', async () => {
    const r = await client.get(`/console/submissions/${subId}`);
    expect(r.text).to.include('not examined: invoice.ace (archive format ace cannot be opened); its contents were not scanned');
    expect(r.text).to.not.include('no detection: not evidence of a benign mail');
  });
});
