// Just enough HTML handling to find an inline forward in an HTML-only message and to cut the
// forwarded part out of the HTML body. No DOM. Message content is untrusted: every pattern here
// stops at the next delimiter so that work stays linear in the input (see test/core/mail/forward-unwrap-dos.test.ts).

const ENTITIES: Readonly<Record<string, string>> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/** Remove `open … close` spans (case-insensitive), an unclosed span running to the end. */
function dropSpans(html: string, open: string, close: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let pos = 0;
  for (;;) {
    const start = lower.indexOf(open, pos);
    if (start < 0) return out + html.slice(pos);
    out += html.slice(pos, start);
    const end = lower.indexOf(close, start + open.length);
    if (end < 0) return out;
    pos = end + close.length;
  }
}

/** Plain text of an HTML body: block ends become line breaks, table cells are separated by a space. */
export function htmlToPlain(html: string): string {
  let s = dropSpans(html, '<!--', '-->');
  for (const tag of ['script', 'style', 'head']) s = dropSpans(s, `<${tag}`, `</${tag}`);
  s = s
    .replace(/[\r\n]+/g, ' ')
    .replace(/<br\b[^<>]*>/gi, '\n')
    .replace(/<hr\b[^<>]*>/gi, '\n________________________________\n')
    .replace(/<\/?(?:p|div|table|h[1-6]|ul|ol|li|blockquote)\b[^<>]*>|<\/tr\s*>/gi, '\n')
    .replace(/<\/t[hd]\s*>/gi, ' ')
    .replace(/<[^<>]*>/g, '');
  return decodeEntities(s)
    .replace(/(?<![ \t\u00a0])[ \t\u00a0]+\n/g, '\n')
    .replace(/\n[ \t\u00a0]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Containers mail clients put around a forwarded message, and separator texts as a fallback.
const CONTAINERS = [
  /<div\b[^<>]*?\bclass=["']?gmail_quote\b/i,
  /<div\b[^<>]*?\bclass=["']?moz-forward-container\b/i,
  /<div\b[^<>]*?\bid=["']?divRplyFwdMsg\b/i,
  /<div\b[^<>]*?\bstyle=["'][^<>"']*?border-top:\s*solid\s+#(?:E1E1E1|B5C4DF)/i,
];
const SEPARATORS = /(?<!-)-{2,}\s*(?:Original Message|Forwarded message|転送されたメッセージ|転送メッセージ|元のメッセージ)\s*-{2,}|(?<!_)_{10,}/i;

/**
 * Split an HTML body where the forwarded message starts: `{ note, original }` as HTML fragments,
 * or null when no known container or separator is found.
 */
export function splitHtmlAtForward(html: string): { note: string; original: string } | null {
  let cut = -1;
  for (const re of CONTAINERS) {
    const m = re.exec(html);
    if (m && (cut < 0 || m.index < cut)) cut = m.index;
  }
  if (cut < 0) {
    const m = SEPARATORS.exec(html);
    if (!m) return null;
    const tagStart = Math.max(html.lastIndexOf('<p', m.index), html.lastIndexOf('<div', m.index));
    cut = tagStart >= 0 ? tagStart : m.index;
  }
  return { note: html.slice(0, cut), original: html.slice(cut) };
}

/** Content-IDs referenced from an HTML fragment (`cid:` URLs). */
export function cidsIn(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(/\bcid:([^'"\s)<>]{1,256})/gi)) out.add(m[1]!);
  return out;
}
