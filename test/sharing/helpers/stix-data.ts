// Generated indicator values of every type for the STIX, TAXII and MISP tests: fast-check samples
// with a fixed seed, so runs are deterministic, including quotes, backslashes and Japanese text.
import fc from 'fast-check';
import { INDICATOR_TYPES, type IndicatorType } from '../../../core/types.ts';
import { normalizeIp } from '../../../analysis/indicators/normalize.ts';

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const text = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.constantFrom("Invoice 'urgent' \\ payment", '【重要】請求書の確認', 'Re: \'quoted\' and "double"', 'back\\slash\\'),
);
const domain = fc.domain();

const VALUES: Readonly<Record<IndicatorType, fc.Arbitrary<string>>> = {
  'email-addr': fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/), domain).map(([l, d]) => `${l}@${d}`),
  'domain-name': domain,
  // In the normal form the analysis stores (IPv6 compressed; an IPv4-mapped one becomes IPv4).
  'ipv4-addr': fc.ipV4().map((ip) => normalizeIp(ip)!.value),
  'ipv6-addr': fc
    .ipV6()
    .map((ip) => normalizeIp(ip)!)
    .filter((ip) => ip.kind === 'ipv6')
    .map((ip) => ip.value),
  url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
  'email-subject': text.filter((s) => s.trim() !== ''),
  'email-message-id-domain': domain,
  'x-mailer': text.filter((s) => s.trim() !== ''),
  'file-sha256': hex(64),
  'file-sha1': hex(40),
  'file-md5': hex(32),
  'file-name': text.filter((s) => s.trim() !== ''),
  'yara-rule': fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/),
  'av-signature': fc.stringMatching(/^[A-Za-z0-9.:\/_-]{1,40}$/),
};

/** `perType` distinct values of each indicator type, the same on every run for a seed. */
export function generatedValues(perType: number, seed = 20260301): { type: IndicatorType; value: string }[] {
  return INDICATOR_TYPES.flatMap((type, i) => {
    const values = new Set(fc.sample(VALUES[type], { numRuns: perType * 4, seed: seed + i }));
    return [...values].slice(0, perType).map((value) => ({ type, value }));
  });
}

/** The kind a generated indicator of this type is filed under. */
export function kindOf(type: IndicatorType): 'mail' | 'network' | 'file' {
  if (type.startsWith('file-') || type === 'yara-rule' || type === 'av-signature') return 'file';
  if (type.startsWith('email-') || type === 'x-mailer') return 'mail';
  return 'network';
}
