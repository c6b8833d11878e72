// An indicator typed in by an analyst: checked against its type and put in the same normal form
// the analysis uses (analysis/indicators), so a hand-added indicator merges with extracted ones.
import { canonicalUrl, normalizeAddress, normalizeHost, normalizeIp, refang } from '../../analysis/indicators/index.ts';
import { INDICATOR_TYPES, type IndicatorType, type InfoKind } from '../../core/types.ts';

export type IndicatorInputOutcome =
  | { readonly ok: true; readonly type: IndicatorType; readonly value: string; readonly kind: InfoKind }
  | { readonly ok: false; readonly problem: 'unknown-type' | 'invalid-value' };

/** The kind an indicator type belongs to by default (DESIGN.md §1). */
export const KIND_OF_TYPE: Readonly<Record<IndicatorType, InfoKind>> = {
  'email-addr': 'mail',
  'email-subject': 'mail',
  'email-message-id-domain': 'mail',
  'x-mailer': 'mail',
  'domain-name': 'network',
  'ipv4-addr': 'network',
  'ipv6-addr': 'network',
  url: 'network',
  'file-sha256': 'file',
  'file-sha1': 'file',
  'file-md5': 'file',
  'file-name': 'file',
  'yara-rule': 'file',
  'av-signature': 'file',
};

const HASH_LENGTH: Partial<Record<IndicatorType, number>> = { 'file-sha256': 64, 'file-sha1': 40, 'file-md5': 32 };
const MAX_TEXT = 1000;

function normaliseValue(type: IndicatorType, input: string): string | null {
  const text = refang(input.trim());
  switch (type) {
    case 'email-addr':
      return normalizeAddress(text)?.value ?? null;
    case 'domain-name':
    case 'email-message-id-domain': {
      const h = normalizeHost(text);
      return h?.kind === 'domain' ? h.value : null;
    }
    case 'ipv4-addr':
    case 'ipv6-addr': {
      const ip = normalizeIp(text);
      return ip && ip.kind === (type === 'ipv4-addr' ? 'ipv4' : 'ipv6') ? ip.value : null;
    }
    case 'url':
      return canonicalUrl(text)?.value ?? null;
    case 'file-sha256':
    case 'file-sha1':
    case 'file-md5': {
      const hex = input.trim().toLowerCase();
      return new RegExp(`^[0-9a-f]{${HASH_LENGTH[type]}}$`).test(hex) ? hex : null;
    }
    case 'email-subject':
    case 'x-mailer':
    case 'file-name':
    case 'yara-rule':
    case 'av-signature': {
      const v = input.normalize('NFC').trim();
      return v !== '' && v.length <= MAX_TEXT && !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v) ? v : null;
    }
  }
}

export function parseIndicatorInput(typeText: string, value: string, kindText?: string): IndicatorInputOutcome {
  if (!INDICATOR_TYPES.includes(typeText as IndicatorType)) return { ok: false, problem: 'unknown-type' };
  const type = typeText as IndicatorType;
  const normal = normaliseValue(type, value);
  if (normal === null) return { ok: false, problem: 'invalid-value' };
  const kind = kindText === 'mail' || kindText === 'network' || kindText === 'file' ? kindText : KIND_OF_TYPE[type];
  return { ok: true, type, value: normal, kind };
}
