import { expect } from 'chai';
import { detectJapanese, decodeJapanese } from '../../../core/mail/decode-japanese.ts';
import { normaliseJapaneseMime } from '../../../core/mail/decode-mime-japanese.ts';
import { unwrapForward, type Unwrapped } from '../../../core/mail/forward/index.ts';
import { buildForward, buildSuspectMail, encodeText, type FixtureCharset, type MailSpec } from '../../fixtures/mail-builder.ts';

// ① ㈱ are NEC row-13 characters, 髙 﨑 IBM extensions: CP932 (Windows-31J) only, as Outlook sends them.
const SUBJECT = '【至急】請求書送付のご案内①㈱髙﨑';
const FILENAME = '請求書①㈱_2024年4月分.xlsm';
const BODY = '山田様\nいつもお世話になっております。㈱サンプル商事です。\nhttp://invoices-secure.example/pay';
const CONTENT = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x1b, 0x24, 0x42]);
const CHARSETS: readonly FixtureCharset[] = ['iso-2022-jp', 'shift_jis', 'cp932', 'euc-jp', 'utf-8'];

function spec(charset: FixtureCharset, extra: Partial<MailSpec> = {}): MailSpec {
  return {
    from: '経理部 山田 <keiri@invoices-secure.example>',
    to: 'taro@corp.example',
    subject: SUBJECT,
    text: BODY,
    charset,
    messageId: '<ja-1@invoices-secure.example>',
    attachments: [{ filename: FILENAME, content: CONTENT }],
    ...extra,
  };
}

async function original(raw: Buffer): Promise<Unwrapped['items'][number]> {
  const result = await unwrapForward(raw);
  if (result.kind === 'failed') throw new Error(result.message);
  return result.items[0]!;
}

describe('Japanese mail decoding', function () {
  for (const charset of CHARSETS) {
    describe(charset, function () {
      for (const subjectEncoding of ['B', 'Q', 'raw'] as const) {
        it(`decodes a ${subjectEncoding === 'raw' ? 'raw 8-bit/escaped' : `${subjectEncoding}-encoded`} subject and the sender's name`, async function () {
          const item = await original(await buildSuspectMail(spec(charset, { subjectEncoding })));
          expect(item.headers.subject).to.equal(SUBJECT);
          expect(item.headers.from).to.deep.equal([{ name: '経理部 山田', address: 'keiri@invoices-secure.example' }]);
        });
      }

      for (const filenameEncoding of ['rfc2231', 'rfc2231-continuation', 'rfc2047', 'raw'] as const) {
        it(`decodes a ${filenameEncoding} file name and keeps the content byte-exact`, async function () {
          const item = await original(await buildSuspectMail(spec(charset, { filenameEncoding })));
          expect(item.attachments.map((a) => a.filename)).to.deep.equal([FILENAME]);
          expect(item.attachments[0]!.content.equals(CONTENT)).to.equal(true);
        });
      }

      it('decodes the body', async function () {
        const item = await original(await buildSuspectMail(spec(charset)));
        expect(item.text?.trim()).to.equal(BODY);
      });
    });
  }

  describe('non-standard labels', function () {
    const labelled: ReadonlyArray<readonly [FixtureCharset, string]> = [
      ['iso-2022-jp', 'CP50220'],
      ['iso-2022-jp', 'csISO2022JP'],
      ['shift_jis', 'IBM-943'],
    ];
    for (const [charset, label] of labelled) {
      it(`decodes subject, file name and body labelled ${label}`, async function () {
        const item = await original(await buildSuspectMail(spec(charset, { charsetLabel: label })));
        expect(item.headers.subject).to.equal(SUBJECT);
        expect(item.attachments[0]!.filename).to.equal(FILENAME);
        expect(item.text?.trim()).to.equal(BODY);
      });
    }

    for (const charset of ['iso-2022-jp', 'shift_jis', 'euc-jp'] as const) {
      it(`decodes a ${charset} body whose part declares no charset`, async function () {
        const item = await original(await buildSuspectMail(spec(charset, { unlabelledBody: true, attachments: [] })));
        expect(item.text?.trim()).to.equal(BODY);
      });
    }

    it('reports the Japanese fixes it applied as warnings', async function () {
      const result = await unwrapForward(await buildSuspectMail(spec('shift_jis', { subjectEncoding: 'raw' })));
      expect(result.kind === 'unwrapped' && result.warnings).to.include('japanese: raw-header-bytes');
    });
  });

  describe('in forwards', function () {
    it('decodes a Shift_JIS original with a raw 8-bit file name forwarded as message/rfc822', async function () {
      const raw = await buildForward('rfc822', spec('shift_jis', { filenameEncoding: 'raw', subjectEncoding: 'raw' }), {
        note: '至急ご確認ください。\nC4TAP-Class：AMBER',
        subject: '転送: 請求書',
      });
      const result = await unwrapForward(raw);
      if (result.kind === 'failed') throw new Error(result.message);
      expect(result.note).to.equal('至急ご確認ください。\nC4TAP-Class：AMBER');
      expect(result.items[0]!.headers.subject).to.equal(SUBJECT);
      expect(result.items[0]!.attachments[0]!.filename).to.equal(FILENAME);
    });

    it('decodes a Japanese Outlook inline forward sent in ISO-2022-JP', async function () {
      const raw = await buildForward('inline-ja-outlook', spec('iso-2022-jp'), {
        note: '確認をお願いします。\nC4TAP-Class: sample=RED network=GREEN',
        charset: 'iso-2022-jp',
      });
      const result = await unwrapForward(raw);
      if (result.kind === 'failed') throw new Error(result.message);
      expect(result.form).to.equal('inline-ja');
      expect(result.note).to.equal('確認をお願いします。\nC4TAP-Class: sample=RED network=GREEN');
      const item = result.items[0]!;
      expect(item.headers.subject).to.equal(SUBJECT);
      expect(item.headers.from).to.deep.equal([{ name: '経理部 山田', address: 'keiri@invoices-secure.example' }]);
      expect(item.text).to.contain('㈱サンプル商事');
      expect(item.attachments[0]!.filename).to.equal(FILENAME);
    });
  });

  describe('byte-level helpers', function () {
    it('tells ISO-2022-JP, Shift_JIS, EUC-JP and UTF-8 apart', function () {
      expect(detectJapanese(encodeText(SUBJECT, 'iso-2022-jp'))).to.equal('JIS');
      expect(detectJapanese(encodeText(SUBJECT, 'cp932'))).to.equal('SJIS');
      expect(detectJapanese(encodeText(SUBJECT, 'euc-jp'))).to.equal('EUCJP');
      expect(detectJapanese(encodeText(SUBJECT, 'utf-8'))).to.equal('UTF8');
      expect(detectJapanese(Buffer.from('plain ascii'))).to.equal('ASCII');
      for (const cs of CHARSETS) expect(decodeJapanese(encodeText(FILENAME, cs))).to.equal(FILENAME);
    });

    it('leaves a standard message untouched (same buffer, no fixes)', async function () {
      const raw = await buildSuspectMail(spec('utf-8', { filenameEncoding: 'raw', subjectEncoding: 'raw' }));
      const normalised = normaliseJapaneseMime(raw);
      expect(normalised.bytes).to.equal(raw);
      expect(normalised.fixes).to.deep.equal([]);
    });

    it('rewrites only header lines, never body bytes', function () {
      const body = encodeText('本文①\r\n', 'cp932');
      const raw = Buffer.concat([
        Buffer.from('Subject: '),
        encodeText(SUBJECT, 'cp932'),
        Buffer.from('\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\n'),
        body,
      ]);
      const normalised = normaliseJapaneseMime(raw);
      expect(normalised.fixes).to.deep.equal(['raw-header-bytes']);
      expect(normalised.bytes.subarray(normalised.bytes.length - body.length).equals(body)).to.equal(true);
      expect(normalised.bytes.toString('utf8')).to.contain(`Subject: ${SUBJECT}\r\n`);
    });
  });
});
