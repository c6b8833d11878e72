import { expect } from 'chai';
import { unwrapForward, DEFAULT_UNWRAP_LIMITS, type Unwrapped, type UnwrapResult } from '../../../core/mail/forward/index.ts';
import { buildForward, buildMail, buildSuspectMail, INLINE_STYLES, SIGNATURE_CID, type MailSpec } from '../../fixtures/mail-builder.ts';
import { buildMsg } from '../../fixtures/msg-builder.ts';

const XLSM = Buffer.from('504b0304140006000800000021000000ff00fe0d0a1a0a00', 'hex');
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x0d])]);

const SUSPECT: MailSpec = {
  from: 'Billing Dept <billing@invoices-secure.example>',
  to: 'Taro Yamada <taro@corp.example>',
  subject: 'Invoice 4411 overdue',
  text: 'Please open the attached invoice: http://invoices-secure.example/pay?id=4411',
  messageId: '<inv-4411@invoices-secure.example>',
  received: ['from mx.invoices-secure.example (mx.invoices-secure.example [203.0.113.7]) by mail.corp.example; Mon, 1 Apr 2024 10:15:02 +0900'],
  attachments: [
    { filename: 'invoice-4411.xlsm', content: XLSM, contentType: 'application/vnd.ms-excel.sheet.macroEnabled.12' },
    { filename: 'terms.pdf', content: PDF, contentType: 'application/pdf' },
  ],
};
const NOTE = 'Received by our accounting team this morning.\nC4TAP-Class: network=GREEN file=AMBER';

function ok(result: UnwrapResult): Unwrapped {
  if (result.kind === 'failed') throw new Error(`unwrap failed: ${result.reason}: ${result.message}`);
  return result;
}

function expectSuspectAttachments(u: Unwrapped, index = 0): void {
  const atts = u.items[index]!.attachments;
  expect(atts.map((a) => a.filename)).to.deep.equal(['invoice-4411.xlsm', 'terms.pdf']);
  expect(atts[0]!.content.equals(XLSM)).to.equal(true);
  expect(atts[1]!.content.equals(PDF)).to.equal(true);
}

describe('unwrapping forwarded mail', function () {
  describe('forwards as attachment', function () {
    for (const encoding of ['8bit', 'base64'] as const) {
      it(`finds the original in a message/rfc822 part (${encoding}) with its headers, attachments and raw bytes`, async function () {
        const raw = await buildForward('rfc822', SUSPECT, { note: NOTE, rfc822Encoding: encoding });
        const u = ok(await unwrapForward(raw));
        expect(u.form).to.equal('rfc822');
        expect(u.items).to.have.length(1);
        const item = u.items[0]!;
        expect(item.headers.from).to.deep.equal([{ name: 'Billing Dept', address: 'billing@invoices-secure.example' }]);
        expect(item.headers.to).to.deep.equal([{ name: 'Taro Yamada', address: 'taro@corp.example' }]);
        expect(item.headers.subject).to.equal('Invoice 4411 overdue');
        expect(item.headers.messageId).to.equal('<inv-4411@invoices-secure.example>');
        expect(item.headers.date).to.equal('2024-04-01T01:15:00.000Z');
        expect(item.headers.received[0]).to.contain('203.0.113.7');
        expect(item.text).to.contain('http://invoices-secure.example/pay?id=4411');
        expectSuspectAttachments(u);
        expect(item.rawSource).to.equal('rfc822');
        expect(item.raw.equals(await buildSuspectMail(SUSPECT))).to.equal(true);
        expect(u.note).to.equal(NOTE);
      });
    }

    it('makes each of several attached messages its own item', async function () {
      const second: MailSpec = { ...SUSPECT, subject: 'Second lure', messageId: '<second@lure.example>', attachments: [] };
      const u = ok(await unwrapForward(await buildForward('rfc822', [SUSPECT, second], { note: NOTE })));
      expect(u.items.map((i) => i.headers.messageId)).to.deep.equal(['<inv-4411@invoices-secure.example>', '<second@lure.example>']);
      expect(u.items.map((i) => i.headers.subject)).to.deep.equal(['Invoice 4411 overdue', 'Second lure']);
      expect(u.items[1]!.attachments).to.have.length(0);
    });

    it('finds the original in an attached .eml file sent as application/octet-stream', async function () {
      const u = ok(await unwrapForward(await buildForward('eml', SUSPECT, { note: NOTE })));
      expect(u.form).to.equal('eml');
      expect(u.items[0]!.headers.subject).to.equal('Invoice 4411 overdue');
      expect(u.items[0]!.headers.messageId).to.equal('<inv-4411@invoices-secure.example>');
      expect(u.items[0]!.raw.equals(await buildSuspectMail(SUSPECT))).to.equal(true);
      expectSuspectAttachments(u);
      expect(u.note).to.equal(NOTE);
    });

    it('finds the original in an attached Outlook .msg file', async function () {
      const u = ok(await unwrapForward(await buildForward('msg', SUSPECT, { note: NOTE })));
      expect(u.form).to.equal('msg');
      const item = u.items[0]!;
      expect(item.rawSource).to.equal('msg');
      expect(item.raw.subarray(0, 4).toString('hex')).to.equal('d0cf11e0');
      expect(item.headers.from).to.deep.equal([{ name: 'Billing Dept', address: 'billing@invoices-secure.example' }]);
      expect(item.headers.to).to.deep.equal([{ name: 'Taro Yamada', address: 'taro@corp.example' }]);
      expect(item.headers.subject).to.equal('Invoice 4411 overdue');
      expect(item.headers.messageId).to.equal('<inv-4411@invoices-secure.example>');
      expect(item.text).to.contain('http://invoices-secure.example/pay?id=4411');
      expectSuspectAttachments(u);
      expect(u.note).to.equal(NOTE);
    });

    it('takes Received and Message-ID from the transport headers Outlook keeps in a .msg', async function () {
      const msg = buildMsg({
        subject: 'Invoice',
        senderName: 'Billing',
        senderAddress: 'billing@invoices-secure.example',
        to: [{ name: 'Taro', address: 'taro@corp.example' }],
        body: 'see attachment',
        transportHeaders:
          'Received: from mx.invoices-secure.example ([203.0.113.7]) by mail.corp.example\r\nMessage-ID: <t-1@invoices-secure.example>\r\nX-Mailer: PHPMailer 6.1\r\nDate: Mon, 1 Apr 2024 10:15:00 +0900\r\n',
      });
      const raw = await buildMail({
        from: 'soc@corp.example',
        to: 'report@c4tap.example',
        subject: 'FW: Invoice',
        text: 'fyi',
        attachments: [{ filename: 'Invoice.msg', content: msg }],
      });
      const item = ok(await unwrapForward(raw)).items[0]!;
      expect(item.headers.received).to.have.length(1);
      expect(item.headers.received[0]).to.contain('203.0.113.7');
      expect(item.headers.messageId).to.equal('<t-1@invoices-secure.example>');
      expect(item.headers.mailer).to.equal('PHPMailer 6.1');
      expect(item.headers.subject).to.equal('Invoice');
    });

    it('decodes a non-Unicode Japanese .msg in its code page (932)', async function () {
      const msg = buildMsg({
        subject: '【重要】請求書のご確認①',
        senderName: '経理部',
        senderAddress: 'keiri@invoices-secure.example',
        to: [{ name: '山田 太郎', address: 'taro@corp.example' }],
        body: '添付をご確認ください。',
        attachments: [{ filename: '請求書㈱.xlsm', content: XLSM }],
        ansi932: true,
      });
      const raw = await buildMail({
        from: 'soc@corp.example',
        to: 'report@c4tap.example',
        subject: 'FW',
        text: '',
        attachments: [{ filename: 'mail.msg', content: msg }],
      });
      const item = ok(await unwrapForward(raw)).items[0]!;
      expect(item.headers.subject).to.equal('【重要】請求書のご確認①');
      expect(item.headers.from[0]!.name).to.equal('経理部');
      expect(item.attachments[0]!.filename).to.equal('請求書㈱.xlsm');
      expect(item.attachments[0]!.content.equals(XLSM)).to.equal(true);
    });

    it('treats a .msg attachment that is not an Outlook file as no forward, with a warning', async function () {
      const raw = await buildMail({
        from: 'soc@corp.example',
        to: 'report@c4tap.example',
        subject: 'x',
        text: 'hello',
        attachments: [{ filename: 'fake.msg', content: Buffer.from('not a compound file') }],
      });
      const u = ok(await unwrapForward(raw));
      expect(u.form).to.equal('none');
      expect(u.warnings.join('\n')).to.contain('fake.msg');
    });
  });

  describe('inline forwards', function () {
    const expectedForm = (style: string) =>
      style.startsWith('inline-ja')
        ? 'inline-ja'
        : style.startsWith('inline-outlook')
          ? 'inline-outlook'
          : style.startsWith('inline-gmail')
            ? 'inline-gmail'
            : 'inline-thunderbird';

    for (const style of INLINE_STYLES) {
      for (const body of ['text', 'alternative', 'html'] as const) {
        it(`recognises ${style} (${body}) and separates the note from the original`, async function () {
          const raw = await buildForward(style, SUSPECT, { note: NOTE, body, signatureImage: body !== 'text' });
          const u = ok(await unwrapForward(raw));
          expect(u.form).to.equal(expectedForm(style));
          const item = u.items[0]!;
          expect(item.headers.from).to.deep.equal([{ name: 'Billing Dept', address: 'billing@invoices-secure.example' }]);
          expect(item.headers.subject).to.equal('Invoice 4411 overdue');
          expect(item.headers.messageId).to.equal(null);
          expect(item.text).to.contain('http://invoices-secure.example/pay?id=4411');
          expect(item.text).not.to.contain('accounting team');
          expect(u.note).to.contain('C4TAP-Class: network=GREEN file=AMBER');
          expect(u.note).not.to.contain('invoices-secure');
          expectSuspectAttachments(u);
          if (body !== 'text') {
            expect(item.html).to.contain('invoices-secure.example/pay');
            expect(item.html).not.to.contain('accounting team');
            expect(item.attachments.map((a) => a.contentId)).not.to.include(SIGNATURE_CID);
          }
        });
      }
    }

    it('rebuilds an inline original as a message marked reconstructed, with no invented Message-ID or Date', async function () {
      const u = ok(await unwrapForward(await buildForward('inline-gmail', SUSPECT, { note: NOTE })));
      const item = u.items[0]!;
      expect(item.rawSource).to.equal('reconstructed');
      const again = ok(await unwrapForward(item.raw));
      expect(again.form).to.equal('none');
      const back = again.items[0]!;
      expect(back.headers.subject).to.equal('Invoice 4411 overdue');
      expect(back.headers.from[0]!.address).to.equal('billing@invoices-secure.example');
      expect(back.headers.messageId).to.equal(null);
      expect(back.headers.dateText).to.equal(null);
      expect(back.headers.raw.find((h) => h.name === 'x-c4tap-reconstructed')?.value).to.equal('inline-gmail');
      expect(back.attachments.map((a) => a.content.length)).to.deep.equal([XLSM.length, PDF.length]);
    });

    it('keeps the original date of a Thunderbird forward, which writes its zone', async function () {
      const item = ok(await unwrapForward(await buildForward('inline-thunderbird-forwarded', SUSPECT))).items[0]!;
      expect(item.headers.date).to.equal('2024-04-01T01:15:00.000Z');
    });

    it('keeps Outlook dates without a zone as text only', async function () {
      const item = ok(await unwrapForward(await buildForward('inline-outlook', SUSPECT))).items[0]!;
      expect(item.headers.date).to.equal(null);
      expect(item.headers.dateText).to.equal('Monday, April 1, 2024 10:15 AM');
    });
  });

  describe('mail that is not a forward', function () {
    it('is itself the original, with no note', async function () {
      const raw = await buildSuspectMail(SUSPECT);
      const u = ok(await unwrapForward(raw));
      expect(u.form).to.equal('none');
      expect(u.note).to.equal(null);
      expect(u.items).to.have.length(1);
      expect(u.items[0]!.raw).to.equal(raw);
      expect(u.items[0]!.rawSource).to.equal('message');
      expect(u.items[0]!.headers.messageId).to.equal('<inv-4411@invoices-secure.example>');
      expectSuspectAttachments(u);
    });

    it('keeps a redirected phishing mail with a fake quoted thread whole when the sender is not internal', async function () {
      const fake: MailSpec = {
        ...SUSPECT,
        subject: 'RE: payment',
        text: 'Please pay today.\n\n-----Original Message-----\nFrom: CFO <cfo@corp.example>\nSent: Monday, April 1, 2024 9:00 AM\nTo: billing@invoices-secure.example\nSubject: payment\n\nok',
      };
      const raw = await buildSuspectMail(fake);
      expect(ok(await unwrapForward(raw)).form).to.equal('inline-outlook');
      const u = ok(await unwrapForward(raw, DEFAULT_UNWRAP_LIMITS, { internalDomains: ['corp.example'] }));
      expect(u.form).to.equal('none');
      expect(u.items[0]!.headers.from[0]!.address).to.equal('billing@invoices-secure.example');
    });

    it('still recognises inline forwards when the organisation has no registered domains', async function () {
      const raw = await buildForward('inline-outlook', SUSPECT, { note: NOTE });
      expect(ok(await unwrapForward(raw, DEFAULT_UNWRAP_LIMITS, { internalDomains: [] })).form).to.equal('inline-outlook');
    });
  });

  describe('nested forwards', function () {
    const employee: MailSpec = {
      from: 'Taro Yamada <taro@corp.example>',
      to: 'SOC <soc@corp.example>',
      subject: 'FW: Invoice 4411 overdue',
      messageId: '<fw-1@corp.example>',
      text: 'Is this phishing?\n\n-----Original Message-----\nFrom: Billing Dept <billing@invoices-secure.example>\nSent: Monday, April 1, 2024 10:15 AM\nTo: taro@corp.example\nSubject: Invoice 4411 overdue\n\nPlease open the attached invoice.',
      attachments: SUSPECT.attachments!,
    };

    it('follows an employee forward inside the security team forward to the original', async function () {
      const u = ok(await unwrapForward(await buildForward('rfc822', employee, { note: NOTE })));
      expect(u.items).to.have.length(1);
      const item = u.items[0]!;
      expect(item.path).to.deep.equal(['rfc822', 'inline-outlook']);
      expect(item.form).to.equal('inline-outlook');
      expect(item.headers.from[0]!.address).to.equal('billing@invoices-secure.example');
      expect(u.note).to.equal(NOTE);
      expect(u.innerNotes).to.deep.equal(['Is this phishing?']);
      expectSuspectAttachments(u);
    });

    it('does not follow a forward-looking mail from outside the organisation', async function () {
      const lure: MailSpec = { ...employee, from: 'Billing Dept <billing@invoices-secure.example>' };
      const u = ok(await unwrapForward(await buildForward('rfc822', lure, { note: NOTE })));
      expect(u.items[0]!.path).to.deep.equal(['rfc822']);
      expect(u.items[0]!.headers.messageId).to.equal('<fw-1@corp.example>');
    });

    it('answers too-deep when forwards nest beyond maxDepth', async function () {
      let raw = await buildSuspectMail(SUSPECT);
      for (let i = 0; i < 4; i++) {
        raw = await buildMail({
          from: 'soc@corp.example',
          to: 'report@c4tap.example',
          subject: `FW: level ${i}`,
          text: 'fwd',
          attachments: [{ content: raw, contentType: 'message/rfc822', encoding: '8bit' }],
        });
      }
      const result = await unwrapForward(raw, { ...DEFAULT_UNWRAP_LIMITS, maxDepth: 3 });
      expect(result).to.include({ kind: 'failed', reason: 'too-deep' });
      const deeper = ok(await unwrapForward(raw, { ...DEFAULT_UNWRAP_LIMITS, maxDepth: 5 }));
      expect(deeper.items[0]!.headers.messageId).to.equal('<inv-4411@invoices-secure.example>');
      expect(deeper.items[0]!.path).to.have.length(4);
    });
  });

  describe('unusable input', function () {
    it('treats empty or binary input as an original without headers instead of throwing', async function () {
      for (const raw of [Buffer.alloc(0), Buffer.from([0xff, 0x00, 0xd0, 0xcf, 0x11, 0xe0, 0x0d, 0x0a, 0x0d, 0x0a, 0x1b, 0x24, 0x42])]) {
        const u = ok(await unwrapForward(raw));
        expect(u.form).to.equal('none');
        expect(u.items[0]!.headers.subject).to.equal(null);
        expect(u.items[0]!.raw).to.equal(raw);
      }
    });
  });

  describe('limits', function () {
    it('answers too-many-parts for a message with more MIME parts than maxParts', async function () {
      const attachments = Array.from({ length: 30 }, (_, i) => ({ filename: `f${i}.txt`, content: Buffer.from(`file ${i}`) }));
      const raw = await buildMail({ ...SUSPECT, attachments });
      const result = await unwrapForward(raw, { ...DEFAULT_UNWRAP_LIMITS, maxParts: 10 });
      expect(result).to.include({ kind: 'failed', reason: 'too-many-parts' });
    });

    it('answers header-too-large for a header block over maxHeaderBytes', async function () {
      const raw = await buildMail({ ...SUSPECT, headers: { 'X-Padding': 'a'.repeat(70_000) } });
      const result = await unwrapForward(raw, { ...DEFAULT_UNWRAP_LIMITS, maxHeaderBytes: 16 * 1024 });
      expect(result).to.include({ kind: 'failed', reason: 'header-too-large' });
    });

    it('answers too-many-items for more attached messages than maxItems', async function () {
      const small: MailSpec = { ...SUSPECT, attachments: [] };
      const raw = await buildForward('rfc822', [small, small, small, small]);
      const result = await unwrapForward(raw, { ...DEFAULT_UNWRAP_LIMITS, maxItems: 3 });
      expect(result).to.include({ kind: 'failed', reason: 'too-many-items' });
    });
  });
});
