// SMTP replies of the ingest server: errors carrying a reply code for smtp-server, and the text of
// the 250 that names the submissions.
import { ERROR_MAP, isC4Error, type ErrorCode } from '../core/errors.ts';
import type { AcceptResult, AcceptedSubmission } from './accept.ts';
import { classesText } from './class-resend.ts';

export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function smtpError(code: number, message: string): SmtpReplyError {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Errors at DATA that are the message's fault and would fail the same way on retry. */
const PERMANENT_AT_DATA: ReadonlySet<ErrorCode> = new Set(['MALFORMED_MESSAGE', 'MESSAGE_TOO_LARGE']);

/**
 * Reply code when accepting a message failed: a temporary code (451 unless the error's own code is
 * 4xx) for everything, store and vault failures and unexpected errors alike, so the sender keeps
 * the message and retries; 5xx only for errors that are the message's own.
 */
export function replyCodeForFailure(err: unknown): number {
  if (!isC4Error(err)) return 451;
  const mapped = ERROR_MAP[err.code].smtp;
  if (mapped >= 400 && mapped < 500) return mapped;
  return PERMANENT_AT_DATA.has(err.code) ? mapped : 451;
}

/** " under class AMBER; class GREEN not applied, see receipt" for a resend that asked for another class. */
function notAppliedText(s: AcceptedSubmission): string {
  const n = s.classNotApplied;
  return n ? ` under class ${classesText(n.current)}; class ${classesText(n.requested)} not applied, see receipt` : '';
}

/**
 * "Accepted as submission sub_…", "Already received as submission sub_…" (naming the class kept
 * when the message asked for another one), or a list for several items.
 */
export function acceptedText(result: AcceptResult): string {
  const items = result.submissions;
  if (items.length === 1) {
    const only = items[0]!;
    return only.duplicate ? `Already received as submission ${only.id}${notAppliedText(only)}` : `Accepted as submission ${only.id}`;
  }
  const parts = items.map((s) => (s.duplicate ? `${s.id} (already received${s.classNotApplied ? ', class not applied, see receipt' : ''})` : s.id));
  return `Accepted as submissions ${parts.join(', ')}`;
}
