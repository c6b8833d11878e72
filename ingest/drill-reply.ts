// Drill replies over SMTP: a point of contact answers a drill notice, whose Reply-To is
// `drill+<token>@<drop domain>`. Such a recipient is the only mail the ingest server takes without
// AUTH (the contact's own mail server delivers it); an authenticated submitter may send one too.
// Nothing of the message is stored and no submission is created: only the acknowledgement (time,
// "reply") on the notice the token names. Automatic replies (out of office, bounces) do not count.
import { acknowledgeDrill, canonicalDrillToken, DRILL_REPLY_PREFIX, findDrillNotice, type DrillAckDeps } from '../core/drills.ts';
import type { DrillAck } from '../core/store/port.ts';
import { splitAddress } from './smtp-policy.ts';

/** Bytes of a drill reply kept in memory: enough for its header, which is all that is read. */
export const DRILL_REPLY_HEAD_BYTES = 64 * 1024;

export type DrillRecipient =
  | { readonly kind: 'not-drill' }
  /** `drill+…` at the drop domain, but not a token we could have issued. */
  | { readonly kind: 'malformed' }
  | { readonly kind: 'token'; readonly token: string };

/** Whether an envelope recipient is a drill reply address, and its token. */
export function drillRecipient(address: string, dropAddress: string): DrillRecipient {
  const rcpt = splitAddress(address);
  const drop = splitAddress(dropAddress);
  if (!rcpt || !drop || rcpt.domain !== drop.domain) return { kind: 'not-drill' };
  const local = rcpt.local.toLowerCase();
  if (!local.startsWith(DRILL_REPLY_PREFIX)) return { kind: 'not-drill' };
  const token = canonicalDrillToken(local.slice(DRILL_REPLY_PREFIX.length));
  return token ? { kind: 'token', token } : { kind: 'malformed' };
}

/** The header fields of a message (names lower-case, folded lines joined); the body is not read. */
export function headerFields(head: Buffer): Map<string, string[]> {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const fields = new Map<string, string[]>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/**
 * An automatic answer rather than a person's: the null sender (bounces, RFC 3834 auto-replies),
 * Auto-Submitted other than "no", the Precedence and X-Autoreply marks of vacation programs, or a
 * delivery report.
 */
export function isAutomaticReply(head: Buffer, mailFrom: string): boolean {
  if (mailFrom.trim() === '') return true;
  const f = headerFields(head);
  const first = (name: string) => (f.get(name)?.[0] ?? '').toLowerCase();
  const autoSubmitted = first('auto-submitted');
  if (autoSubmitted !== '' && !autoSubmitted.startsWith('no')) return true;
  if (/^(bulk|junk|list|auto_reply)\b/.test(first('precedence'))) return true;
  if (f.has('x-autoreply') || f.has('x-autorespond') || f.has('x-autoreply-from')) return true;
  return /^multipart\/report\b/.test(first('content-type'));
}

/** A refusal of one SMTP command: reply code, reason for the log and metrics, and the text. */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

/** The recipient that would put a drill reply and a report in one transaction: the sender retries it alone. */
export const MIXED_TRANSACTION: Refusal = { code: 452, reason: 'mixed-drill-reply', message: 'Send drill replies and reports in separate messages' };

const noSuchNotice = (reason: string): Refusal => ({ code: 550, reason, message: 'No such drill notice' });

/**
 * Admits a drill reply recipient into a transaction (adding its token), or says why not: 550 for a
 * token that is malformed or names no notice, 452 when the transaction already has report
 * recipients or as many drill recipients as allowed.
 */
export async function admitDrillRecipient(
  deps: Pick<DrillAckDeps, 'store' | 'tokenKey'>,
  recipient: Exclude<DrillRecipient, { kind: 'not-drill' }>,
  tx: { readonly recipients: number; readonly tokens: string[] },
  maxRecipients: number,
): Promise<Refusal | null> {
  if (recipient.kind !== 'token') return noSuchNotice('drill-token-malformed');
  if (tx.recipients > tx.tokens.length) return MIXED_TRANSACTION;
  if (tx.tokens.includes(recipient.token)) return null;
  if (tx.tokens.length >= maxRecipients) return { code: 452, reason: 'too-many-recipients', message: `Too many recipients (at most ${maxRecipients})` };
  if (!(await findDrillNotice(deps, recipient.token))) return noSuchNotice('drill-token-unknown');
  tx.tokens.push(recipient.token);
  return null;
}

export type DrillReplyOutcome =
  | { readonly kind: 'recorded'; readonly acks: readonly DrillAck[] }
  | { readonly kind: 'automatic' }
  /** A token no longer names a notice (it did at RCPT TO): nothing was recorded for it. */
  | { readonly kind: 'unknown' };

export interface DrillReplyInput {
  readonly tokens: readonly string[];
  /** The first bytes of the message (its header). */
  readonly head: Buffer;
  readonly mailFrom: string;
  /** Audit actor: the authenticated principal's id, or `system`. */
  readonly actor: string;
}

/** The 250 text for a drill reply, or the refusal (a token that no longer names a notice). */
export function drillReplyAnswer(outcome: DrillReplyOutcome): string | Refusal {
  switch (outcome.kind) {
    case 'recorded':
      return 'Drill acknowledgement recorded, thank you';
    case 'automatic':
      return 'Automatic reply received; it does not acknowledge the drill';
    case 'unknown':
      return noSuchNotice('drill-token-unknown');
  }
}

/** Records the acknowledgement of every token of the transaction; resolves once they are durable. */
export async function recordDrillReply(deps: DrillAckDeps, input: DrillReplyInput): Promise<DrillReplyOutcome> {
  if (isAutomaticReply(input.head, input.mailFrom)) return { kind: 'automatic' };
  const acks: DrillAck[] = [];
  for (const token of input.tokens) {
    const ack = await acknowledgeDrill(deps, token, 'reply', input.actor);
    if (!ack) return { kind: 'unknown' };
    acks.push(ack);
  }
  return { kind: 'recorded', acks };
}
