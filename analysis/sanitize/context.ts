// What the sanitizer protects, gathered from one submission: its recipients (original and forward),
// its submitter, the organisations' registered domains and networks, the exchange's own addresses.
// Built once per submission by buildSanitizeContext; a plain record the pipeline passes on.
import addressparser from 'nodemailer/lib/addressparser';
import type { Organisation } from '../../core/types.ts';
import type { MailAddress, OriginalHeaders, OuterInfo } from '../../ingest/unwrap/types.ts';
import { findAddresses } from '../indicators/from-content.ts';
import type { ReceivedCut } from '../indicators/received.ts';
import type { SanitizationRules } from './rules.ts';
import type { WarningList } from './warning-lists.ts';

export type OrganisationRecord = Pick<Organisation, 'id' | 'name' | 'domains' | 'networks'>;

export interface ExchangeIdentity {
  /** Domains of the exchange (drop address domain, host name): never indicators. */
  readonly domains: readonly string[];
  /** The exchange's own addresses (drop addresses): never indicators, never taken for a person. */
  readonly addresses: readonly string[];
  readonly networks: readonly string[];
}

/** The exchange's identity from its configuration (exchange.dropAddress, exchange.hostname). */
export function exchangeIdentity(cfg: { readonly dropAddress: string; readonly hostname: string; readonly networks?: readonly string[] }): ExchangeIdentity {
  const dropDomain = cfg.dropAddress.slice(cfg.dropAddress.lastIndexOf('@') + 1).toLowerCase();
  const domains = [dropDomain, ...(cfg.hostname.includes('.') ? [cfg.hostname.toLowerCase()] : [])];
  return { domains: [...new Set(domains)], addresses: [cfg.dropAddress.toLowerCase()], networks: [...(cfg.networks ?? [])] };
}

export interface SanitizeContext {
  /** Every registered organisation, any tier: their domains and networks are never indicators. */
  readonly organisations: readonly OrganisationRecord[];
  /** The submitting organisation: its name is redacted from subjects and URLs. */
  readonly submitterOrgId: string;
  /** Recipients of the original and of the forward (To, Cc, Bcc, Delivered-To, X-Original-To, …). */
  readonly recipients: readonly MailAddress[];
  /** The submitter: the forward's sender, the envelope sender, addresses written in the notes. */
  readonly submitters: readonly MailAddress[];
  readonly exchange: ExchangeIdentity;
  /** Hosts and IPs above the Received cut (extractIndicators().received); never indicators. */
  readonly internalHops?: Pick<ReceivedCut, 'internalHosts' | 'internalIps'>;
  readonly warningLists: readonly WarningList[];
  readonly rules: SanitizationRules;
}

/** Header fields, besides To and Cc, that name a recipient of the original. */
export const RECIPIENT_FIELDS = [
  'bcc',
  'delivered-to',
  'x-original-to',
  'envelope-to',
  'x-envelope-to',
  'x-rcpt-to',
  'x-forwarded-to',
  'apparently-to',
  'resent-to',
  'resent-cc',
  'resent-bcc',
] as const;


function parseAddresses(value: string): MailAddress[] {
  return addressparser(value, { flatten: true }).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

/** Every recipient the original's header names. */
export function recipientsOf(headers: Pick<OriginalHeaders, 'to' | 'cc' | 'raw'>): MailAddress[] {
  const fields = new Set<string>(RECIPIENT_FIELDS);
  return [...headers.to, ...headers.cc, ...headers.raw.filter((h) => fields.has(h.name)).flatMap((h) => parseAddresses(h.value))];
}

export interface ContextInput {
  /** Header of the original item (recipients, Delivered-To, …). */
  readonly headers: Pick<OriginalHeaders, 'to' | 'cc' | 'raw'>;
  /**
   * The forward as unwrapped (outer From/To/Cc, the notes). Null, or an Unwrapped whose note is null
   * (no forward recognised), when the item is the received message itself: its From is then the
   * attacker's, not a submitter's.
   */
  readonly forward: { readonly outer: Pick<OuterInfo, 'from' | 'to' | 'cc'>; readonly note: string | null; readonly innerNotes: readonly string[] } | null;
  /** Envelope of the received message (its MAIL FROM is the submitter). */
  readonly envelope?: { readonly mailFrom: string } | null;
  readonly organisations: readonly OrganisationRecord[];
  readonly submitterOrgId: string;
  readonly exchange: ExchangeIdentity;
  readonly warningLists: readonly WarningList[];
  readonly rules: SanitizationRules;
}

/** The context for one original item of a submission. */
export function buildSanitizeContext(input: ContextInput): SanitizeContext {
  const fwd = input.forward && input.forward.note !== null ? input.forward : null;
  const noteAddresses = fwd ? [fwd.note ?? '', ...fwd.innerNotes].flatMap((t) => findAddresses(t).map((address) => ({ name: '', address }))) : [];
  const submitters: MailAddress[] = [
    ...(fwd?.outer.from ?? []),
    ...(input.envelope?.mailFrom ? [{ name: '', address: input.envelope.mailFrom }] : []),
    ...noteAddresses,
  ];
  return {
    organisations: input.organisations,
    submitterOrgId: input.submitterOrgId,
    recipients: [...recipientsOf(input.headers), ...(fwd ? [...fwd.outer.to, ...fwd.outer.cc] : [])],
    submitters,
    exchange: input.exchange,
    warningLists: input.warningLists,
    rules: input.rules,
  };
}

/**
 * Where the Received chain is cut (extractIndicators' `infrastructure`): every organisation's
 * domains and networks, the exchange's, and the domains of Delivered-To/X-Original-To (written by
 * the victim's own servers). To and Cc are not used: an attacker may address the mail to itself.
 */
export function infrastructureOf(ctx: SanitizeContext, headers: Pick<OriginalHeaders, 'raw'>): { domains: string[]; networks: string[] } {
  const delivered = headers.raw
    .filter((h) => h.name === 'delivered-to' || h.name === 'x-original-to')
    .flatMap((h) => parseAddresses(h.value))
    .map((a) => a.address.slice(a.address.lastIndexOf('@') + 1))
    .filter((d) => d !== '');
  return {
    domains: [...ctx.organisations.flatMap((o) => o.domains), ...ctx.exchange.domains, ...delivered],
    networks: [...ctx.organisations.flatMap((o) => o.networks), ...ctx.exchange.networks],
  };
}
