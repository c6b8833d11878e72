// Static facts per file: hashes, type from content, declared-vs-detected mismatch, macros and
// external links in Office documents, JavaScript and auto-actions in PDFs.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { fileFacts } from '../../analysis/files/facts.ts';
import { buildLnk, buildOle2, buildPdf, buildWord, buildZip, linkedOleStream } from './helpers/file-builders.ts';

const facts = (content: Buffer, declaredName: string | null = null, declaredType: string | null = null) => fileFacts({ content, declaredName, declaredType });
const digest = (alg: string, b: Buffer) => createHash(alg).update(b).digest('hex');

describe('fileFacts', () => {
  it('gives SHA-256, SHA-1, MD5 and size of the content', async () => {
    const content = Buffer.from('MZ not really a program');
    const f = await facts(content, 'a.bin');
    expect(f).to.include({ sha256: digest('sha256', content), sha1: digest('sha1', content), md5: digest('md5', content), size: content.length });
  });

  it('detects a Windows shortcut from its content and flags one named like a PDF', async () => {
    const lnk = buildLnk();
    const disguised = await facts(lnk, 'invoice.pdf', 'application/pdf');
    expect(disguised).to.include({ detectedExt: 'lnk', detectedType: 'application/x.ms.shortcut' });
    expect(disguised.flags.typeMismatch).to.equal(true);
    expect((await facts(lnk, 'invoice.lnk', 'application/octet-stream')).flags.typeMismatch).to.equal(undefined);
  });

  it('compares the declared MIME type when the name has no extension', async () => {
    const zip = await buildZip([{ name: 'a.txt', content: Buffer.from('a') }]);
    expect((await facts(zip, 'scan', 'image/jpeg')).flags.typeMismatch).to.equal(true);
    expect((await facts(zip, 'scan', 'application/x-zip-compressed')).flags.typeMismatch).to.equal(undefined);
    expect((await facts(zip, null, 'application/octet-stream')).flags.typeMismatch).to.equal(undefined);
  });

  it('does not call text formats without a magic number a mismatch', async () => {
    const f = await facts(Buffer.from('Set s = CreateObject("WScript.Shell")'), 'invoice.vbs', 'text/plain');
    expect(f.detectedType).to.equal(null);
    expect(f.flags.typeMismatch).to.equal(undefined);
  });

  it('flags macros in a .docm (vbaProject.bin in the OOXML zip) and not in a .docx', async () => {
    const docm = await facts(await buildWord({ macro: true }), 'invoice.docm');
    expect(docm.detectedExt).to.equal('docm');
    expect(docm.flags.macros).to.equal(true);
    expect(docm.flags.typeMismatch).to.equal(undefined);
    const docx = await facts(await buildWord(), 'invoice.docx');
    expect(docx.flags.macros).to.equal(false);
  });

  it('reports a remote template and a linked OLE object, not ordinary hyperlinks', async () => {
    const template = 'https://cdn-office.example/templates/inv.dotm?a=1&b=2';
    const f = await facts(await buildWord({ remoteTemplate: template, oleLink: 'http://198.51.100.7/o.rtf' }), 'cv.docx');
    expect(f.flags.externalLinks).to.have.members([template, 'http://198.51.100.7/o.rtf']);
    expect((await facts(await buildWord(), 'cv.docx')).flags.externalLinks).to.equal(undefined);
  });

  it('flags macros in legacy OLE2 documents (Macros storage, _VBA_PROJECT_CUR)', async () => {
    const doc = await facts(buildOle2({ WordDocument: Buffer.alloc(512, 1), 'Macros/VBA/ThisDocument': Buffer.from('Attribute VB_Name') }), 'old.doc');
    expect(doc.detectedExt).to.equal('cfb');
    expect(doc.flags.macros).to.equal(true);
    expect(doc.flags.typeMismatch).to.equal(undefined);
    const xls = await facts(buildOle2({ Workbook: Buffer.alloc(512, 1), '_VBA_PROJECT_CUR/VBA/Module1': Buffer.from('x') }), 'book.xls');
    expect(xls.flags.macros).to.equal(true);
    const clean = await facts(buildOle2({ WordDocument: Buffer.alloc(512, 1) }), 'clean.doc');
    expect(clean.flags.macros).to.equal(false);
  });

  it('reports the URL of an OLE object linked by URL moniker in an OLE2 document', async () => {
    const doc = buildOle2({ WordDocument: Buffer.alloc(512, 1), 'ObjectPool/_1234/\u0001Ole': linkedOleStream('http://203.0.113.9/payload.hta') });
    expect((await facts(doc, 'report.doc')).flags.externalLinks).to.deep.equal(['http://203.0.113.9/payload.hta']);
  });

  it('flags a password-protected Office document (EncryptedPackage) as encrypted', async () => {
    const f = await facts(buildOle2({ EncryptionInfo: Buffer.alloc(64, 4), EncryptedPackage: Buffer.alloc(4096, 7) }), 'salary.xlsx');
    expect(f.flags.encrypted).to.equal(true);
  });

  it('flags encrypted zips', async () => {
    const zip = await buildZip([{ name: 'a.lnk', content: buildLnk() }], { password: 'pw' });
    expect((await facts(zip, 'a.zip')).flags.encrypted).to.equal(true);
    expect((await facts(await buildZip([{ name: 'a.txt', content: Buffer.from('a') }]), 'a.zip')).flags.encrypted).to.equal(undefined);
  });

  it('flags JavaScript and OpenAction in a PDF, also behind #-hex escaped names', async () => {
    for (const escapeNames of [false, true]) {
      const f = await facts(buildPdf({ escapeNames }), 'statement.pdf');
      expect(f.detectedExt).to.equal('pdf');
      expect(f.flags, `escapeNames=${escapeNames}`).to.include({ pdfJavaScript: true, pdfOpenAction: true });
    }
  });

  it('finds the actions inside a compressed object stream', async () => {
    const f = await facts(buildPdf({ inObjectStream: true, escapeNames: true }), 'statement.pdf');
    expect(f.flags).to.include({ pdfJavaScript: true, pdfOpenAction: true });
  });

  it('leaves a PDF without actions unflagged', async () => {
    expect((await facts(buildPdf({ benign: true }), 'a.pdf')).flags).to.include({ pdfJavaScript: false, pdfOpenAction: false });
  });
});
