// Japanese and English: complete catalogues with the same parameters, dates in the user's zone.
import { expect } from 'chai';
import { CATALOGUES, formatDateTime, pickLanguage, startOfLocalDay, translator } from '../../web/console/i18n/index.ts';
import { EN } from '../../web/console/i18n/en.ts';

const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console i18n', function () {
  it('has every message in Japanese, non-empty, with the same parameters as the English one', function () {
    for (const key of Object.keys(EN) as (keyof typeof EN)[]) {
      const ja = CATALOGUES.ja[key];
      expect(ja, key).to.be.a('string').and.not.equal('');
      expect(params(ja), key).to.deep.equal(params(EN[key]));
    }
  });

  it('fills parameters as plain text', function () {
    expect(translator('ja')('login.locked', { minutes: 15 })).to.equal('失敗が続いたためロックされています。15 分後に再度お試しください。');
    expect(translator('en')('notice.published', { published: 3, withheld: 1 })).to.equal('Published: 3 indicators, 1 withheld.');
  });

  it('shows a time in the user’s time zone (Asia/Tokyo by default, also for an unknown zone)', function () {
    const iso = '2025-01-06T15:30:00.000Z';
    expect(formatDateTime(iso, 'ja', 'Asia/Tokyo'))
      .to.include('2025/01/07')
      .and.include('00:30:00');
    expect(formatDateTime(iso, 'en', 'Europe/London'))
      .to.include('06/01/2025')
      .and.include('15:30:00');
    expect(formatDateTime(iso, 'ja', 'Mars/Olympus')).to.equal(formatDateTime(iso, 'ja', 'Asia/Tokyo'));
  });

  it('turns a local calendar day into the instant it starts, across daylight saving changes', function () {
    expect(startOfLocalDay('2025-01-07', 'Asia/Tokyo')!.toISOString()).to.equal('2025-01-06T15:00:00.000Z');
    expect(startOfLocalDay('2025-03-30', 'Europe/Berlin')!.toISOString()).to.equal('2025-03-29T23:00:00.000Z');
    expect(startOfLocalDay('2025-03-31', 'Europe/Berlin')!.toISOString()).to.equal('2025-03-30T22:00:00.000Z');
    expect(startOfLocalDay('yesterday', 'Asia/Tokyo')).to.equal(null);
  });

  it('picks the login page language from ?lang=, then Accept-Language, else Japanese', function () {
    expect(pickLanguage('en', 'ja')).to.equal('en');
    expect(pickLanguage(undefined, 'fr-FR, en;q=0.8')).to.equal('en');
    expect(pickLanguage(['en'], undefined)).to.equal('ja');
  });
});
