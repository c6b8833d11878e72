// The identity of one digest message, derived from what it covers: the same subscription and
// range always give the same delivery id and Message-ID. A message resent after a crash between
// the relay's acceptance and the cursor write is therefore the same message to the recipient's
// mail client, which shows it once (clients dedupe on Message-ID).
import { createHash } from 'node:crypto';

export interface DigestRange {
  /** The cursor before (exclusive). */
  readonly fromSeq: number;
  /** The cursor after (inclusive). */
  readonly toSeq: number;
}

export function deliveryId(subscriptionId: string, range: DigestRange): string {
  const digest = createHash('sha256').update(`digest\u0000${subscriptionId}\u0000${range.fromSeq}\u0000${range.toSeq}`).digest('base64url');
  return `dd_${digest.slice(0, 24)}`;
}

export function digestMessageId(id: string, hostname: string): string {
  return `<${id}.digest@${hostname}>`;
}
