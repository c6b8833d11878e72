// The Received chain of real phishing mail delivered to a Microsoft 365 mailbox (as in the corpus):
// the receiving provider's hops are infrastructure, never indicators; the attacker's are kept.
import { expect } from 'chai';
import { analyse, SUBMITTER } from './indicators-fixtures.ts';

const D = 'Thu, 29 Aug 2024 13:43:34 +0000';

/** Top first, as a Microsoft 365 mailbox receives it: M365 internal hops, the EOP front end, then the sender's. */
const M365_CHAIN = [
  `from SA1P223MB0924.NAMP223.PROD.OUTLOOK.COM (::1) by LV3P223MB0968.NAMP223.PROD.OUTLOOK.COM with HTTPS; ${D}`,
  `from SJ0PR13CA0214.namprd13.prod.outlook.com (2603:10b6:a03:2c1::9) by SA1P223MB0924.NAMP223.PROD.OUTLOOK.COM (2603:10b6:806:3ca::18) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7897.28; ${D}`,
  `from SJ1PEPF00001CE6.namprd03.prod.outlook.com (2603:10b6:a03:2c1:cafe::62) by SJ0PR13CA0214.outlook.office365.com (2603:10b6:a03:2c1::9) with Microsoft SMTP Server id 15.20.7918.19 via Frontend Transport; ${D}`,
  `from m4.lure-hosting.jp (202.172.26.5) by SJ1PEPF00001CE6.mail.protection.outlook.com (10.167.242.22) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7918.13 via Frontend Transport; ${D}`,
  `(qmail 41657 invoked by uid 89); 29 Aug 2024 22:15:20 +0900`,
  `from 102.64.220.94 (SquirrelMail authenticated user id@lure-hosting.jp) by m4.lure-hosting.jp with HTTP; Thu, 29 Aug 2024 22:15:20 +0900`,
];

async function publishedOf(received: readonly string[]): Promise<{ values: string[]; flagged: string[] }> {
  const a = await analyse({
    name: 'received',
    spec: { from: 'Lure <id@lure-hosting.jp>', to: 'id@lure-hosting.jp', subject: 'Eu sou o advogado', text: 'hello', received },
    style: 'rfc822',
    options: { submitter: SUBMITTER },
  });
  const fromReceived = a.sanitized.indicators.filter((i) => i.origins.some((o) => o.field === 'received'));
  return {
    values: fromReceived.filter((i) => i.warningLists.length === 0).map((i) => i.value),
    flagged: fromReceived.filter((i) => i.warningLists.length > 0).map((i) => i.value),
  };
}

describe('Received chain of a mailbox at a hosted mail provider', function () {
  it('publishes none of the receiving Microsoft 365 hops, names or IPv6 addresses', async function () {
    const { values, flagged } = await publishedOf(M365_CHAIN);
    const all = [...values, ...flagged].join(' ');
    expect(all).to.not.match(/outlook\.com|2603:10b6|10\.167\.242\.22/i);
  });

  it("publishes the sending server and the attacker's client address below the provider's hops", async function () {
    const { values } = await publishedOf(M365_CHAIN);
    expect(values).to.include.members(['202.172.26.5', 'm4.lure-hosting.jp', '102.64.220.94']);
  });

  it("publishes nothing of a relay below the cut whose reverse-DNS name is a mail provider's", async function () {
    const chain = [
      ...M365_CHAIN.slice(0, 3),
      `from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41]) by SJ1PEPF00001CE6.mail.protection.outlook.com (10.167.242.22) with Microsoft SMTP Server id 15.20.7918.13; ${D}`,
      `from [192.168.1.20] ([41.203.77.5]) by smtp.gmail.com with ESMTPSA id x1; ${D}`,
    ];
    const { values, flagged } = await publishedOf(chain);
    expect([...values, ...flagged]).to.not.include('209.85.220.41');
    expect(values).to.include('41.203.77.5');
  });

  it("does not take a sender that only claims a provider's name in HELO for the provider", async function () {
    const chain = [
      ...M365_CHAIN.slice(0, 3),
      `from outlook.com (45.33.12.7) by SJ1PEPF00001CE6.mail.protection.outlook.com (10.167.242.22) with Microsoft SMTP Server id 15.20.7918.13; ${D}`,
    ];
    const { values, flagged } = await publishedOf(chain);
    expect([...values, ...flagged]).to.include('45.33.12.7');
  });
});
