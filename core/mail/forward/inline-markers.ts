// Inline forwards in plain text: the separator line each mail client writes, the short header
// block that follows it, and the forwarded body. Pure text functions.
import addressparser from 'nodemailer/lib/addressparser';
import type { MailAddress } from './types.ts';

export type InlineForm = 'inline-outlook' | 'inline-gmail' | 'inline-thunderbird' | 'inline-ja';

export type InlineField = 'from' | 'date' | 'to' | 'cc' | 'subject' | 'replyTo';

export interface InlineForward {
  readonly form: InlineForm;
  /** Text above the separator (the submitter's note), trailing blank lines removed. */
  readonly note: string;
  /** Header values as written in the block. */
  readonly fields: Readonly<Partial<Record<InlineField, string>>>;
  /** The forwarded body below the header block. */
  readonly body: string;
}

// Label (after NFKC and lower-casing) → field; null for labels that belong to the block but are not kept.
const LABELS: Readonly<Record<string, InlineField | null>> = {
  from: 'from',
  差出人: 'from',
  送信者: 'from',
  sent: 'date',
  date: 'date',
  送信日時: 'date',
  送信日: 'date',
  日付: 'date',
  日時: 'date',
  to: 'to',
  宛先: 'to',
  cc: 'cc',
  subject: 'subject',
  件名: 'subject',
  'reply-to': 'replyTo',
  返信先: 'replyTo',
  bcc: null,
  importance: null,
  重要度: null,
  attachments: null,
  添付ファイル: null,
};

const JA_LABEL = /^(?:差出人|送信者|送信日時|送信日|日付|日時|宛先|件名|返信先|重要度|添付ファイル)$/;

type Separator = 'outlook' | 'gmail' | 'thunderbird' | 'ja' | 'underscore';

// Separator lines and header blocks are short; longer input is never one (and bounding it keeps
// the regular expressions below linear on hostile text).
const MAX_SEPARATOR_CHARS = 120;
const MAX_BLOCK_LINES = 40;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

function separatorOf(line: string): Separator | null {
  if (line.length > MAX_SEPARATOR_CHARS * 2) return null;
  // NFKC leaves ASCII as it is: most lines of a long body skip the normalisation.
  const t = (ASCII_ONLY.test(line) ? line : line.normalize('NFKC')).trim();
  // Every separator starts with a dash or an underscore (checked once normalised: fullwidth ones count).
  if (t.length > MAX_SEPARATOR_CHARS || (t[0] !== '-' && t[0] !== '_')) return null;
  if (t.length >= 10 && /^_+$/.test(t)) return 'underscore';
  // `----- words -----`, taken apart without a backtracking pattern.
  let head = 0;
  while (t[head] === '-') head++;
  let tail = t.length;
  while (tail > head && t[tail - 1] === '-') tail--;
  if (head < 2 || t.length - tail < 2) return null;
  const dashes = head;
  const words = t.slice(head, tail).trim();
  if (/^original message$/i.test(words)) return dashes === 5 ? 'outlook' : 'thunderbird';
  if (words === 'Forwarded message') return 'gmail';
  if (words === 'Forwarded Message') return 'thunderbird';
  if (/^forwarded message$/i.test(words)) return dashes >= 10 ? 'gmail' : 'thunderbird';
  if (words === '転送されたメッセージ' || words === '転送メッセージ' || words === '元のメッセージ') return 'ja';
  return null;
}

interface Block {
  readonly fields: Partial<Record<InlineField, string>>;
  readonly japanese: boolean;
  readonly firstLabel: InlineField | null;
  /** Index of the first line after the block. */
  readonly end: number;
}

function labelOf(line: string): { key: string; value: string } | null {
  const m = /^\s*\*?([^:：*]{1,24}?)\*?\s*[:：]\s?(.*)$/.exec(line);
  if (!m) return null;
  return { key: m[1]!.normalize('NFKC').trim().toLowerCase(), value: m[2]!.trim() };
}

/** Parse the header block starting at line `start` (a few blank lines may precede it). */
function parseBlock(lines: readonly string[], start: number): Block | null {
  let i = start;
  while (i < lines.length && i < start + 2 && lines[i]!.trim() === '') i++;
  const fields: Partial<Record<InlineField, string>> = {};
  let japanese = false;
  let firstLabel: InlineField | null = null;
  let last: InlineField | null = null;
  let count = 0;
  const limit = Math.min(lines.length, i + MAX_BLOCK_LINES);
  for (; i < limit; i++) {
    const line = lines[i]!;
    if (line.trim() === '') break;
    const label = labelOf(line);
    const field = label && label.key in LABELS ? LABELS[label.key] : undefined;
    if (label && field !== undefined) {
      count++;
      if (JA_LABEL.test(label.key)) japanese = true;
      if (field && fields[field] === undefined) fields[field] = label.value;
      if (field && firstLabel === null) firstLabel = field;
      last = field;
    } else if (count > 0 && (last === 'to' || last === 'cc' || /^[ \t]/.test(line))) {
      if (last) fields[last] = `${fields[last] ?? ''} ${line.trim()}`.trim();
    } else {
      break;
    }
  }
  if (fields.from === undefined || (fields.subject === undefined && fields.date === undefined)) return null;
  return { fields, japanese, firstLabel, end: i };
}

function formFor(sep: Separator | null, block: Block): InlineForm {
  if (sep === 'ja' || block.japanese) return 'inline-ja';
  if (sep === 'gmail') return 'inline-gmail';
  if (sep === 'thunderbird') return 'inline-thunderbird';
  return 'inline-outlook';
}

function joinTrimmed(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/^(?:[ \t]*\n)+/, '')
    .replace(/\s+$/, '');
}

/**
 * The first inline forward in `text`, or null. Recognised: Outlook ("-----Original Message-----",
 * a line of underscores, or a bare From/Sent/To/Subject block), Gmail ("---------- Forwarded
 * message ---------"), Thunderbird ("-------- Forwarded Message --------" / "-------- Original
 * Message --------" with its header table) and their Japanese versions (差出人/送信日時/宛先/件名,
 * "転送されたメッセージ", "転送メッセージ").
 */
export function findInlineForward(text: string): InlineForward | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.length === 0) continue;
    const sep = separatorOf(lines[i]!);
    let block: Block | null = null;
    let noteEnd = i;
    if (sep) {
      block = parseBlock(lines, i + 1);
    } else if (i === 0 || lines[i - 1]!.trim() === '') {
      // A bare Outlook block: From + Sent + Subject with no separator line above it.
      const bare = labelOf(lines[i]!) ? parseBlock(lines, i) : null;
      const sentLabel = bare ? /^\s*\*?(?:sent|送信日時)\*?\s*[:：]/im.test(lines.slice(i, bare.end).join('\n')) : false;
      if (bare && bare.firstLabel === 'from' && sentLabel && bare.fields.subject !== undefined) block = bare;
      noteEnd = i;
    }
    if (!block) continue;
    return {
      form: formFor(sep, block),
      note: joinTrimmed(lines.slice(0, noteEnd)),
      fields: block.fields,
      body: joinTrimmed(lines.slice(block.end)),
    };
  }
  return null;
}

/** Addresses from an inline header value: `Name <a@b>`, Outlook's `Name [mailto:a@b]`, or a bare name. */
export function parseInlineAddresses(value: string | undefined): MailAddress[] {
  if (!value) return [];
  const cleaned = value.replace(/\[mailto:([^\]\s]+)\]/gi, '<$1>');
  return addressparser(cleaned, { flatten: true }).map((a) =>
    a.address.includes('@') ? { name: a.name, address: a.address } : { name: a.name || a.address, address: '' },
  );
}
