// Records produced by unwrapForward: the forwarding note and the original suspicious message(s).
// Everything here is RED-level data: the note, recipients and wrapper are never published.

/** How the original was found in the received message. */
export const FORWARD_FORMS = ['rfc822', 'eml', 'msg', 'inline-outlook', 'inline-gmail', 'inline-thunderbird', 'inline-ja', 'none'] as const;
export type ForwardForm = (typeof FORWARD_FORMS)[number];

export interface MailAddress {
  /** Display name, decoded; '' when absent. */
  readonly name: string;
  /** Address as written; '' when the form only kept a display name (some Outlook forwards). */
  readonly address: string;
}

export interface RawHeader {
  /** Lower-case field name. */
  readonly name: string;
  /** Unfolded value as written (encoded-words not decoded). */
  readonly value: string;
}

export interface OriginalHeaders {
  readonly from: readonly MailAddress[];
  readonly sender: readonly MailAddress[];
  readonly replyTo: readonly MailAddress[];
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly subject: string | null;
  /** ISO 8601 when the date carries a zone and parses; null otherwise (see dateText). */
  readonly date: string | null;
  /** The date as written. */
  readonly dateText: string | null;
  /** With angle brackets, e.g. `<abc@example.com>`; null when absent or not kept by the form. */
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly returnPath: string | null;
  /** Received fields, top (last hop) first, as written. */
  readonly received: readonly string[];
  /** X-Mailer, else User-Agent. */
  readonly mailer: string | null;
  /** Every header field in order (empty for inline forwards, which keep only a few). */
  readonly raw: readonly RawHeader[];
}

export interface OriginalAttachment {
  readonly filename: string | null;
  readonly contentType: string;
  readonly disposition: 'attachment' | 'inline';
  readonly contentId: string | null;
  /** Decoded content, byte-exact. */
  readonly content: Buffer;
}

/** Where an item's raw bytes come from. */
export type RawSource = 'message' | 'rfc822' | 'eml' | 'msg' | 'reconstructed';

export interface OriginalItem {
  /** How this item was found; for nested forwards, the innermost form. */
  readonly form: ForwardForm;
  /** Forms followed from the received message to this item, outermost first ([] when form is 'none'). */
  readonly path: readonly ForwardForm[];
  /**
   * Raw bytes of the original: the received message itself ('message'), the message/rfc822 part
   * ('rfc822'), the attached .eml ('eml'), the attached Outlook .msg file ('msg', not RFC 5322), or
   * an RFC 5322 message rebuilt from an inline forward ('reconstructed', marked with an
   * `X-C4TAP-Reconstructed` header and without invented Message-ID or Date).
   */
  readonly raw: Buffer;
  readonly rawSource: RawSource;
  readonly headers: OriginalHeaders;
  readonly text: string | null;
  readonly html: string | null;
  readonly attachments: readonly OriginalAttachment[];
}

/** A few fields of the received (forwarding) message itself. */
export interface OuterInfo {
  readonly subject: string | null;
  readonly from: readonly MailAddress[];
  /** Recipients of the forward (the drop address, colleagues in Cc): never published. */
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly messageId: string | null;
  readonly date: string | null;
}

export interface Unwrapped {
  readonly kind: 'unwrapped';
  /** Form of the first item (all items of one message usually share it). */
  readonly form: ForwardForm;
  /**
   * Text the submitter wrote above or around the forwarded original; '' when they wrote nothing;
   * null when no forward was recognised (the received message is the original). Never published.
   */
  readonly note: string | null;
  /** Notes of intermediate forwards inside the first one (e.g. an employee's "is this phishing?"). */
  readonly innerNotes: readonly string[];
  readonly outer: OuterInfo;
  /** At least one. */
  readonly items: readonly OriginalItem[];
  /** Things an analyst should know (an attachment that could not be read, a Japanese fix applied). */
  readonly warnings: readonly string[];
}

export type UnwrapFailureReason = 'too-deep' | 'too-many-parts' | 'header-too-large' | 'too-many-items' | 'malformed';

export interface UnwrapFailure {
  readonly kind: 'failed';
  readonly reason: UnwrapFailureReason;
  readonly message: string;
}

export type UnwrapResult = Unwrapped | UnwrapFailure;

export interface UnwrapLimits {
  /** Forward levels followed: 1 = only the received message's own forward. */
  readonly maxDepth: number;
  /** MIME parts (nodes) per parsed message. */
  readonly maxParts: number;
  /** Header bytes per MIME part. */
  readonly maxHeaderBytes: number;
  /** Originals taken from one message (attached messages). */
  readonly maxItems: number;
}

export const DEFAULT_UNWRAP_LIMITS: UnwrapLimits = Object.freeze({
  maxDepth: 3,
  maxParts: 500,
  maxHeaderBytes: 256 * 1024,
  maxItems: 20,
});

export interface UnwrapOptions {
  /**
   * Domains of the submitting organisation (lower-case; subdomains match). A forward nested inside
   * the first one is followed only when its sender is in one of these or in the received message's
   * sender domain, so a phishing mail dressed up as "FW:" with a fake quoted thread is not taken
   * for a wrapper. When given and the received message's own sender is outside them (a redirected
   * original keeps the attacker's From), inline markers in it are not taken for a forward either;
   * attached messages still are. Absent or empty: no such check.
   */
  readonly internalDomains?: readonly string[];
}
