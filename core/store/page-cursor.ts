// Opaque cursor for newest-first paging of submissions, shared by every store adapter so a cursor
// means the same thing whichever backend serves the next page. It names the last item returned
// (receivedAt, id); the next page starts strictly after it in (receivedAt desc, id desc) order,
// so rows inserted between pages are neither skipped nor repeated.
import { C4Error } from '../errors.ts';

export interface SubmissionCursor {
  readonly receivedAt: string;
  readonly id: string;
}

export function encodeCursor(position: SubmissionCursor): string {
  return Buffer.from(JSON.stringify([position.receivedAt, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): SubmissionCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new C4Error('VALIDATION_FAILED', 'invalid page cursor', { cursor });
  }
  return { receivedAt: parsed[0], id: parsed[1] };
}
