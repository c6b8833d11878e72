// Every file a submission's original carries: its attachments (inline ones too: images are files),
// and the attachments of messages nested in it (a message/rfc822 part, an .eml or .msg file), down
// to the unwrap depth limit. The nested message itself is a file as well. Bodies of the original
// and of nested messages come out too, for YARA and for PPAP passwords.
import {
  DEFAULT_UNWRAP_LIMITS,
  htmlToPlain,
  messageInAttachment,
  type OriginalAttachment,
  type OriginalItem,
  type UnwrapLimits,
} from '../../core/mail/forward/index.ts';
import type { FoundFile } from '../types.ts';

/** A decoded body (text or HTML) of the original or of a message nested in it. */
export interface FoundBody {
  /** e.g. `text`, `html`, `invoice.eml/text`. */
  readonly label: string;
  readonly content: string;
}

export interface FoundFiles {
  readonly files: readonly FoundFile[];
  readonly bodies: readonly FoundBody[];
  /** Nested messages that could not be read, and where nesting was cut, for the analyst. */
  readonly warnings: readonly string[];
  /**
   * Messages nested deeper than the unwrap depth limit, not opened: their bodies and attachments
   * were never analysed, so the analysis is incomplete (never silently shorter).
   */
  readonly notExamined: readonly string[];
}

/** Whether an attachment is a message that unwrapping would open (the rules of core/mail/forward). */
function isMessage(a: OriginalAttachment): boolean {
  const type = a.contentType.toLowerCase();
  const name = a.filename?.toLowerCase() ?? '';
  return type === 'message/rfc822' || type === 'message/global' || type === 'application/vnd.ms-outlook' || name.endsWith('.eml') || name.endsWith('.msg');
}

/** The name shown for an attachment without a file name. */
export function attachmentLabel(a: OriginalAttachment, index: number): string {
  return a.filename ?? (a.contentType.startsWith('message/') ? `message-${index + 1}.eml` : `part-${index + 1}`);
}

/** The bodies of one message, labelled under a path prefix. */
export function bodiesOf(item: Pick<OriginalItem, 'text' | 'html'>, prefix: readonly string[]): FoundBody[] {
  const label = (kind: string) => [...prefix, kind].join('/');
  const out: FoundBody[] = [];
  if (item.text?.trim()) out.push({ label: label('text'), content: item.text });
  if (item.html?.trim()) out.push({ label: label('html'), content: item.html });
  return out;
}

/** Plain text of a message for reading (passwords): the text body, else the HTML as text. */
export function plainTextOf(item: Pick<OriginalItem, 'text' | 'html'>): string {
  return item.text?.trim() ? item.text : item.html ? htmlToPlain(item.html) : '';
}

export async function findFiles(item: OriginalItem, limits: UnwrapLimits = DEFAULT_UNWRAP_LIMITS): Promise<FoundFiles> {
  const files: FoundFile[] = [];
  const bodies: FoundBody[] = bodiesOf(item, []);
  const warnings: string[] = [];
  const notExamined: string[] = [];

  async function visit(attachments: readonly OriginalAttachment[], prefix: readonly string[], depth: number): Promise<void> {
    for (const [i, a] of attachments.entries()) {
      const name = attachmentLabel(a, i);
      const path = [...prefix, name];
      files.push({ content: a.content, role: 'attachment', declaredName: a.filename, declaredType: a.contentType, path, parentSha256: null });
      if (depth >= limits.maxDepth) {
        if (isMessage(a)) {
          const cut = `${path.join('/')}: message nested deeper than ${limits.maxDepth} levels not opened (unwrap maxDepth); its bodies and attachments were not analysed`;
          warnings.push(cut);
          notExamined.push(cut);
        }
        continue;
      }
      const nested = await messageInAttachment(a, limits);
      if (nested === null) continue;
      if (nested.kind === 'item') {
        bodies.push(...bodiesOf(nested.item, path));
        await visit(nested.item.attachments, path, depth + 1);
      } else {
        warnings.push(`${path.join('/')}: ${nested.kind === 'skipped' ? nested.warning : nested.message}`);
      }
    }
  }

  await visit(item.attachments, [], 0);
  return { files, bodies, warnings, notExamined };
}
