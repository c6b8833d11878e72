// Archives in a submission: zip (plain, ZipCrypto, AES), gzip, nesting, and the limits that keep a
// hostile archive from exhausting the worker.
import { expect } from 'chai';
import { expandArchives, type ExpandedFile } from '../../analysis/archives/expand.ts';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../../analysis/archives/limits.ts';
import type { FoundFile } from '../../analysis/types.ts';
import { sha256Hex } from '../../quarantine/hashes.ts';
import { buildLnk, buildWord, buildZip, gzip, nestedZips, withDeclaredSize } from './helpers/file-builders.ts';

const MiB = 1024 * 1024;

function attachment(name: string, content: Buffer): FoundFile {
  return { content, role: 'attachment', declaredName: name, declaredType: 'application/octet-stream', path: [name], parentSha256: null };
}

function limits(overrides: Partial<ArchiveLimits> = {}): ArchiveLimits {
  return { ...DEFAULT_ARCHIVE_LIMITS, ...overrides };
}

const byName = (files: readonly ExpandedFile[], name: string) => files.find((f) => f.file.path[f.file.path.length - 1] === name);

describe('expandArchives', () => {
  it('lists a .lnk inside a zip as a member sample with its path and parent', async () => {
    const lnk = buildLnk();
    const zip = await buildZip([{ name: '請求書/invoice.pdf.lnk', content: lnk }]);
    const out = await expandArchives([attachment('invoice.zip', zip)], [], limits());
    expect(out).to.have.length(2);
    expect(out[0]!.archive).to.deep.equal({ kind: 'expanded', members: 1, password: null });
    const member = out[1]!;
    expect(member.file).to.include({ role: 'member', declaredName: '請求書/invoice.pdf.lnk', parentSha256: sha256Hex(zip) });
    expect(member.file.path).to.deep.equal(['invoice.zip', '請求書/invoice.pdf.lnk']);
    expect(member.file.content.equals(lnk)).to.equal(true);
    expect(member.archive).to.equal(null);
  });

  for (const encryption of ['zipcrypto', 'aes'] as const) {
    it(`opens a ${encryption} encrypted zip with the first candidate password that fits, and records it`, async () => {
      const lnk = buildLnk();
      const zip = await buildZip(
        [
          { name: 'doc.lnk', content: lnk },
          { name: 'readme.txt', content: Buffer.from('hello') },
        ],
        { password: 'Xk9#pQ2w', encryption },
      );
      const out = await expandArchives([attachment('ppap.zip', zip)], ['wrong1', 'Xk9#pQ2w', 'wrong2'], limits());
      expect(out[0]!.archive).to.deep.equal({ kind: 'expanded', members: 2, password: 'Xk9#pQ2w' });
      expect(byName(out, 'doc.lnk')!.file.content.equals(lnk)).to.equal(true);
    });
  }

  it('reports an encrypted zip it cannot open, with the number of passwords tried, and no members', async () => {
    const zip = await buildZip([{ name: 'doc.lnk', content: buildLnk() }], { password: 'secret' });
    const out = await expandArchives([attachment('ppap.zip', zip)], ['a1', 'b2', 'c3'], limits({ maxPasswordsTried: 2 }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.equal({ kind: 'encrypted', triedPasswords: 2 });
  });

  it('reports a zip bomb from its compression ratio without expanding it', async () => {
    const zip = await buildZip([{ name: 'zeros.bin', content: Buffer.alloc(4 * MiB) }], { level: 9 });
    expect(zip.length).to.be.below(64 * 1024);
    const out = await expandArchives([attachment('bomb.zip', zip)], [], limits({ maxCompressionRatio: 100 }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive!.kind).to.equal('bomb');
    expect((out[0]!.archive as { reason: string }).reason).to.match(/ratio/);
  });

  it('reports a zip that declares more than maxExpandedBytes as a bomb without expanding it', async () => {
    const zip = withDeclaredSize(await buildZip([{ name: 'big.iso', content: Buffer.from('small') }], { level: 0 }), 0xfffffff0);
    const out = await expandArchives([attachment('huge.zip', zip)], [], limits({ maxExpandedBytes: 50 * MiB, maxCompressionRatio: 1e9 }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.include({ kind: 'bomb' });
    expect((out[0]!.archive as { reason: string }).reason).to.match(/maxExpandedBytes/);
  });

  it('stops expanding a member that inflates beyond its declared size (declared sizes are not trusted)', async () => {
    const honest = await buildZip([{ name: 'data.bin', content: Buffer.alloc(2 * MiB, 0x41) }], { level: 9 });
    const lying = withDeclaredSize(honest, 1000);
    const out = await expandArchives([attachment('liar.zip', lying)], [], limits());
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.include({ kind: 'bomb' });
    expect((out[0]!.archive as { reason: string }).reason).to.match(/beyond its declared 1000 bytes/);
  });

  it('refuses the next archive once the byte budget of the submission is spent', async () => {
    const a = await buildZip([{ name: 'a.bin', content: Buffer.alloc(600 * 1024, 1) }]);
    const b = await buildZip([{ name: 'b.bin', content: Buffer.alloc(600 * 1024, 2) }]);
    const out = await expandArchives([attachment('a.zip', a), attachment('b.zip', b)], [], limits({ maxExpandedBytes: MiB }));
    expect(byName(out, 'a.zip')!.archive).to.deep.include({ kind: 'expanded' });
    expect(byName(out, 'b.zip')!.archive).to.deep.include({ kind: 'bomb' });
    expect(byName(out, 'b.bin')).to.equal(undefined);
  });

  it('opens nested zips down to maxArchiveDepth and reports the next level as too-deep', async () => {
    const zip = await nestedZips(4, { name: 'payload.lnk', content: buildLnk() });
    const out = await expandArchives([attachment('a1.zip', zip)], [], limits({ maxArchiveDepth: 2 }));
    expect(out.map((f) => f.file.path.join('/'))).to.deep.equal(['a1.zip', 'a1.zip/a2.zip', 'a1.zip/a2.zip/a3.zip']);
    expect(out[0]!.archive).to.deep.include({ kind: 'expanded' });
    expect(out[1]!.archive).to.deep.include({ kind: 'expanded' });
    expect(out[2]!.archive).to.deep.equal({ kind: 'too-deep', depth: 3 });
    expect(out[2]!.file.role).to.equal('member');
  });

  it('refuses an archive with more members than maxArchiveMembers', async () => {
    const members = Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.txt`, content: Buffer.from(`file ${i}`) }));
    const out = await expandArchives([attachment('many.zip', await buildZip(members))], [], limits({ maxArchiveMembers: 10 }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.equal({ kind: 'too-many-members', members: 12 });
  });

  it('expands gzip, naming the member from the archive name, and zips inside it', async () => {
    const zip = await buildZip([{ name: 'run.lnk', content: buildLnk() }]);
    const out = await expandArchives([attachment('parcel.zip.gz', gzip(zip))], [], limits());
    expect(out.map((f) => f.file.path.join('/'))).to.deep.equal(['parcel.zip.gz', 'parcel.zip.gz/parcel.zip', 'parcel.zip.gz/parcel.zip/run.lnk']);
    expect(out[0]!.archive).to.deep.equal({ kind: 'expanded', members: 1, password: null });
  });

  it('reports a gzip bomb from its declared size before expanding it', async () => {
    const out = await expandArchives([attachment('zeros.gz', gzip(Buffer.alloc(8 * MiB)))], [], limits({ maxCompressionRatio: 100 }));
    expect(out).to.have.length(1);
    expect(out[0]!.archive).to.deep.include({ kind: 'bomb' });
    expect((out[0]!.archive as { reason: string }).reason).to.match(/^declared/);
  });

  it('reports a gzip bomb whose trailer lies from what it really expands to, and keeps nothing of it', async () => {
    const lying = gzip(Buffer.alloc(8 * MiB));
    lying.writeUInt32LE(100, lying.length - 4);
    const capped = await expandArchives([attachment('zeros.gz', lying)], [], limits({ maxExpandedBytes: 2 * MiB }));
    expect(capped).to.have.length(1);
    expect((capped[0]!.archive as { kind: string; reason: string }).reason).to.match(/beyond the bytes left of maxExpandedBytes/);
    // Within the budget, zlib's own length check refuses the lie.
    const checked = await expandArchives([attachment('zeros.gz', lying)], [], limits());
    expect(checked).to.have.length(1);
    expect(checked[0]!.archive).to.deep.include({ kind: 'unreadable' });
  });

  it('reports damaged archives as unreadable', async () => {
    const zip = await buildZip([{ name: 'x.txt', content: Buffer.from('x') }]);
    const damaged = Buffer.concat([zip.subarray(0, 30), Buffer.alloc(10)]);
    const out = await expandArchives(
      [attachment('bad.zip', damaged), attachment('bad.gz', Buffer.concat([gzip(Buffer.from('hello world')).subarray(0, 12), Buffer.alloc(20)]))],
      [],
      limits(),
    );
    expect(out.map((f) => f.archive?.kind)).to.deep.equal(['unreadable', 'unreadable']);
  });

  it('hands over the VBA project of a .docm for scanning, not the XML parts of the document', async () => {
    const out = await expandArchives([attachment('invoice.docm', await buildWord({ macro: true }))], [], limits());
    expect(out.map((f) => f.file.path.join('/'))).to.deep.equal(['invoice.docm', 'invoice.docm/word/vbaProject.bin']);
    expect(out[1]!.file.content.subarray(0, 4).toString('hex')).to.equal('d0cf11e0');
    const docx = await expandArchives([attachment('plain.docx', await buildWord())], [], limits());
    expect(docx.map((f) => f.file.path.join('/'))).to.deep.equal(['plain.docx']);
    expect(docx[0]!.archive).to.equal(null);
  });
});
