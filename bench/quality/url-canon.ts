// One canonical form for comparing URLs of the reference with published ones: WHATWG parsing
// (scheme and host lower-case, default port dropped), fragment removed (never published),
// percent-escapes of unreserved characters decoded and the others in upper-case hex.
import type { Victim } from './identities.ts';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

export function canonicalUrl(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  u.hash = '';
  // An empty query (`…/?`) says nothing; the product may drop the mark.
  return u.href.replace(/\?$/, '').replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => {
    const ch = String.fromCharCode(parseInt(h, 16));
    return UNRESERVED.test(ch) ? ch : `%${h.toUpperCase()}`;
  });
}

export function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return null;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms of the victim's address and local part that can sit inside a URL. */
export function identityForms(v: Victim): string[] {
  const forms = new Set([v.address, encodeURIComponent(v.address), v.address.replace('@', '%40'), v.local]);
  for (let off = 0; off < 3; off++) {
    const b64 = Buffer.from('x'.repeat(off) + v.address).toString('base64');
    // Groups of four that hold only bytes of the address: the same wherever the address sits.
    const core = b64.slice(Math.ceil(off / 3) * 4, Math.floor((off + v.address.length) / 3) * 4);
    if (core.length >= 8) {
      forms.add(core);
      forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

export function carriesIdentity(url: string, forms: readonly string[]): boolean {
  const lower = url.toLowerCase();
  return forms.some((f) => lower.includes(f.toLowerCase()) || url.includes(f));
}

/** A pattern that matches the URL with every identity form replaced by anything (the placeholder). */
export function redactedPattern(url: string, forms: readonly string[]): RegExp {
  const alternation = new RegExp(forms.map(escapeRe).join('|'), 'gi');
  const pieces = url.split(alternation).map(escapeRe);
  return new RegExp(`^${pieces.join('.*?')}$`, 'i');
}
