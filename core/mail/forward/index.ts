// Find the original suspicious message(s) in a forwarded mail. Shared by ingest (which needs the
// note for class directives) and analysis (which needs the originals).
//
//   const result = await unwrapForward(rawBytes, DEFAULT_UNWRAP_LIMITS, { internalDomains });
//   if (result.kind === 'failed') …            // a limit was exceeded or the input is unusable
//   result.note                                 // submitter's text, or null when not a forward
//   result.items[0].headers.from / .subject / .messageId, .attachments[i].content, .raw
//
// Forms, tried in this order: attached messages (message/rfc822 parts, .eml and .msg files; each
// one becomes an item), then an inline forward in the text (Outlook, Gmail, Thunderbird and their
// Japanese versions; one item). A mail with neither is itself the original (form 'none').
import { attachedFormOf, attachedItem, type AttachedOutcome } from './attached.ts';
import { itemFromParsed, outerInfoOf } from './from-parsed.ts';
import { htmlToPlain } from './html-text.ts';
import { findInline, inlineItem } from './inline.ts';
import { parseMime, type ParsedMime } from './parse-mime.ts';
import {
  DEFAULT_UNWRAP_LIMITS,
  type ForwardForm,
  type MailAddress,
  type OriginalAttachment,
  type OriginalItem,
  type UnwrapFailure,
  type UnwrapLimits,
  type UnwrapOptions,
  type UnwrapResult,
} from './types.ts';

export * from './types.ts';
export { htmlToPlain } from './html-text.ts';
export type { AttachedOutcome } from './attached.ts';

interface Level {
  readonly kind: 'forward';
  readonly note: string;
  readonly innerNotes: string[];
  readonly items: OriginalItem[];
  readonly warnings: string[];
}

interface Context {
  readonly limits: UnwrapLimits;
  readonly internal: (a: MailAddress) => boolean;
  /** Look for inline forwards in this message (see UnwrapOptions.internalDomains). */
  readonly inline: boolean;
}

const FORWARD_SUBJECT = /^\s*(?:\[[^\]]{0,80}\]\s*)?(?:re\s*:\s*)*(?:fwd?|tr|wg|転送)\s*:/i;

function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).toLowerCase() : null;
}

function internalCheck(outerFrom: readonly MailAddress[], options: UnwrapOptions): (a: MailAddress) => boolean {
  const domains = new Set((options.internalDomains ?? []).map((d) => d.toLowerCase()));
  const outer = domainOf(outerFrom[0]?.address ?? '');
  if (outer) domains.add(outer);
  return (a) => {
    const d = domainOf(a.address);
    if (!d) return false;
    for (const known of domains) if (d === known || d.endsWith('.' + known)) return true;
    return false;
  };
}

function noteOf(parsed: ParsedMime): string {
  const text = parsed.text?.trim() ? parsed.text : parsed.html ? htmlToPlain(parsed.html) : '';
  return text.replace(/\r\n?/g, '\n').trim();
}

/** The item as a parsed message again, to look for a forward nested inside it. */
function asParsed(item: OriginalItem): ParsedMime {
  return {
    kind: 'parsed',
    headers: new Map(),
    rawHeaders: [],
    text: item.text,
    html: item.html,
    attachments: item.attachments.map((a) => ({ ...a, declaredType: a.contentType })),
    japaneseFixes: [],
  };
}

/**
 * A forward nested in an item is followed only when the item is itself a forward written inside
 * the submitting organisation ("FW:" subject, internal sender): an employee forwarding to their
 * security team, who forwarded to us. A phishing mail posing as a forward stays the original.
 */
async function follow(item: OriginalItem, depth: number, ctx: Context): Promise<Level | UnwrapFailure | null> {
  const subject = (item.headers.subject ?? '').normalize('NFKC');
  const sender = item.headers.from[0];
  if (!FORWARD_SUBJECT.test(subject) || !sender || !ctx.internal(sender)) return null;
  return findForward(asParsed(item), item.path, depth, { ...ctx, inline: true });
}

async function findForward(parsed: ParsedMime, path: readonly ForwardForm[], depth: number, ctx: Context): Promise<Level | UnwrapFailure | null> {
  const candidates = parsed.attachments.flatMap((a) => {
    const form = attachedFormOf(a);
    return form ? [{ a, form }] : [];
  });
  const split = candidates.length || !ctx.inline ? null : findInline(parsed);
  if (!candidates.length && !split) return null;
  if (depth >= ctx.limits.maxDepth) {
    return { kind: 'failed', reason: 'too-deep', message: `forwards nested deeper than ${ctx.limits.maxDepth} levels` };
  }
  if (candidates.length > ctx.limits.maxItems) {
    return { kind: 'failed', reason: 'too-many-items', message: `${candidates.length} attached messages (limit ${ctx.limits.maxItems})` };
  }
  const level: Level = { kind: 'forward', note: '', innerNotes: [], items: [], warnings: [] };
  const found: OriginalItem[] = [];
  if (split) {
    found.push(await inlineItem(parsed, split, [...path, split.forward.form]));
  } else {
    for (const { a, form } of candidates) {
      const outcome = await attachedItem(a, form, path, ctx.limits);
      if (outcome.kind === 'failed') return outcome;
      if (outcome.kind === 'skipped') level.warnings.push(outcome.warning);
      else found.push(outcome.item);
    }
    if (!found.length) return level;
  }
  for (const item of found) {
    const nested = await follow(item, depth + 1, ctx);
    if (nested && nested.kind === 'failed') return nested;
    if (nested) level.warnings.push(...nested.warnings);
    if (nested && nested.items.length) {
      level.innerNotes.push(nested.note, ...nested.innerNotes);
      level.items.push(...nested.items);
    } else {
      level.items.push(item);
    }
  }
  return { ...level, note: split ? split.forward.note : noteOf(parsed) };
}

/**
 * Unwrap a received message. Resolves exactly once, never throws for bad input: a message that
 * exceeds a limit (nesting depth, MIME parts, header bytes, attached messages) yields
 * `{ kind: 'failed', reason, message }`. Parsing is linear in the input; link detection and
 * HTML/text conversions are off.
 */
export async function unwrapForward(raw: Buffer, limits: UnwrapLimits = DEFAULT_UNWRAP_LIMITS, options: UnwrapOptions = {}): Promise<UnwrapResult> {
  try {
    return await unwrap(raw, limits, options);
  } catch (err) {
    // A library choking on hostile input must not lose the message: the caller keeps the raw bytes.
    return { kind: 'failed', reason: 'malformed', message: err instanceof Error ? err.message : String(err) };
  }
}

async function unwrap(raw: Buffer, limits: UnwrapLimits, options: UnwrapOptions): Promise<UnwrapResult> {
  const parsed = await parseMime(raw, limits);
  if (parsed.kind === 'failed') return parsed;
  const outer = outerInfoOf(parsed);
  const warnings = parsed.japaneseFixes.map((f) => `japanese: ${f}`);
  const sender = outer.from[0];
  const senderInternal = sender !== undefined && internalCheck([], options)(sender);
  const ctx: Context = {
    limits,
    internal: internalCheck(outer.from, options),
    inline: !options.internalDomains?.length || senderInternal,
  };
  const level = await findForward(parsed, [], 0, ctx);
  if (level && level.kind === 'failed') return level;
  if (level && level.items.length) {
    return {
      kind: 'unwrapped',
      form: level.items[0]!.form,
      note: level.note,
      innerNotes: level.innerNotes,
      outer,
      items: level.items,
      warnings: [...warnings, ...level.warnings],
    };
  }
  return {
    kind: 'unwrapped',
    form: 'none',
    note: null,
    innerNotes: [],
    outer,
    items: [itemFromParsed(parsed, raw, 'message', [])],
    warnings: [...warnings, ...(level?.warnings ?? [])],
  };
}

/**
 * The message inside one attachment of an original (a message/rfc822 part, an .eml or an Outlook
 * .msg file), parsed under the same limits; null when the attachment is not a message. Analysis
 * uses it to reach the attachments of messages nested in an original.
 */
export async function messageInAttachment(
  attachment: OriginalAttachment,
  limits: UnwrapLimits = DEFAULT_UNWRAP_LIMITS,
): Promise<AttachedOutcome | UnwrapFailure | null> {
  const parsed = { ...attachment, declaredType: attachment.contentType };
  const form = attachedFormOf(parsed);
  if (!form) return null;
  try {
    return await attachedItem(parsed, form, [], limits);
  } catch (err) {
    return { kind: 'failed', reason: 'malformed', message: err instanceof Error ? err.message : String(err) };
  }
}
