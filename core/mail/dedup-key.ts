// The duplicate key of a submission, computed by ingest when it accepts a forward and by analysis
// to find the same original again among the forward's items.
import { createHash } from 'node:crypto';

/**
 * Duplicate key of an original: its Message-ID and the SHA-256 of its bytes. The store keeps one
 * submission per (organisation, key), so the same message delivered again (an SMTP retry, or the
 * same original forwarded twice) names the first submission.
 */
export function dedupKey(messageId: string | null, contentSha256: string): string {
  return createHash('sha256')
    .update(`${(messageId ?? '').trim().toLowerCase()}\n${contentSha256}`)
    .digest('hex');
}
