// URLs a style sheet loads: `url(…)` (quoted or not) and `@import "…"`. Patterns are bounded and
// their character classes exclude the characters that open the next match, so a hostile style
// sheet costs linear time.
const CSS_URL = /url\(\s*(?:"([^"\n]{0,2048})"|'([^'\n]{0,2048})'|([^()'"\s]{1,2048}))\s*\)/gi;
const CSS_IMPORT = /@import\s+(?:"([^"\n]{0,2048})"|'([^'\n]{0,2048})')/gi;

/** CSS escapes of one character (`\2f` or `\/`) decoded; they hide URLs from naive scanners. */
function unescapeCss(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-9a-f]{1,6})\s?|\\(.)/gi, (_, hex: string | undefined, ch: string | undefined) => {
    if (hex === undefined) return ch ?? '';
    const code = parseInt(hex, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** Targets of `url()` and `@import` in a style sheet or a `style=` value, in order, as written. */
export function cssUrls(css: string): string[] {
  const out: string[] = [];
  for (const re of [CSS_URL, CSS_IMPORT]) {
    for (const m of css.matchAll(re)) {
      const value = m[1] ?? m[2] ?? m[3] ?? '';
      if (value.trim() !== '') out.push(unescapeCss(value.trim()));
    }
  }
  return out;
}
