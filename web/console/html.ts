// The console renders with the shared escaping template (core/html.ts), with one addition: every
// text value interpolated into a console template is passed through visibleText() before it is
// escaped, so bidirectional overrides, isolates, zero-width and other invisible characters in a
// file name, verdict reason or indicator origin show as markers (⟨U+202E⟩) wherever they appear,
// without each template having to remember it. Calling visibleText() explicitly is harmless: its
// markers contain nothing it would mark again.
import { html as escapingHtml, type HtmlValue, type SafeHtml } from '../../core/html.ts';

export * from '../../core/html.ts';

/**
 * Invisible or reordering characters: C0/C1 controls (not tab or newline), soft hyphen, combining
 * grapheme joiner, Arabic letter mark, Hangul and Mongolian fillers and separators, zero-width
 * space/joiners and LRM/RLM, line/paragraph separators, bidi embeddings/overrides (U+202A–202E),
 * word joiner, invisible operators, bidi isolates (U+2066–2069), deprecated format characters,
 * BOM, interlinear annotation, musical formatting and tag characters.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;

/** Text with its invisible tricks shown as ⟨U+XXXX⟩ markers; newlines and tabs stay. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

function shown(value: HtmlValue): HtmlValue {
  if (typeof value === 'string') return visibleText(value);
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(shown);
  return value;
}

/** The console's template: escapes every value, and shows invisible characters in text values. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  return escapingHtml(strings, ...values.map(shown));
}
