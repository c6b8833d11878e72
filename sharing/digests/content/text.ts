// The plain-text part of a digest: the banner on top (and its tag again at the end), then the
// sections, indented campaign → type → lines. Lines are CRLF-free here; the mailer encodes them.
import type { DigestDocument, DocLine } from './document.ts';

const RULE = '='.repeat(72);

function line(l: DocLine): string {
  return `      [${l.class}]${l.marker ? ` [${l.marker}]` : ''} ${l.shown}  (${l.figures})`;
}

export function digestText(doc: DigestDocument): string {
  const out: string[] = [...doc.banner, RULE, '', doc.title, doc.period, doc.summary, '', doc.note];
  for (const section of doc.sections) {
    out.push('', `■ ${section.heading}`);
    for (const campaign of section.campaigns) {
      out.push('', `  ${campaign.heading}`);
      for (const type of campaign.items) {
        out.push(`    ${type.heading}`, ...type.items.map(line));
      }
    }
  }
  out.push('', RULE, doc.files.text);
  if (doc.files.url) out.push(doc.files.url);
  if (doc.files.expires) out.push(doc.files.expires);
  out.push('', '-- ', doc.footer, doc.banner[0]!, '');
  return out.join('\n');
}
