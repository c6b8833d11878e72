// zip-slip: member names that climb out of the archive (`../../x`, `/x`, `C:\x`) must not make an
// archive unreadable (it was then shown as not scanned members and an "unreadable" zip): the member
// is scanned under a safe path, and its stored name is kept as evidence for the verdict.
import { expect } from 'chai';
import { expandArchives } from '../../analysis/archives/expand.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../../analysis/archives/limits.ts';
import { isTraversalName, safeMemberName } from '../../analysis/archives/member-name.ts';
import type { FoundFile } from '../../analysis/types.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';

const attachment = (name: string, content: Buffer): FoundFile => ({
  content,
  role: 'attachment',
  declaredName: name,
  declaredType: 'application/zip',
  path: [name],
  parentSha256: null,
});

/** A zip whose stored names are rewritten in place (same length) to hostile ones. */
async function slipZip(): Promise<Buffer> {
  const zip = await buildZip([
    { name: 'xx/xx/Startup/run.lnk', content: buildLnk() },
    { name: 'Q/abs/passwd.txt', content: Buffer.from('root:x:0:0') },
    { name: 'ok.txt', content: Buffer.from('ok') },
  ]);
  const s = zip.toString('latin1').replaceAll('xx/xx/Startup', '../../Startup').replaceAll('Q/abs/', '/etc//');
  return Buffer.from(s, 'latin1');
}

describe('zip-slip member names', () => {
  it('expands a zip whose members are named ../../x or /x, and hands each member over under a safe path', async () => {
    const out = await expandArchives([attachment('slip.zip', await slipZip())], [], DEFAULT_ARCHIVE_LIMITS);
    expect(out[0]!.archive).to.deep.equal({ kind: 'expanded', members: 3, password: null });
    expect(out.slice(1).map((f) => [f.file.declaredName, f.file.path.join('|')])).to.deep.equal([
      ['../../Startup/run.lnk', 'slip.zip|Startup/run.lnk'],
      ['/etc//passwd.txt', 'slip.zip|etc/passwd.txt'],
      ['ok.txt', 'slip.zip|ok.txt'],
    ]);
    expect(out[1]!.file.content.equals(buildLnk())).to.equal(true);
  });

  it('tells climbing names from ordinary ones, Windows forms included', () => {
    for (const bad of ['../x', 'a/../../x', '..\\..\\x', '/etc/passwd', 'C:\\Windows\\x.dll', 'c:/x']) expect(isTraversalName(bad), bad).to.equal(true);
    for (const good of ['a/b.txt', '請求書/invoice.pdf.lnk', 'a..b.txt', '..hidden']) expect(isTraversalName(good), good).to.equal(false);
    expect(safeMemberName('C:\\Users\\..\\..\\x.dll')).to.equal('Users/x.dll');
    expect(safeMemberName('../..')).to.equal('unnamed-member');
  });
});
