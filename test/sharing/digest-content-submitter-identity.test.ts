// Submitter identity leak: a digest built from views whose sources all belong to one named
// participant says nothing about it — not its name, id or domain, not the submitting principal,
// not the submission ids or the original subjects — in the subject, headers, text, HTML, CSV,
// STIX or the zip's file names, in either language and every attachment mode.
import { expect } from 'chai';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, type FileEntry } from '@zip.js/zip.js';
import type { OutboundMail } from '../../core/mailer.ts';
import { digestFiles, renderDigest } from '../../sharing/digests/content/index.ts';
import { SUBMITTER, digestEnvSuite } from './helpers/digest-content-env.ts';

const PASSWORD = 'pw-for-identity-test';

const FORBIDDEN: readonly string[] = [
  SUBMITTER.orgId,
  SUBMITTER.orgName,
  'Hokuriku',
  '北陸',
  SUBMITTER.orgDomain,
  SUBMITTER.principalId,
  SUBMITTER.principalEmail,
  SUBMITTER.principalDisplayName,
  SUBMITTER.subject,
  ...Object.values(SUBMITTER.submissions),
];

async function everything(mail: OutboundMail): Promise<string> {
  const parts = [mail.to, mail.subject, JSON.stringify(mail.headers ?? {}), mail.text, mail.html ?? ''];
  for (const a of mail.attachments ?? []) {
    parts.push(a.filename);
    const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(a.content as Buffer)));
    for (const e of (await reader.getEntries()) as FileEntry[]) {
      parts.push(e.filename, Buffer.from(await e.getData(new Uint8ArrayWriter(), { password: PASSWORD })).toString('utf8'));
    }
    await reader.close();
  }
  return parts.join('\n');
}

describe('digest content: no submitter identity (identity-leak regression)', function () {
  this.timeout(30_000);
  const f = digestEnvSuite();

  it('starts from views whose every source is the named participant’s submission', () => {
    // The input really holds the identity: the check below can fail.
    const sources = f.env.entries.flatMap((e) => e.view.sources);
    expect(sources.length).to.be.greaterThan(5);
    expect(sources.every((s) => s.orgId === SUBMITTER.orgId)).to.equal(true);
    expect(sources.map((s) => s.submissionId)).to.include(SUBMITTER.submissions.yellow);
  });

  for (const language of ['ja', 'en'] as const) {
    for (const attachments of ['zip', 'link', 'none'] as const) {
      it(`writes none of it in a ${language} digest in '${attachments}' mode`, async () => {
        const mail = await renderDigest(
          f.env.input({ language, attachments, zipPassword: PASSWORD, attachmentLink: 'https://c4tap.example/api/v1/digests/files/x' }),
        );
        const all = (await everything(mail)).toLowerCase();
        for (const word of FORBIDDEN) expect(all, word).not.to.include(word.toLowerCase());
      });
    }
  }

  it('writes none of it in the CSV and STIX files served by link', () => {
    const files = digestFiles(f.env.input());
    const all = `${files.csv.toString('utf8')}\n${files.stix.toString('utf8')}`.toLowerCase();
    for (const word of FORBIDDEN) expect(all, word).not.to.include(word.toLowerCase());
  });
});
