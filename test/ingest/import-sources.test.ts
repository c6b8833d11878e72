import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { readSources, type ImportedMessage } from '../../ingest/import-sources.ts';

async function all(paths: string[]): Promise<ImportedMessage[]> {
  const out: ImportedMessage[] = [];
  for await (const m of readSources(paths)) out.push(m);
  return out;
}

const msg = (n: number, body: string) => `From: a${n}@attacker.example\r\nSubject: m${n}\r\n\r\n${body}\r\n`;

describe('import sources', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'c4imp-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('splits an mbox into its messages, dropping the envelope line and unquoting >From lines', async function () {
    const file = path.join(dir, 'a.mbox');
    const mbox =
      `From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n${msg(1, 'hello\n>From the start\n>>From nested')}\n` +
      `From x@y Thu Jan  1 00:00:01 2026\n${msg(2, 'second')}\n` +
      `From x@y Thu Jan  1 00:00:02 2026\n${msg(3, 'third')}`;
    writeFileSync(file, mbox);
    const got = await all([file]);
    expect(got.map((m) => m.origin)).to.deep.equal([`${file}#1`, `${file}#2`, `${file}#3`]);
    expect(got[0]!.raw.toString()).to.equal(msg(1, 'hello\nFrom the start\n>From nested'));
    expect(got[1]!.raw.toString()).to.equal(msg(2, 'second'));
    expect(got[2]!.raw.toString()).to.equal(msg(3, 'third'));
  });

  it('keeps raw 8-bit Shift_JIS bytes of mbox messages untouched', async function () {
    const sjis = iconv.encode('請求書をご確認ください', 'Shift_JIS');
    const head = Buffer.from('From x@y Thu Jan  1 00:00:00 2026\nSubject: sjis\r\n\r\n');
    writeFileSync(path.join(dir, 'j.mbox'), Buffer.concat([head, sjis, Buffer.from('\r\n')]));
    const [m] = await all([path.join(dir, 'j.mbox')]);
    expect(m!.raw.includes(sjis)).to.equal(true);
  });

  it('splits messages across read-chunk boundaries of a large mbox', async function () {
    const big = 'x'.repeat(100_000);
    const parts = Array.from({ length: 5 }, (_, i) => `From x@y Thu Jan  1 00:00:0${i} 2026\n${msg(i, big)}`);
    writeFileSync(path.join(dir, 'big.mbox'), parts.join('\n'));
    const got = await all([path.join(dir, 'big.mbox')]);
    expect(got).to.have.length(5);
    got.forEach((m, i) => expect(m.raw.toString()).to.equal(msg(i, big)));
  });

  it('reads .eml files as single messages and Maildir cur/ and new/', async function () {
    writeFileSync(path.join(dir, 'one.eml'), msg(1, 'eml'));
    const md = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(md, sub), { recursive: true });
    writeFileSync(path.join(md, 'cur', '1.host:2,S'), msg(2, 'cur'));
    writeFileSync(path.join(md, 'new', '2.host'), msg(3, 'new'));
    writeFileSync(path.join(md, 'tmp', '3.host'), msg(4, 'tmp: being delivered'));
    const got = await all([path.join(dir, 'one.eml'), md]);
    expect(got.map((m) => m.raw.toString())).to.deep.equal([msg(1, 'eml'), msg(2, 'cur'), msg(3, 'new')]);
  });
});
