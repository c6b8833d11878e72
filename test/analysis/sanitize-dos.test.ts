// Hostile content must not stall the worker: thousands of links with long encoded-looking tokens,
// and megabytes of text with no structure, are handled in bounded time (limits generous for a
// loaded 2-core machine; the work is linear, the old patterns were quadratic).
import { expect } from 'chai';
import { extractIndicators } from '../../analysis/indicators/index.ts';
import { MAX_HTML_LINKS } from '../../analysis/indicators/html.ts';
import { sanitize } from '../../analysis/sanitize/index.ts';
import { CORP, EXCHANGE, ORGS, RULES, VICTIM, WARNING_LISTS } from './indicators-fixtures.ts';

const headers = {
  from: [],
  sender: [],
  replyTo: [],
  to: [],
  cc: [],
  subject: null,
  date: null,
  dateText: null,
  messageId: null,
  inReplyTo: null,
  returnPath: null,
  received: [],
  mailer: null,
  raw: [],
};
const ctx = {
  organisations: ORGS,
  submitterOrgId: CORP.id,
  victims: [VICTIM],
  otherRecipients: [],
  submitters: [],
  exchange: EXCHANGE,
  warningLists: WARNING_LISTS,
  rules: RULES,
};

describe('sanitizer and extraction under hostile content', function () {
  it('sanitizes thousands of links with long base64-looking tokens in bounded time, and takes no more than the link limit', function () {
    const token = Buffer.from('x'.repeat(300)).toString('base64');
    const html = Array.from(
      { length: MAX_HTML_LINKS + 100 },
      (_, i) =>
        `<a href="https://l${i % 40}.lure.xyz/${i < 1000 ? token : 'p'}?q=${i < 1000 ? 'Q'.repeat(400) : ''}&n=${i}%20x#${i < 1000 ? token : ''}">x</a>`,
    ).join('');
    const started = Date.now();
    const { candidates } = extractIndicators({
      item: { headers, text: null, html, attachments: [] },
      files: [],
      infrastructure: { domains: [], networks: [] },
    });
    const s = sanitize(candidates, null, ctx);
    const elapsed = Date.now() - started;
    expect(candidates.filter((c) => c.type === 'url')).to.have.length(MAX_HTML_LINKS);
    expect(s.indicators.filter((c) => c.type === 'url')).to.have.length(MAX_HTML_LINKS);
    expect(elapsed).to.be.below(6_000);
  });

  it('scans megabytes of text without addresses or URLs in bounded time', function () {
    const started = Date.now();
    const big = Buffer.alloc(4 * 1024 * 1024, 'a');
    const { candidates } = extractIndicators({
      item: {
        headers,
        text: 'y'.repeat(2_000_000) + '%'.repeat(10_000),
        html: null,
        attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: big }],
      },
      files: [],
      infrastructure: { domains: [], networks: [] },
    });
    const s = sanitize(candidates, 'z'.repeat(512) + '%41'.repeat(100), ctx);
    expect(candidates).to.deep.equal([]);
    expect(s.subject).to.have.length(812);
    expect(Date.now() - started).to.be.below(10_000);
  });
});
