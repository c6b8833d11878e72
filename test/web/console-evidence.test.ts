// Readable evidence on the submission page (issue 16): header values decoded (RFC 2047,
// ISO-2022-JP), the sanitizer's changes as a word diff with the redactions highlighted, the
// Received path with the cut marked where analysis cut it, and the cluster evidence.
import { expect } from 'chai';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

describe('console submission page: readable evidence', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  let client: ConsoleClient;
  let page: string;

  before(async () => {
    env = await startConsoleEnv();
    const ja = await env.addAccount('analyst-ja', ['analyst'], undefined, { language: 'ja' });
    client = (await loginAndEnrol(env.origin, 'analyst-ja', ja.password, env.now)).client;
    const sub = await ingestAndAnalyse(env, {
      subject: '【重要】請求書の確認',
      charset: 'iso-2022-jp',
      text: 'Taro 様\nhttps://invoice-portal.top/pay?id=4411&user=taro.yamada@rail.example からお支払いください。\n',
      received: [
        'from mx.rail.example (mx.rail.example [198.51.100.25]) by mail.rail.example with ESMTP id A1; Mon, 01 Apr 2024 10:15:02 +0900',
        'from sender.invoice-portal.top (unknown [45.77.12.9]) by mx.rail.example with ESMTP id B2; Mon, 01 Apr 2024 10:15:01 +0900',
        'from localhost (localhost [127.0.0.1]) by sender.invoice-portal.top; Mon, 01 Apr 2024 10:15:00 +0900',
      ],
    });
    const r = await client.get(`/console/submissions/${sub.id}`);
    expect(r.status).to.equal(200);
    page = r.text;
  });
  after(() => env?.close());

  it('shows the ISO-2022-JP encoded subject decoded, the encoded form only as a note', () => {
    const headers = /<table class="headers"[\s\S]*?<\/table>/.exec(page)![0];
    const subject = /<tr><th>subject<\/th>[\s\S]*?<\/tr>/i.exec(headers)![0];
    expect(subject).to.match(/<span class="decoded">【重要】請求書の確認<\/span>/);
    expect(subject).to.match(/エンコード：[\s\S]*(=|&#61;)\?ISO-2022-JP\?B\?/i);
  });

  it('marks the recipient address in the lure URL as one redaction, not interleaved characters', () => {
    const diff = /<section id="redactions">[\s\S]*?<\/section>/.exec(page)![0];
    expect(diff).to.match(/<del class="redacted"[^>]*>[^<]*taro\.yamada@rail\.example<\/del>/);
    expect(diff).to.match(/<ins class="placeholder"/);
    expect(diff).to.not.match(/<del[^>]*>.{1,2}<\/del><span>.{1,2}<\/span><del/);
  });

  it('marks where the Received chain was cut: our relays above, the sender’s hops below', () => {
    const chain = /<ol class="received">[\s\S]*?<\/ol>/.exec(page)![0];
    expect(chain).to.match(/<li class="cut">/);
    const order = [...chain.matchAll(/<li class="(hop internal|hop attacker|cut)">/g)].map((m) => m[1]);
    expect(order).to.deep.equal(['hop internal', 'hop internal', 'cut', 'hop attacker']);
    expect(page).to.not.include('sub.receivedCutUnknown');
  });

  it('shows the cluster evidence in Japanese', () => {
    const cluster = /<section id="cluster">[\s\S]*?<\/section>/.exec(page)![0];
    expect(cluster).to.match(/data-testid="cluster-label">標的型</);
    expect(cluster).to.include('1 組織（1 業種）から報告');
  });
});
