// What the sanitizer protects, gathered from one submission: its victims (every address at a
// registered domain found anywhere in the original, victims.ts), its submitter, the organisations'
// registered domains and networks, the exchange's own addresses. Recipients at other domains are
// written by the attacker as much as by anyone: they are recorded for the analyst, never protected.
// Built once per submission by buildSanitizeContext; a plain record the pipeline passes on.
import addressparser from 'nodemailer/lib/addressparser';
import type { Organisation } from '../../core/types.ts';
import type { MailAddress, OriginalHeaders, OriginalItem, OuterInfo } from '../../core/mail/forward/types.ts';
import { findAddresses } from '../indicators/from-content.ts';
import type { ReceivedCut } from '../indicators/received.ts';
import type { SanitizationRules } from './rules.ts';
import { fold } from './identifiers.ts';
import { findVictims, registeredDomains, registeredPrefix, type RegisteredDomains } from './victims.ts';
import { matchInfrastructure, type WarningList } from './warning-lists.ts';

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
  /**
   * Victims: every address at a registered domain (or a sub-domain of one) found in the original's
   * header, bodies, attachments or the forward, with the display name written with it.
   */
  readonly victims: readonly MailAddress[];
  /** Recipients of the original and of the forward at no registered domain: for the analyst only. */
  readonly otherRecipients: readonly MailAddress[];
  /** The submitter: the forward's sender, the envelope sender, registered addresses written in the notes. */
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
  /** Texts of the original searched for victims (victimTextsOf); the notes are searched too. */
  readonly texts?: readonly string[];
  readonly organisations: readonly OrganisationRecord[];
  readonly submitterOrgId: string;
  readonly exchange: ExchangeIdentity;
  readonly warningLists: readonly WarningList[];
  readonly rules: SanitizationRules;
}

/** Bytes of one attachment searched for victims. */
const MAX_ATTACHMENT_CHARS = 4 * 1024 * 1024;

/** A file's content as text to search: UTF-8 when it is, else its single-byte and UTF-16LE readings. */
function contentTexts(content: Buffer): string[] {
  const buf = content.subarray(0, MAX_ATTACHMENT_CHARS);
  const utf8 = buf.toString('utf8');
  if (!utf8.includes('\ufffd')) return [utf8];
  return [buf.toString('latin1'), buf.subarray(0, buf.length - (buf.length % 2)).toString('utf16le')];
}

/**
 * What of an original is searched for victims: every header value (raw, encoded-words and all), the
 * subject, the text and HTML bodies, the attachments, and any further file contents (archive members).
 */
export function victimTextsOf(item: Pick<OriginalItem, 'headers' | 'text' | 'html' | 'attachments'>, files: readonly Buffer[] = []): string[] {
  return [
    item.headers.raw.map((h) => `${h.name}: ${h.value}`).join('\n'),
    item.headers.subject ?? '',
    item.text ?? '',
    item.html ?? '',
    ...item.attachments.flatMap((a) => [a.filename ?? '', ...contentTexts(a.content)]),
    ...files.flatMap(contentTexts),
  ].filter((t) => t !== '');
}

function atRegistered(address: string, reg: RegisteredDomains): boolean {
  const a = fold(address.trim());
  const at = a.lastIndexOf('@');
  return at > 0 && registeredPrefix(a.slice(at + 1), reg) !== null;
}

/** The context for one original item of a submission. */
export function buildSanitizeContext(input: ContextInput): SanitizeContext {
  const fwd = input.forward && input.forward.note !== null ? input.forward : null;
  const reg = registeredDomains(input.organisations.flatMap((o) => o.domains));
  const notes = fwd ? [fwd.note ?? '', ...fwd.innerNotes] : [];
  const noteAddresses = notes.flatMap((t) =>
    findAddresses(t)
      .filter((address) => atRegistered(address, reg))
      .map((address) => ({ name: '', address })),
  );
  const submitters: MailAddress[] = [
    ...(fwd?.outer.from ?? []),
    ...(input.envelope?.mailFrom ? [{ name: '', address: input.envelope.mailFrom }] : []),
    ...noteAddresses,
  ];
  const recipients = [...recipientsOf(input.headers), ...(fwd ? [...fwd.outer.to, ...fwd.outer.cc] : [])];
  const exchange = new Set(input.exchange.addresses.map((a) => fold(a)));
  const victims = findVictims({ headers: input.headers, texts: [...(input.texts ?? []), ...notes, ...recipients.map((r) => `${r.name} <${r.address}>`)] }, reg);
  return {
    organisations: input.organisations,
    submitterOrgId: input.submitterOrgId,
    victims: victims.filter((v) => !exchange.has(v.address)),
    otherRecipients: recipients.filter((r) => r.address !== '' && !atRegistered(r.address, reg) && !exchange.has(fold(r.address.trim()))),
    submitters,
    exchange: input.exchange,
    warningLists: input.warningLists,
    rules: input.rules,
  };
}

/**
 * Where the Received chain is cut (extractIndicators' `infrastructure`): every organisation's
 * registered domains and networks and the exchange's, and the known mail providers of the warning
 * lists (a receiving mailbox at Microsoft 365 or Gmail fills the top of the chain with their hops).
 * No header of the original is used: To, Cc and Delivered-To can all be written by the attacker.
 */
export function infrastructureOf(ctx: SanitizeContext): { domains: string[]; networks: string[]; provider: (hostOrIp: string) => string | null } {
  return {
    domains: [...ctx.organisations.flatMap((o) => o.domains), ...ctx.exchange.domains],
    networks: [...ctx.organisations.flatMap((o) => o.networks), ...ctx.exchange.networks],
    provider: (hostOrIp) => matchInfrastructure(hostOrIp, ctx.warningLists),
  };
}
