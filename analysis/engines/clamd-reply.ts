// What clamd said, as an AvOutcome. Never "clean" unless clamd said OK.
//
// clamd reports "could not look" as pseudo-detections when AlertExceedsMax / AlertEncrypted are
// on (our configuration, .ci/clamd/start.sh): Heuristics.Limits.Exceeded.* (a size, recursion,
// file-count or time limit was hit) and Heuristics.Encrypted.* (an encrypted archive or document).
// They are recorded as not-scanned with clamd's name in the reason, not as infected: they say
// the content was not examined, not that malware was found. The archive stage opens encrypted
// zips with PPAP passwords and hands their members over to be scanned on their own.
import { safeForLog } from '../../core/logger.ts';
import type { AvOutcome } from '../types.ts';

export interface ClamdResult {
  readonly isInfected: boolean | null;
  readonly viruses: readonly string[];
  readonly resultString?: string;
}

const COULD_NOT_SCAN = /^Heuristics\.(Limits\.Exceeded|Encrypted)\./;

export function avOutcomeFromClamd(result: ClamdResult): AvOutcome {
  if (result.isInfected === false) return { kind: 'clean' };
  if (result.isInfected === true) {
    const names = result.viruses.map((v) => v.trim()).filter(Boolean);
    const detections = names.filter((n) => !COULD_NOT_SCAN.test(n));
    if (detections.length > 0) return { kind: 'infected', name: detections.join(', ') };
    if (names.length > 0) return { kind: 'not-scanned', reason: `clamd could not examine the content: ${names.join(', ')}`, transient: false };
    return { kind: 'infected', name: replyText(result.resultString) || 'unnamed clamd detection' };
  }
  return { kind: 'not-scanned', reason: `clamd gave no verdict: ${replyText(result.resultString) || 'empty reply'}`, transient: true };
}

/** clamd's reply for a reason string: NUL terminators dropped, control characters out, bounded. */
function replyText(reply: string | undefined): string {
  return safeForLog((reply ?? '').replace(/\0/g, ' ').trim());
}
