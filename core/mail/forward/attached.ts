// Forwards "as attachment": message/rfc822 parts, attached .eml files and attached Outlook .msg files.
import { itemFromParsed } from './from-parsed.ts';
import { looksLikeMsg, msgItem } from './msg-file.ts';
import { parseMime, type ParsedAttachment } from './parse-mime.ts';
import type { ForwardForm, OriginalItem, UnwrapFailure, UnwrapLimits } from './types.ts';

export type AttachedForm = 'rfc822' | 'eml' | 'msg';

/** Whether an attachment is a forwarded message, and in which form. */
export function attachedFormOf(a: ParsedAttachment): AttachedForm | null {
  if (a.declaredType === 'message/rfc822' || a.declaredType === 'message/global') return 'rfc822';
  const name = a.filename?.toLowerCase() ?? '';
  if (name.endsWith('.eml')) return 'eml';
  if (name.endsWith('.msg') || a.declaredType === 'application/vnd.ms-outlook') return 'msg';
  return null;
}

export type AttachedOutcome = { readonly kind: 'item'; readonly item: OriginalItem } | { readonly kind: 'skipped'; readonly warning: string };

/** The original inside one forwarded attachment. Limit failures are returned, not thrown. */
export async function attachedItem(
  a: ParsedAttachment,
  form: AttachedForm,
  path: readonly ForwardForm[],
  limits: UnwrapLimits,
): Promise<AttachedOutcome | UnwrapFailure> {
  const label = a.filename ?? a.declaredType;
  if (form === 'msg') {
    if (!looksLikeMsg(a.content)) return { kind: 'skipped', warning: `attachment ${label} is named .msg but is not an Outlook message` };
    const item = await msgItem(a.content, [...path, form], limits);
    return 'error' in item ? { kind: 'skipped', warning: `attachment ${label} could not be read: ${item.error}` } : { kind: 'item', item };
  }
  const parsed = await parseMime(a.content, limits);
  if (parsed.kind === 'failed') return parsed;
  return { kind: 'item', item: itemFromParsed(parsed, a.content, form, [...path, form]) };
}
