// Candidate passwords for PPAP zips, found in the text of the forwarded mail.
import { expect } from 'chai';
import { ppapPasswords } from '../../analysis/archives/ppap-passwords.ts';

describe('ppapPasswords', () => {
  it('finds "パスワード: xxxx" with an ASCII or a full-width colon', () => {
    expect(ppapPasswords(['添付ファイルのパスワード: Xk9#pQ2w'])).to.deep.equal(['Xk9#pQ2w']);
    expect(ppapPasswords(['パスワード：Xk9#pQ2w'])).to.deep.equal(['Xk9#pQ2w']);
  });

  it('normalises full-width letters and digits (NFKC) before reading the password', () => {
    expect(ppapPasswords(['パスワード：Ｘｋ９＃ｐＱ２ｗ'])).to.deep.equal(['Xk9#pQ2w']);
  });

  it('finds "PW:", "Password:", "PASS=" and 暗証番号 lines', () => {
    const text = ['PW: alpha-123', 'Password: Bravo!456', 'PASS=charlie789', '暗証番号：4711'].join('\n');
    expect(ppapPasswords([text])).to.deep.equal(['alpha-123', 'Bravo!456', 'charlie789', '4711']);
  });

  it('takes the password out of Japanese prose and quotes: 解凍パスワードは「…」です', () => {
    expect(ppapPasswords(['解凍パスワードは「h7Gk2mPq」です。'])).to.deep.equal(['h7Gk2mPq']);
    expect(ppapPasswords(['パスワードは h7Gk2mPq です'])).to.deep.equal(['h7Gk2mPq']);
  });

  it('takes a standalone token on the line after the keyword', () => {
    const text = '先ほどお送りしたファイルのパスワードをお知らせします。\n\n  Zq8!vR3t  \n\nよろしくお願いいたします。';
    expect(ppapPasswords([text])).to.deep.equal(['Zq8!vR3t']);
    expect(ppapPasswords(['【パスワード】\nZq8!vR3t'])).to.deep.equal(['Zq8!vR3t']);
  });

  it('reads English sentences with the separator further on', () => {
    expect(ppapPasswords(['The password for the attached archive is: 2024-Invoice'])).to.deep.equal(['2024-Invoice']);
    expect(ppapPasswords(['Password below\r\nqwerty77'])).to.include('qwerty77');
  });

  it('does not take Japanese prose or neighbouring words for a password', () => {
    expect(ppapPasswords(['パスワードは別途お送りします。'])).to.deep.equal([]);
    expect(ppapPasswords(['パスポートの写しを添付します。'])).to.deep.equal([]);
    expect(ppapPasswords(['We were pwned last year; passwords must change.'])).to.deep.equal([]);
  });

  it('keeps the order of the texts (note, original, second mail) and drops duplicates', () => {
    const found = ppapPasswords(['パスワード: first1', 'PW: second2\nパスワード：first1', 'Password: third3']);
    expect(found).to.deep.equal(['first1', 'second2', 'third3']);
  });

  it('returns at most the number asked for', () => {
    const text = Array.from({ length: 30 }, (_, i) => `PW: candidate${i}`).join('\n');
    expect(ppapPasswords([text], 5)).to.have.length(5);
  });

  it('does not take a label for a password ("PW: パスワード")', () => {
    expect(ppapPasswords(['PW: Password'])).to.deep.equal([]);
  });
});
