// The exchange itself as a STIX identity: the `created_by_ref` of everything it exports. The
// submitting organisations never appear in an export (DESIGN.md §2).
import { authoredId } from './ids.ts';
import type { StixIdentity } from './types.ts';

export interface ExchangeInfo {
  /** The exchange's name (config `exchange.name`). */
  readonly name: string;
}

/** Fixed so the identity object is the same in every export of one exchange. */
const IDENTITY_CREATED = '2026-01-01T00:00:00.000Z';

export function exchangeIdentity(exchange: ExchangeInfo): StixIdentity {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: authoredId('identity', `exchange:${exchange.name}`),
    created: IDENTITY_CREATED,
    modified: IDENTITY_CREATED,
    name: exchange.name,
    description: 'C4TAP targeted-attack e-mail sample exchange: indicators from mail its participants forwarded, sanitized and shared per sharing class.',
    identity_class: 'organization',
  };
}
