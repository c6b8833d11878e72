import { expect } from 'chai';
import { buildReceipt } from '../../ingest/receipt.ts';
import { decideClasses } from '../../ingest/class-directives.ts';
import type { Organisation, Principal, Submission } from '../../core/types.ts';

const org = (language: 'ja' | 'en'): Organisation => ({
  id: 'org_1',
  name: 'Kanto Gas',
  tier: 'participant',
  sector: 'gas',
  domains: ['kanto-gas.example'],
  networks: [],
  contacts: [],
  language,
  defaultClasses: {},
  rulesAcceptedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const principal = { id: 'prn_1', orgId: 'org_1', name: 'kg-soc', email: 'soc@kanto-gas.example' } as Principal;

function submission(id: string): Submission {
  const decided = decideClasses({ note: 'C4TAP-Class: network=GREEN file=AMBER', subject: null, recipients: ['report@c4tap.example'], orgDefault: {} });
  return {
    id,
    principalId: 'prn_1',
    orgId: 'org_1',
    status: 'received',
    receivedAt: '',
    updatedAt: '',
    rawSha256: 'a'.repeat(64),
    rawSize: 1,
    messageId: null,
    dedupKey: 'k',
    envelope: { mailFrom: '', rcptTo: [], remoteAddress: '', heloName: '', transport: 'smtp' },
    classes: decided.classes,
    classDecisions: decided.decisions,
    subject: '【至急】請求書の確認',
    verdict: null,
    campaign: null,
    assignee: null,
    details: {},
  };
}

describe('submission receipts', function () {
  it('goes to the authenticated principal only, naming each submission id', function () {
    const mail = buildReceipt({
      principal,
      org: org('en'),
      baseUrl: 'https://c4tap.example',
      submissions: [
        { submission: submission('sub_A'), duplicate: false },
        { submission: submission('sub_B'), duplicate: true },
      ],
    });
    expect(mail.to).to.equal('soc@kanto-gas.example');
    expect(mail.subject).to.contain('sub_A').and.contain('sub_B');
    expect(mail.text).to.contain('https://c4tap.example/api/v1/submissions/sub_A');
    expect(mail.text).to.contain('https://c4tap.example/participant/reports/sub_A');
    expect(mail.text).not.to.match(/example\/submissions\//);
    expect(mail.text).to.match(/sub_B \(already received earlier/);
  });

  it('states the class of every kind and why, in both languages, the organisation’s language first', function () {
    const ja = buildReceipt({
      principal,
      org: org('ja'),
      baseUrl: 'https://c4tap.example',
      submissions: [{ submission: submission('sub_A'), duplicate: false }],
    }).text;
    expect(ja.indexOf('受付通知')).to.be.below(ja.indexOf('C4TAP receipt'));
    expect(ja).to.match(/ネットワーク（URL・ドメイン・IP）: GREEN\s+\(根拠: 転送メモの指定行/);
    expect(ja).to.match(/ファイル（ハッシュ.*: AMBER/);
    expect(ja).to.match(/検体（原本メール・添付ファイル）: RED\s+\(根拠: 指定なし（RED）/);
    expect(ja).to.match(/network \(URLs, domains, IPs\): GREEN\s+\(because: directive/);
    const en = buildReceipt({
      principal,
      org: org('en'),
      baseUrl: 'https://c4tap.example',
      submissions: [{ submission: submission('sub_A'), duplicate: false }],
    }).text;
    expect(en.indexOf('C4TAP receipt')).to.be.below(en.indexOf('受付通知'));
  });
});
