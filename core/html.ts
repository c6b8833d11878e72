// Used by the console pages and by the HTML part of digests.
// Server-rendered HTML with escaping by default. Every value interpolated into `html\`…\`` is
// escaped unless it is itself a SafeHtml (the result of another `html` template, or a fragment
// this program generated and explicitly marked with `trustedHtml`). Mail content, names and
// anything a user typed always arrive as strings, so they can only ever be text.

const SAFE = Symbol('SafeHtml');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly html: string;
}

/** What a template accepts: text (escaped), numbers, fragments, lists of those; null/undefined/false render nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]!);
}

function fragment(html: string): SafeHtml {
  return { [SAFE]: true, html };
}

export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && (value as Partial<SafeHtml>)[SAFE] === true;
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (isSafeHtml(value)) return value.html;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return fragment(out);
}

/**
 * Markup this program generated itself (an SVG chart built from numbers, a library's QR code).
 * Never pass anything that contains mail content or user input.
 */
export function trustedHtml(markup: string): SafeHtml {
  return fragment(markup);
}

export function toHtmlString(value: SafeHtml): string {
  return value.html;
}

/** A console URL with its query string; parameters with empty values are left out. */
export function consoleUrl(base: string, params: Readonly<Record<string, string | number | null | undefined>> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') qs.set(k, String(v));
  const q = qs.toString();
  return q ? `${base}?${q}` : base;
}

/**
 * Text with its invisible tricks shown: control characters, bidirectional overrides and
 * zero-width characters become visible markers such as ⟨U+202E⟩, so a subject cannot reorder or
 * hide what the analyst reads. Newlines and tabs stay.
 */
export function visibleText(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g,
    (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}
