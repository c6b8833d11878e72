// The machine-readable files of a digest and how they travel: CSV and STIX carry the live values
// (the CSV parses back, the STIX bundle passes the OASIS validator), 'zip' puts both in an AES-256
// zip that opens with the recipient's password only, 'link' and 'none' attach nothing.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import { isC4Error } from '../../core/errors.ts';
import { FEED_COLUMNS } from '../../sharing/api/csv-format.ts';
import { digestFiles, renderDigest } from '../../sharing/digests/content/index.ts';
import { LIVE, digestEnvSuite } from './helpers/digest-content-env.ts';
import { expectValidStix, requirePythonTools } from './helpers/stix-python.ts';

const PASSWORD = 'correct horse battery staple';
const LINK = 'https://c4tap.example/api/v1/digests/files/dl-3f9a?sig=abc';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

async function zipEntries(zip: Buffer): Promise<FileEntry[]> {
  const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(zip)));
  const entries = await reader.getEntries();
  await reader.close();
  return entries.filter((e: Entry): e is FileEntry => !e.directory);
}

describe('digest content: files and attachments', function () {
  this.timeout(60_000);
  const f = digestEnvSuite();

  it('writes a CSV with the API columns that parses back to the live values', () => {
    const { csv } = digestFiles(f.env.input());
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).to.deep.equal([...FEED_COLUMNS]);
    expect(rows.map((r) => r.value).sort()).to.deep.equal(f.env.entries.map((e) => e.view.value).sort());
    expect(rows.map((r) => r.value)).to.include.members([LIVE.url, LIVE.domain, LIVE.ipv4, LIVE.ipv6, LIVE.email, LIVE.subject, LIVE.sha256]);
    const withdrawn = rows.find((r) => r.value === LIVE.withdrawnDomain)!;
    expect(withdrawn).to.include({ action: 'retract', false_positive: 'true', class: 'GREEN' });
  });

  it('builds the same files again from the same input (for the download link)', () => {
    const a = digestFiles(f.env.input());
    const b = digestFiles(f.env.input());
    expect(a.csv.equals(b.csv)).to.equal(true);
    expect(a.stix.equals(b.stix)).to.equal(true);
  });

  describe('STIX attachment (needs the OASIS validator in .tmp/venv)', () => {
    before(function () {
      requirePythonTools(this);
    });

    it('passes the OASIS STIX 2.1 validator and carries live patterns', async () => {
      const bundle = JSON.parse(digestFiles(f.env.input()).stix.toString('utf8')) as { objects: { type: string; pattern?: string; revoked?: boolean }[] };
      await expectValidStix([bundle]);
      const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern ?? '');
      expect(patterns.some((p) => p.includes(`'${LIVE.url}'`))).to.equal(true);
      expect(patterns.some((p) => p.includes(`'${LIVE.ipv6}'`))).to.equal(true);
      expect(bundle.objects.some((o) => o.type === 'sighting')).to.equal(true);
      expect(bundle.objects.filter((o) => o.revoked === true)).to.have.length(1);
    });
  });

  it("attaches one AES-256 zip that opens with the recipient's password and holds both files", async () => {
    const input = f.env.input({ attachments: 'zip', zipPassword: PASSWORD });
    const mail = await renderDigest(input);
    expect(mail.attachments).to.have.length(1);
    const [zip] = mail.attachments!;
    expect(zip!.contentType).to.equal('application/zip');
    expect(zip!.filename).to.match(/^c4tap-digest-daily-observers-\d{8}T\d{4}\.zip$/);
    const entries = await zipEntries(zip!.content as Buffer);
    expect(entries.map((e) => e.filename.replace(/^.*\./, ''))).to.deep.equal(['csv', 'json']);
    expect(entries.every((e) => e.encrypted)).to.equal(true);
    const files = digestFiles(input);
    const [csv, stix] = await Promise.all(entries.map(async (e) => Buffer.from(await e.getData(new Uint8ArrayWriter(), { password: PASSWORD }))));
    expect(csv!.equals(files.csv)).to.equal(true);
    expect(stix!.equals(files.stix)).to.equal(true);
    expect(mail.text).to.include('AES-256');
  });

  it('does not open the zip without the password or with a wrong one', async () => {
    const mail = await renderDigest(f.env.input({ attachments: 'zip', zipPassword: PASSWORD }));
    const [entry] = await zipEntries(mail.attachments![0]!.content as Buffer);
    await rejection(entry!.getData(new Uint8ArrayWriter()));
    await rejection(entry!.getData(new Uint8ArrayWriter(), { password: 'infected' }));
  });

  it('refuses zip mode without a password with DIGEST_ZIP_PASSWORD_MISSING', async () => {
    for (const zipPassword of [undefined, '']) {
      const err = await rejection(renderDigest(f.env.input({ attachments: 'zip', ...(zipPassword === undefined ? {} : { zipPassword }) })));
      expect(isC4Error(err, 'DIGEST_ZIP_PASSWORD_MISSING'), String(err)).to.equal(true);
    }
  });

  it("attaches nothing in 'link' mode and carries the link, its token requirement and expiry", async () => {
    const mail = await renderDigest(
      f.env.input({ language: 'en', attachments: 'link', attachmentLink: LINK, attachmentLinkExpiresAt: '2026-03-08T00:00:00.000Z' }),
    );
    expect(mail.attachments).to.deep.equal([]);
    expect(mail.text).to.include(`only with your C⁴TAP access token):\n${LINK}\nThe link expires at 2026-03-08 09:00 GMT+9.`);
    expect(mail.html).to.include(`<a href="${LINK.replace(/=/g, '&#61;')}">`);
    expect(mail.html!.match(/<a\s/g)).to.have.length(1);
  });

  it("refuses 'link' mode without an absolute http(s) link", async () => {
    for (const attachmentLink of [undefined, '/relative/path', 'javascript:alert(1)']) {
      const err = await rejection(renderDigest(f.env.input({ attachments: 'link', ...(attachmentLink ? { attachmentLink } : {}) })));
      expect(isC4Error(err, 'VALIDATION_FAILED'), String(attachmentLink)).to.equal(true);
    }
  });

  it("attaches nothing and links nothing in 'none' mode", async () => {
    const mail = await renderDigest(f.env.input({ language: 'en', attachments: 'none', attachmentLink: LINK }));
    expect(mail.attachments).to.deep.equal([]);
    expect(mail.text).not.to.include(LINK);
    expect(mail.html).not.to.match(/<a\s/);
    expect(mail.text).to.include('No files are attached');
  });
});
