// Candidate indicators of one original message. Pure: no DNS, no fetching, no store.
//
//   const { candidates, received } = extractIndicators({
//     item,                      // OriginalItem from core/mail/forward (headers, text, html, attachments)
//     files,                     // FileAnalysis[] of its attachments and archive members
//     memberContents,            // optional: contents of archive members to look for URLs in
//     infrastructure,            // infrastructureOf(ctx) (analysis/sanitize): where Received is cut
//   });
//   candidates: CandidateIndicator[]   typed like STIX observables, normalised, deduplicated by
//                                       (type, value, kind) with every origin; NOT yet sanitized:
//                                       always pass them through sanitize() (analysis/sanitize)
//   received: ReceivedCut               where the Received chain was cut (for the console)
//
// Kinds: `mail` for sender addresses and domains, Message-ID domain, mailer, subject and the
// attacker side of the Received chain; `network` for URLs (text, HTML href/src/…, attachments),
// their hosts and addresses written in the content; `file` for hashes, names, YARA and AV names.
// The forwarding note is never read here: only the original item is.
//
// Junk is left out here, where candidates are made: a URL host, domain, address domain or
// Message-ID domain (Received hosts included) without a real public suffix is no candidate
// (public-suffix.ts); attachments shown inline by `cid:` with an image type are flagged
// `inline-image` (inline-images.ts). normalizeHost itself stays PSL-free: the Received parser and
// the infrastructure matcher use it on names that are not candidates.
import type { OriginalHeaders } from '../../core/mail/forward/types.ts';
import type { CandidateIndicator, FileAnalysis } from '../types.ts';
import { CandidateSet } from './collect.ts';
import { fileCandidates, htmlCandidates, textCandidates } from './from-content.ts';
import { fileAnalysisCandidates } from './from-files.ts';
import { headerCandidates, receivedCandidates } from './from-headers.ts';
import { domainMatcher, networkMatcher } from './host-match.ts';
import { inlineImageHashes } from './inline-images.ts';
import { candidateHasPublicSuffix } from './public-suffix.ts';
import { cutReceivedChain, type ReceivedCut } from './received.ts';

export interface ExtractInput {
  readonly item: {
    readonly headers: OriginalHeaders;
    readonly text: string | null;
    readonly html: string | null;
    readonly attachments: readonly {
      readonly filename: string | null;
      readonly contentType: string;
      readonly contentId?: string | null;
      readonly content: Buffer;
    }[];
  };
  readonly files: readonly FileAnalysis[];
  /** Contents of archive members (attachments are read from `item`), to look for URLs in. */
  readonly memberContents?: readonly { readonly name: string | null; readonly content: Buffer }[];
  /** Registered domains and networks of every organisation and of the exchange, and recipients' domains. */
  readonly infrastructure: {
    readonly domains: readonly string[];
    readonly networks: readonly string[];
    /** The warning list naming a host or IP as a known mail provider's (Received hops), or null. */
    readonly provider?: (hostOrIp: string) => string | null;
  };
}

export interface Extracted {
  readonly candidates: readonly CandidateIndicator[];
  readonly received: ReceivedCut;
}

export function extractIndicators(input: ExtractInput): Extracted {
  const set = new CandidateSet();
  const { headers, text, html, attachments } = input.item;
  headerCandidates(set, headers);
  const received = cutReceivedChain(headers.received, {
    domains: domainMatcher(input.infrastructure.domains),
    networks: networkMatcher(input.infrastructure.networks),
    ...(input.infrastructure.provider ? { provider: input.infrastructure.provider } : {}),
  });
  receivedCandidates(set, received);
  if (text) textCandidates(set, text, 'text');
  if (html) htmlCandidates(set, html, 'html');
  for (const a of attachments) fileCandidates(set, { name: a.filename, contentType: a.contentType, content: a.content });
  for (const m of input.memberContents ?? []) fileCandidates(set, { name: m.name, content: m.content });
  fileAnalysisCandidates(set, input.files, inlineImageHashes(input.item));
  return { candidates: set.list().filter(candidateHasPublicSuffix), received };
}

export { mergeCandidates } from './collect.ts';
export { RECEIVED_NOT_CUT } from './from-headers.ts';
export { domainMatcher, networkMatcher, type DomainMatcher, type NetworkMatcher } from './host-match.ts';
export { INLINE_IMAGE_LIST, inlineImageIds } from './inline-images.ts';
export { hasPublicSuffix } from './public-suffix.ts';
export { findLookAlikes, skeleton, type LookAlike, type LookAlikeTechnique, type RegisteredDomain } from './look-alike.ts';
export { normalizeAddress, normalizeHost, normalizeIp, refang } from './normalize.ts';
export type { HopNode, ReceivedCut } from './received.ts';
export { canonicalUrl, findUrls } from './url.ts';
