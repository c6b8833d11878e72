// Finding the files of an original: its attachments and those of messages nested in it.
import { expect } from 'chai';
import { findFiles } from '../../analysis/files/find-files.ts';
import { unwrapForward, type OriginalItem } from '../../core/mail/forward/index.ts';
import { buildForward, buildMail } from '../fixtures/mail-builder.ts';
import { buildLnk, buildWord, buildZip } from './helpers/file-builders.ts';

async function originalOf(raw: Buffer): Promise<OriginalItem> {
  const result = await unwrapForward(raw);
  if (result.kind !== 'unwrapped') throw new Error(`fixture did not unwrap: ${result.message}`);
  return result.items[0]!;
}

describe('findFiles', () => {
  it('finds the attachments of the original, inline images included, with declared name and type', async () => {
    const zip = await buildZip([{ name: 'a.lnk', content: buildLnk() }]);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const suspect = {
      from: 'Billing <billing@invoices-secure.example>',
      to: 'taro@rail.example',
      subject: '請求書',
      text: '添付をご確認ください',
      html: '<p>添付をご確認ください<img src="cid:logo@x"></p>',
      attachments: [
        { filename: '請求書.zip', content: zip, contentType: 'application/zip' },
        { filename: 'logo.png', content: png, contentType: 'image/png', contentId: 'logo@x', disposition: 'inline' as const },
      ],
    };
    const found = await findFiles(await originalOf(await buildForward('rfc822', suspect, { note: 'FYI' })));
    expect(found.files.map((f) => [f.path.join('/'), f.role, f.declaredType])).to.have.deep.members([
      ['請求書.zip', 'attachment', 'application/zip'],
      ['logo.png', 'attachment', 'image/png'],
    ]);
    expect(found.files.find((f) => f.declaredName === '請求書.zip')!.content.equals(zip)).to.equal(true);
    expect(found.files.every((f) => f.parentSha256 === null)).to.equal(true);
    expect(found.bodies.map((b) => b.label)).to.deep.equal(['text', 'html']);
  });

  it('finds the attachments of a message attached to the original, under its path', async () => {
    const docm = await buildWord({ macro: true });
    const inner = await buildMail({
      from: 'hr@partner.example',
      to: 'taro@rail.example',
      subject: 'CV',
      text: 'see attached CV',
      attachments: [{ filename: 'cv.docm', content: docm, contentType: 'application/vnd.ms-word.document.macroEnabled.12' }],
    });
    const suspect = {
      from: 'Recruiter <jobs@recruit-jp.example>',
      to: 'taro@rail.example',
      subject: 'Application',
      text: 'Please find the forwarded application.',
      attachments: [{ filename: 'application.eml', content: inner, contentType: 'message/rfc822' }],
    };
    const found = await findFiles(await originalOf(await buildForward('rfc822', suspect, { note: 'suspicious' })));
    expect(found.files.map((f) => f.path.join('/'))).to.deep.equal(['application.eml', 'application.eml/cv.docm']);
    expect(found.files[1]!.content.equals(docm)).to.equal(true);
    expect(found.bodies.map((b) => b.label)).to.include('application.eml/text');
  });

  it('finds no files in a mail without attachments', async () => {
    const found = await findFiles(
      await originalOf(await buildMail({ from: 'a@b.example', to: 'c@d.example', subject: 'hi', text: 'click https://x.example/' })),
    );
    expect(found.files).to.deep.equal([]);
    expect(found.bodies).to.have.length(1);
  });
});
