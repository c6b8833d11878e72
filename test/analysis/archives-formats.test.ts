// Archives attackers send besides zip: 7z, RAR, ISO, FAT images, LZH, CAB, tar, xz, bzip2, nested,
// opened with 7-Zip (WASM, in process) within the same limits as zip, their members scanned with
// the project's YARA rules. The fixtures are built here with the real tools (see archive-builders).
import { expect } from 'chai';
import { createLogger } from '../../core/logger.ts';
import { expandArchives, type ExpandedFile } from '../../analysis/archives/expand.ts';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../../analysis/archives/limits.ts';
import type { FoundFile, YaraScanner } from '../../analysis/types.ts';
import { runSevenZip } from '../../analysis/archives/seven-zip-engine.ts';
import { rulesScanner } from './helpers/analysis-env.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';
import {
  build7zip,
  buildAceLike,
  buildCab,
  buildFatImage,
  buildIso,
  buildLzh,
  buildRar,
  buildStream,
  buildVhd,
  buildZstd,
  type FixtureMember,
} from './helpers/archive-builders.ts';

const MiB = 1024 * 1024;
const attachment = (name: string, content: Buffer): FoundFile => ({
  content,
  role: 'attachment',
  declaredName: name,
  declaredType: 'application/octet-stream',
  path: [name],
  parentSha256: null,
});
const limits = (over: Partial<ArchiveLimits> = {}): ArchiveLimits => ({ ...DEFAULT_ARCHIVE_LIMITS, ...over });
const paths = (out: readonly ExpandedFile[]) => out.map((f) => f.file.path.join('/'));

describe('archives of other formats (7-Zip WASM)', function () {
  this.timeout(60_000);
  let yara: YaraScanner;
  const lnk = buildLnk();
  const lure: FixtureMember[] = [{ name: 'invoice.pdf.lnk', content: lnk }];
  before(async () => (yara = await rulesScanner(createLogger({ level: 'silent' }))));
  after(async () => yara.close());

  async function expectLureFound(name: string, content: Buffer, memberPath: string): Promise<void> {
    const out = await expandArchives([attachment(name, content)], [], limits());
    expect(out[0]!.archive, JSON.stringify(out[0]!.archive)).to.deep.include({ kind: 'expanded' });
    const member = out.find((f) => f.file.path.join('/') === memberPath);
    expect(member, paths(out).join(', ')).to.not.equal(undefined);
    expect(member!.file.content.equals(lnk)).to.equal(true);
    const scanned = await yara.scan(member!.file.content);
    expect(scanned.kind === 'scanned' && scanned.matches.flatMap((m) => m.tags)).to.include('lnk');
  }

  const formats: [string, () => Buffer, string][] = [
    ['7z', () => build7zip('7z', lure), 'lure.7z/invoice.pdf.lnk'],
    ['RAR', () => buildRar(lure), 'lure.rar/invoice.pdf.lnk'],
    ['ISO 9660', () => buildIso(lure), 'lure.iso/invoice.pdf.lnk'],
    ['IMG (FAT disk image)', () => buildFatImage(lure), 'lure.img/invoice.pdf.lnk'],
    ['VHD (fixed disk with a FAT volume)', () => buildVhd(lure), 'lure.vhd/invoice.pdf.lnk'],
    ['LZH', () => buildLzh(lure), 'lure.lzh/invoice.pdf.lnk'],
    ['CAB', () => buildCab(lure), 'lure.cab/invoice.pdf.lnk'],
    ['tar', () => build7zip('tar', lure), 'lure.tar/invoice.pdf.lnk'],
    ['tar.xz', () => buildStream('xz', build7zip('tar', lure)), 'lure.tar.xz/lure.tar/invoice.pdf.lnk'],
    ['tar.bz2', () => buildStream('bzip2', build7zip('tar', lure)), 'lure.tar.bz2/lure.tar/invoice.pdf.lnk'],
    ['tar.zst', () => buildZstd(build7zip('tar', lure)), 'lure.tar.zst/lure.tar/invoice.pdf.lnk'],
  ];
  for (const [format, build, memberPath] of formats) {
    it(`opens a ${format} attachment and YARA finds the .lnk lure inside`, async () => {
      await expectLureFound(memberPath.split('/')[0]!, build(), memberPath);
    });
  }

  it('opens nested formats: a zip in a 7z in an ISO', async () => {
    const zip = await buildZip(lure);
    const sevenZip = build7zip('7z', [{ name: 'docs/invoice.zip', content: zip }]);
    await expectLureFound('parcel.iso', buildIso([{ name: 'parcel.7z', content: sevenZip }]), 'parcel.iso/parcel.7z/docs/invoice.zip/invoice.pdf.lnk');
  });

  it('opens a 7z with encrypted headers with the PPAP password from the mail, and records it', async () => {
    const locked = build7zip('7z', lure, { password: 'Xk9#pQ2w', encryptHeaders: true });
    const out = await expandArchives([attachment('ppap.7z', locked)], ['wrong', 'Xk9#pQ2w'], limits());
    expect(out[0]!.archive).to.deep.equal({ kind: 'expanded', members: 1, password: 'Xk9#pQ2w' });
    expect(out[1]!.file.content.equals(lnk)).to.equal(true);
  });

  it('opens a 7z with encrypted contents (names visible) with the PPAP password', async () => {
    const locked = build7zip('7z', lure, { password: 'pass1234' });
    const out = await expandArchives([attachment('ppap.7z', locked)], ['a', 'b', 'pass1234'], limits());
    expect(out[0]!.archive).to.deep.equal({ kind: 'expanded', members: 1, password: 'pass1234' });
  });

  it('reports an encrypted 7z it cannot open, with the passwords tried, and no members', async () => {
    const locked = build7zip('7z', lure, { password: 'secret', encryptHeaders: true });
    const out = await expandArchives([attachment('ppap.7z', locked)], ['a1', 'b2', 'c3'], limits({ maxPasswordsTried: 2 }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.equal({ kind: 'encrypted', triedPasswords: 2 });
  });

  it('refuses a 7z with more members than maxArchiveMembers, from its listing', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.txt`, content: Buffer.from(`file ${i}`) }));
    const out = await expandArchives([attachment('many.7z', build7zip('7z', many))], [], limits({ maxArchiveMembers: 10 }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.equal({ kind: 'too-many-members', members: 12 });
  });

  it('reports a 7z bomb from its declared sizes without expanding it', async () => {
    const out = await expandArchives(
      [attachment('zeros.7z', build7zip('7z', [{ name: 'zeros.bin', content: Buffer.alloc(8 * MiB) }]))],
      [],
      limits({ maxCompressionRatio: 100 }),
    );
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.include({ kind: 'bomb' });
    expect((out[0]!.archive as { reason: string }).reason).to.match(/^declared .*ratio/);
  });

  it('stops expanding a bzip2 stream (no declared size) at the bytes left of maxExpandedBytes', async () => {
    const random = Buffer.alloc(3 * MiB);
    for (let i = 0; i < random.length; i += 4) random.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 7)) >>> 0, i);
    const out = await expandArchives([attachment('data.bz2', buildStream('bzip2', random))], [], limits({ maxExpandedBytes: MiB }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.include({ kind: 'bomb' });
    expect((out[0]!.archive as { reason: string }).reason).to.match(/beyond the bytes left of maxExpandedBytes/);
  });

  it('counts 7-Zip formats against the same depth limit as zips', async () => {
    const inner = build7zip('7z', lure);
    const middle = build7zip('7z', [{ name: 'b.7z', content: inner }]);
    const out = await expandArchives([attachment('a.7z', middle)], [], limits({ maxArchiveDepth: 1 }));
    expect(paths(out)).to.deep.equal(['a.7z', 'a.7z/b.7z']);
    expect(out[1]!.archive).to.deep.equal({ kind: 'too-deep', depth: 2 });
  });

  it("reports a damaged 7z as unreadable, with 7-Zip's reason", async () => {
    const good = build7zip('7z', lure);
    const damaged = Buffer.concat([good.subarray(0, 12), Buffer.alloc(good.length - 12, 0x41)]);
    const out = await expandArchives([attachment('bad.7z', damaged)], [], limits());
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.include({ kind: 'unreadable' });
  });

  it('ends a 7-Zip command at its deadline, and keeps the event loop free while 7-Zip works', async () => {
    const big = build7zip('7z', [{ name: 'zeros.bin', content: Buffer.alloc(32 * MiB) }]);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const ended = await runSevenZip(big, ['x', '-bd', '-y', '-o{out}', '-p', '--', '{in}'], Number.MAX_SAFE_INTEGER, 50);
    const done = await runSevenZip(big, ['x', '-bd', '-y', '-o{out}', '-p', '--', '{in}']);
    clearInterval(ticker);
    expect(ended).to.include({ timedOut: true, exitCode: null });
    expect(ended.files.size).to.equal(0);
    expect(done).to.include({ timedOut: false, exitCode: 0 });
    expect(done.files.get('zeros.bin')!.length).to.equal(32 * MiB);
    expect(ticks, 'timer turns while 7-Zip ran').to.be.greaterThan(3);
  });

  it('reports an archive format it recognises but cannot open (ACE) as unsupported', async () => {
    const out = await expandArchives([attachment('invoice.ace', buildAceLike())], [], limits());
    expect(out[0]!.archive).to.deep.equal({ kind: 'unsupported', format: 'ace' });
  });
});
