// What clamd said about one INSTREAM, as an AvOutcome. Never "clean" unless clamd said OK.
//
// The reply is the text after the session's "<id>: " prefix, NUL terminator dropped:
//   "stream: OK"                              clean
//   "stream: <signature> FOUND"               infected(signature)
//   "INSTREAM size limit exceeded. ERROR"     over clamd's StreamMaxLength: CLAMAV_STREAM_TOO_LARGE,
//                                             not retried (the same file would be refused again)
//   anything else ("… ERROR", "UNKNOWN COMMAND", "COMMAND READ TIMED OUT", …): no verdict,
//                                             transient, CLAMAV_UNAVAILABLE
//
// clamd reports "could not look" as pseudo-detections when AlertExceedsMax / AlertEncrypted are
// on (our configuration, .ci/clamd/start.sh): Heuristics.Limits.Exceeded.* (a size, recursion,
// file-count or time limit was hit) and Heuristics.Encrypted.* (an encrypted archive or document).
// They are recorded as not-scanned with clamd's name in the reason, not as infected: they say
// the content was not examined, not that malware was found. The archive stage opens encrypted
// zips with PPAP passwords and hands their members over to be scanned on their own.
import { safeForLog } from '../../core/logger.ts';
import type { AvOutcome } from '../types.ts';

const COULD_NOT_SCAN = /^Heuristics\.(Limits\.Exceeded|Encrypted)\./;
const OK = /^stream: OK$/;
const FOUND = /^stream: (.+) FOUND$/;
const TOO_LARGE = /INSTREAM size limit exceeded/i;

export function avOutcomeFromClamd(reply: string): AvOutcome {
  const text = reply.replace(/\0/g, ' ').trim();
  if (OK.test(text)) return { kind: 'clean' };
  const found = FOUND.exec(text);
  if (found) {
    const name = found[1]!.trim();
    if (COULD_NOT_SCAN.test(name)) return { kind: 'not-scanned', reason: `clamd could not examine the content: ${safeForLog(name)}`, transient: false };
    return { kind: 'infected', name: safeForLog(name) };
  }
  if (TOO_LARGE.test(text)) {
    return {
      kind: 'not-scanned',
      reason: 'clamd refused the stream as over its StreamMaxLength: set clamd.maxStreamBytes below it',
      transient: false,
      code: 'CLAMAV_STREAM_TOO_LARGE',
    };
  }
  return { kind: 'not-scanned', reason: `clamd gave no verdict: ${safeForLog(text) || 'empty reply'}`, transient: true, code: 'CLAMAV_UNAVAILABLE' };
}

/** True when the reply is a verdict (clean, or a named detection): the session can be reused. */
export function isVerdict(reply: string): boolean {
  const text = reply.replace(/\0/g, ' ').trim();
  return OK.test(text) || FOUND.test(text);
}
