// A STIX 2.1 pattern, a readable label and (where STIX has one) the cyber observable for each
// C⁴TAP indicator type. The Record over every IndicatorType makes a new type fail to compile
// until it is mapped here.
import type { IndicatorType } from '../../core/types.ts';
import { scoId } from './ids.ts';
import type { StixObservable } from './types.ts';

/** A string literal inside a STIX pattern: backslash and quote escaped (STIX 2.1 §9.2). */
export function patternString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

type Contributing = Readonly<Record<string, unknown>>;

interface TypeMapping {
  /** Shown in the indicator's name and description. */
  readonly label: string;
  readonly pattern: (value: string) => string;
  /** The observable's type, its properties, and the properties its id is computed from. */
  readonly observable?: (value: string) => { readonly type: string; readonly props: Contributing; readonly contributing: Contributing } | undefined;
}

const eq = (path: string) => (v: string) => `[${path} = ${patternString(v)}]`;

/** Addresses with a prefix length are networks: ISSUBSET matches every address inside. */
const ip = (type: 'ipv4-addr' | 'ipv6-addr') => (v: string) =>
  v.includes('/') ? `[${type}:value ISSUBSET ${patternString(v)}]` : `[${type}:value = ${patternString(v)}]`;

const valued = (type: string) => (value: string) => ({ type, props: { value }, contributing: { value } });

/**
 * Observables whose value a STIX consumer's format check accepts; otherwise the indicator goes
 * alone (its pattern still names the value, and nothing refers to the observable). Real mail has
 * addresses no such check takes (`msprvs1=…=bounces-…@…`, SRS `srs0=…=…@…`) and host names with
 * underscores; the validators read `email` as a plain dot-atom address and `idn-hostname` as
 * letters, digits and hyphens per label.
 */
const EMAIL_VALUE = /^[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const validIf = (ok: (value: string) => boolean, make: ReturnType<typeof valued>) => (value: string) => (ok(value) ? make(value) : undefined);
const isHostName = (v: string) => v.split('.').every((l) => HOST_LABEL.test(l));

const hashed = (algorithm: 'SHA-256' | 'SHA-1' | 'MD5') => ({
  pattern: (v: string) => `[file:hashes.${patternString(algorithm)} = ${patternString(v.toLowerCase())}]`,
  observable: (v: string) => {
    const hashes = { [algorithm]: v.toLowerCase() };
    return { type: 'file', props: { hashes }, contributing: { hashes } };
  },
});

export const TYPE_MAPPINGS: Readonly<Record<IndicatorType, TypeMapping>> = {
  'email-addr': { label: 'Sender address', pattern: eq('email-addr:value'), observable: validIf((v) => EMAIL_VALUE.test(v), valued('email-addr')) },
  'domain-name': { label: 'Domain', pattern: eq('domain-name:value'), observable: validIf(isHostName, valued('domain-name')) },
  'ipv4-addr': { label: 'IPv4 address', pattern: ip('ipv4-addr'), observable: valued('ipv4-addr') },
  'ipv6-addr': { label: 'IPv6 address', pattern: ip('ipv6-addr'), observable: valued('ipv6-addr') },
  url: { label: 'URL', pattern: eq('url:value'), observable: valued('url') },
  'email-subject': {
    label: 'Mail subject',
    pattern: eq('email-message:subject'),
    observable: (subject) => ({ type: 'email-message', props: { is_multipart: false, subject }, contributing: { subject } }),
  },
  'email-message-id-domain': {
    label: 'Message-ID domain',
    // The Message-ID may be stored with or without its angle brackets.
    pattern: (d) => `[email-message:message_id LIKE ${patternString(`%@${d}>`)} OR email-message:message_id LIKE ${patternString(`%@${d}`)}]`,
  },
  'x-mailer': { label: 'Mailer (X-Mailer)', pattern: eq("email-message:additional_header_fields.'X-Mailer'") },
  'file-sha256': { label: 'File SHA-256', ...hashed('SHA-256') },
  'file-sha1': { label: 'File SHA-1', ...hashed('SHA-1') },
  'file-md5': { label: 'File MD5', ...hashed('MD5') },
  'file-name': {
    label: 'File name',
    pattern: eq('file:name'),
    observable: (name) => ({ type: 'file', props: { name }, contributing: { name } }),
  },
  // Detection names have no STIX observable property: custom properties of the file object
  // (x_ prefix, STIX 2.1 §11.1), matched by files the named YARA rule or AV signature detects.
  'yara-rule': { label: 'YARA rule', pattern: eq('file:x_c4tap_yara_rule') },
  'av-signature': { label: 'Anti-virus signature', pattern: eq('file:x_c4tap_av_signature') },
};

export function patternOf(type: IndicatorType, value: string): string {
  return TYPE_MAPPINGS[type].pattern(value);
}

/** The observable for this indicator, marked like it, or null when STIX has none for its type. */
export function observableOf(type: IndicatorType, value: string, markingRefs: readonly string[]): StixObservable | null {
  const o = TYPE_MAPPINGS[type].observable?.(value);
  if (!o) return null;
  return { type: o.type, spec_version: '2.1', id: scoId(o.type, o.contributing), ...o.props, object_marking_refs: markingRefs };
}
