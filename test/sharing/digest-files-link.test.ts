// The authenticated link of 'link' mode: the digest carries no attachment but a link to
// /digests/files/<delivery>, which answers the subscriber's bearer token — and nobody else's —
// with the files of exactly that delivery's range, regenerated from the log as that subscriber.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { Registry } from 'prom-client';
import { createLogger } from '../../core/logger.ts';
import { issueToken } from '../../core/tokens.ts';
import type { Principal } from '../../core/types.ts';
import { createDigestFilesRouter, DIGEST_FILES_MOUNT } from '../../sharing/digests/files-route.ts';
import { runDigests } from '../../sharing/digests/run.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { TOKEN_SETTINGS } from './helpers/api-env.ts';
import { VALUES, ZIP_PASSWORD, openDeliveryEnv, sealKey, type DeliveryEnv } from './helpers/digest-delivery-env.ts';

type Row = Record<string, string>;

describe('digest files behind an authenticated link', function () {
  this.timeout(60_000);
  let env: DeliveryEnv;
  let sink: SmtpSink;
  let server: Server;
  let base: string;

  beforeEach(async function () {
    env = await openDeliveryEnv();
    sink = await startSmtpSink();
    const deps = env.deps(sink.mailerSettings(env.outbox));
    const router = createDigestFilesRouter({
      store: env.w.store,
      clock: env.w.clock,
      tokenSettings: TOKEN_SETTINGS,
      rateLimit: { points: 100, windowSeconds: 60 },
      channels: deps.channels,
      sealKey,
      exchange: { name: deps.exchange.name, baseUrl: 'https://c4tap.test/' },
    });
    const log = createLogger({ level: 'silent' });
    server = await listen(
      createHttpApp({ log, registry: new Registry(), trustProxy: false, health: async () => ({}), routers: [{ path: DIGEST_FILES_MOUNT, router }] }),
      '127.0.0.1',
      0,
    );
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async function () {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sink?.close();
    await env?.cleanup();
  });

  const token = async (p: Principal) => (await issueToken(env.w.store, TOKEN_SETTINGS, p, 3600_000, 'digest', env.w.clock())).token;
  const get = (url: string, p: string | null) => fetch(url, p ? { headers: { authorization: `Bearer ${p}` } } : {});

  async function sendLinked(reader: Principal, zipPassword: string | null): Promise<string> {
    await env.subscribe(reader, { attachments: 'link', zipPassword });
    await runDigests(env.deps(sink.mailerSettings(env.outbox), { exchange: { name: 'C4TAP test exchange', hostname: 'c4tap.test', baseUrl: base } }), {
      force: true,
    });
    const [msg] = await sink.waitFor(1);
    expect(msg!.parsed.attachments).to.deep.equal([]);
    const link = (msg!.parsed.text ?? '').match(/http:\/\/127\.0\.0\.1:\d+\/digests\/files\/\S+/)?.[0];
    expect(link, msg!.parsed.text).to.be.a('string');
    return link!;
  }

  it("answers the subscriber's token with the zip of that delivery, encrypted with its password", async function () {
    const link = await sendLinked(env.readers.observer, ZIP_PASSWORD);
    expect(link).to.match(/\?format=zip$/);
    const res = await get(link, await token(env.readers.observer));
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/zip');
    const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(await res.arrayBuffer())));
    const entries = (await reader.getEntries()) as FileEntry[];
    const csvEntry = entries.find((e) => e.filename.endsWith('.csv'))!;
    const csv = Buffer.from(await csvEntry.getData(new Uint8ArrayWriter(), { password: ZIP_PASSWORD })).toString('utf8');
    await reader.close();
    const rows = parse(csv, { columns: true, skip_empty_lines: true, bom: true }) as Row[];
    expect(rows.map((r) => r.value).sort()).to.deep.equal([VALUES.yellowUrl, VALUES.shared, VALUES.green, VALUES.white].sort());
    expect(entries.map((e) => e.filename).some((n) => n.endsWith('.stix.json'))).to.equal(true);
  });

  it('gives the CSV and STIX of exactly the delivered range, not what was published after it', async function () {
    const link = await sendLinked(env.readers.affiliate, null);
    expect(link).to.match(/\?format=stix$/);
    await env.publishYellow('s-later', [{ type: 'domain-name', value: 'after-the-digest.example', kind: 'network' }]);
    const t = await token(env.readers.affiliate);
    const csvRes = await get(link.replace('format=stix', 'format=csv'), t);
    expect(csvRes.status).to.equal(200);
    const rows = parse(await csvRes.text(), { columns: true, skip_empty_lines: true, bom: true }) as Row[];
    expect(rows.map((r) => r.value).sort()).to.deep.equal([VALUES.green, VALUES.white].sort());
    const stix = (await (await get(link, t)).json()) as { type: string; objects: { type: string; pattern?: string }[] };
    expect(stix.type).to.equal('bundle');
    expect(stix.objects.filter((o) => o.type === 'indicator')).to.have.length(2);
    // No zip without a zip password.
    expect((await get(link.replace('format=stix', 'format=zip'), t)).status).to.equal(406);
  });

  it("refuses a request without a token (401) and another principal's token as if the delivery did not exist (404)", async function () {
    const link = await sendLinked(env.readers.observer, ZIP_PASSWORD);
    const noToken = await get(link, null);
    expect(noToken.status).to.equal(401);
    expect(noToken.headers.get('www-authenticate')).to.match(/^Bearer/);
    expect((await get(link, await token(env.readers.participant))).status).to.equal(404);
    expect((await get(link.replace(/files\/[^?]+/, 'files/dd_unknown'), await token(env.readers.observer))).status).to.equal(404);
  });
});
