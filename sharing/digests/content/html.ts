// The HTML part of a digest: the same document as the text part, escaped by the `html` template
// (every interpolated string is text). Self-contained: inline styles only, no images, fonts or
// other remote resources, and no link but the recipient's own download link; indicator values are
// defanged text in <code>, never anchors. The template is the console's (core/html.ts).
import type { SharingClass } from '../../../core/types.ts';
import { html, toHtmlString, type SafeHtml } from '../../../core/html.ts';
import type { DigestDocument, DocLine } from './document.ts';

/** TLP 2.0 colours (on black) for the classes that have one; YELLOW between AMBER and GREEN. */
const COLOUR: Readonly<Record<SharingClass, string>> = {
  RED: '#FF2B2B',
  AMBER: '#FFC000',
  YELLOW: '#FFEB3B',
  GREEN: '#33FF00',
  WHITE: '#FFFFFF',
};

function classBadge(cls: SharingClass): SafeHtml {
  return html`<span style="background:#000;color:${COLOUR[cls]};font-weight:bold;padding:0 4px">${cls}</span>`;
}

function lineHtml(l: DocLine): SafeHtml {
  return html`<li>${classBadge(l.class)} ${l.marker ? html`<strong style="color:#b00020">[${l.marker}]</strong> ` : ''}<code>${l.shown}</code> <small style="color:#555">(${l.figures})</small></li>`;
}

export function digestHtml(doc: DigestDocument): string {
  const page = html`<!DOCTYPE html>
<html lang="${doc.language}">
<head><meta charset="utf-8"><title>${doc.title}</title></head>
<body style="font-family:sans-serif;font-size:14px;line-height:1.5;color:#111">
<div role="note" style="background:#000;color:#fff;border-left:8px solid ${COLOUR[doc.class]};padding:8px 12px;font-weight:bold">
${doc.banner.map((b) => html`<p style="margin:0">${b}</p>`)}
</div>
<h1 style="font-size:18px">${doc.title}</h1>
<p>${doc.period}<br>${doc.summary}</p>
<p>${doc.note}</p>
${doc.sections.map(
  (s) => html`<h2 style="font-size:16px;${s.withdrawn ? 'color:#b00020' : ''}">${s.heading}</h2>
${s.campaigns.map(
  (c) => html`<h3 style="font-size:15px;margin-bottom:0">${c.heading}</h3>
${c.items.map(
  (t) => html`<h4 style="font-size:14px;margin:8px 0 0">${t.heading}</h4>
<ul style="margin-top:0">${t.items.map(lineHtml)}</ul>
`,
)}`,
)}`,
)}
<hr>
<p>${doc.files.text}${doc.files.url ? html`<br><a href="${doc.files.url}">${doc.files.url}</a>` : ''}${doc.files.expires ? html`<br>${doc.files.expires}` : ''}</p>
<p style="color:#555">${doc.footer}<br>${doc.banner[0]!}</p>
</body>
</html>
`;
  return toHtmlString(page);
}
