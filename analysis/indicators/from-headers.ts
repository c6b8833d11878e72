// Candidates from the original's header: sender addresses and their domains, the Message-ID
// domain, the mailer, the subject, and the attacker side of the Received chain (all kind `mail`).
import type { OriginalHeaders } from '../../core/mail/forward/types.ts';
import type { CandidateSet } from './collect.ts';
import { normalizeAddress, normalizeHost } from './normalize.ts';
import type { ReceivedCut } from './received.ts';

/** Flag on Received indicators when no trusted top of the chain was found (see received.ts). */
export const RECEIVED_NOT_CUT = 'received-chain-not-cut';

const MAX_TEXT_VALUE = 512;

/** A header text as an indicator value: control characters out, white space collapsed, bounded. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_TEXT_VALUE);
}

function addAddress(set: CandidateSet, text: string, field: string): void {
  const addr = normalizeAddress(text);
  if (!addr) return;
  set.add({ type: 'email-addr', value: addr.value, unicode: addr.unicode, kind: 'mail', origin: { field } });
  set.add({ type: 'domain-name', value: addr.domain.value, unicode: addr.domain.unicode, kind: 'mail', origin: { field: `${field}-domain` } });
}

/** Sender, Reply-To, Return-Path, Message-ID domain, mailer and subject. */
export function headerCandidates(set: CandidateSet, headers: OriginalHeaders): void {
  for (const a of headers.from) addAddress(set, a.address, 'from');
  for (const a of headers.sender) addAddress(set, a.address, 'sender');
  for (const a of headers.replyTo) addAddress(set, a.address, 'reply-to');
  if (headers.returnPath) addAddress(set, headers.returnPath, 'return-path');
  const msgIdDomain = /@([^@>\s]+)>?\s*$/.exec(headers.messageId ?? '')?.[1];
  const host = msgIdDomain ? normalizeHost(msgIdDomain) : null;
  if (host?.kind === 'domain') {
    set.add({ type: 'email-message-id-domain', value: host.value, unicode: host.unicode, kind: 'mail', origin: { field: 'message-id' } });
  }
  if (headers.mailer) set.add({ type: 'x-mailer', value: cleanText(headers.mailer), kind: 'mail', origin: { field: 'x-mailer' } });
  if (headers.subject) set.add({ type: 'email-subject', value: cleanText(headers.subject), kind: 'mail', origin: { field: 'subject' } });
}

/** Hosts and IPs of the attacker side of the Received chain. */
export function receivedCandidates(set: CandidateSet, cut: ReceivedCut): void {
  const warningLists = cut.entry === null ? [RECEIVED_NOT_CUT] : [];
  for (const node of cut.attackerSide) {
    for (const host of node.hosts) {
      const origin = { field: 'received', detail: host.role === 'by' ? `#${node.header} by` : `#${node.header} from (${host.role})` };
      set.add({ type: 'domain-name', value: host.value, unicode: host.unicode, kind: 'mail', origin, warningLists });
    }
    for (const ip of node.ips) {
      const origin = { field: 'received', detail: `#${node.header} ${node.part} (ip)` };
      set.add({ type: ip.kind === 'ipv4' ? 'ipv4-addr' : 'ipv6-addr', value: ip.value, kind: 'mail', origin, warningLists });
    }
  }
}
