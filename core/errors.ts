// One catalogue of error codes, each mapped to its HTTP status and SMTP reply.
// Adding a code without its mapping fails to compile (the Record is over every key).

export const ERROR_CODES = [
  'CONFIG_INVALID',
  'NOT_FOUND',
  'CONFLICT',
  'ILLEGAL_TRANSITION',
  'VICTIM_CHECK_REQUIRED',
  'VICTIM_CHECK_CHANGED',
  'WIDENING_NEEDS_CONSENT',
  'ALREADY_ASSIGNED',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_ACCEPTABLE',
  'RATE_LIMITED',
  'STORE_UNAVAILABLE',
  'STORE_CORRUPT',
  'SCHEMA_TOO_NEW',
  'VAULT_UNAVAILABLE',
  'VAULT_TAMPERED',
  'VAULT_KEY_UNKNOWN',
  'VAULT_BAD_KEY',
  'VAULT_NOT_FOUND',
  'VAULT_PURGED',
  'MESSAGE_TOO_LARGE',
  'TOO_MANY_RECIPIENTS',
  'SENDER_NOT_ALLOWED',
  'INSUFFICIENT_STORAGE',
  'MALFORMED_MESSAGE',
  'AUDIT_CHAIN_BROKEN',
  'DIGEST_ZIP_PASSWORD_MISSING',
  'DIGEST_CLASS_VIOLATION',
  'MAIL_RELAY_FAILED',
  'CLAMAV_UNAVAILABLE',
  'CLAMAV_STREAM_TOO_LARGE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

interface CodeMapping {
  readonly http: number;
  /** SMTP reply code used when this error ends an SMTP transaction. */
  readonly smtp: number;
  readonly title: string;
}

export const ERROR_MAP: Readonly<Record<ErrorCode, CodeMapping>> = {
  CONFIG_INVALID: { http: 500, smtp: 421, title: 'Configuration is invalid' },
  NOT_FOUND: { http: 404, smtp: 550, title: 'Not found' },
  CONFLICT: { http: 409, smtp: 550, title: 'Conflict' },
  ILLEGAL_TRANSITION: { http: 409, smtp: 550, title: 'This triage step is not allowed in the submission’s current state' },
  VICTIM_CHECK_REQUIRED: { http: 409, smtp: 550, title: 'What would be published may name the victim: acknowledge the victim check first' },
  VICTIM_CHECK_CHANGED: { http: 409, smtp: 550, title: 'The victim check’s findings changed since they were shown' },
  WIDENING_NEEDS_CONSENT: { http: 409, smtp: 550, title: 'Widening beyond the submitter’s choice needs the submitter’s recorded consent' },
  ALREADY_ASSIGNED: { http: 409, smtp: 550, title: 'Another analyst has taken this submission' },
  VALIDATION_FAILED: { http: 400, smtp: 501, title: 'Validation failed' },
  UNAUTHENTICATED: { http: 401, smtp: 535, title: 'Authentication required or failed' },
  FORBIDDEN: { http: 403, smtp: 550, title: 'Forbidden' },
  NOT_ACCEPTABLE: { http: 406, smtp: 550, title: 'Requested representation is not available' },
  RATE_LIMITED: { http: 429, smtp: 421, title: 'Too many requests' },
  STORE_UNAVAILABLE: { http: 503, smtp: 451, title: 'Store unavailable' },
  STORE_CORRUPT: { http: 500, smtp: 451, title: 'Store is corrupt' },
  SCHEMA_TOO_NEW: { http: 500, smtp: 421, title: 'Database schema is newer than this program' },
  VAULT_UNAVAILABLE: { http: 503, smtp: 451, title: 'Quarantine vault unavailable' },
  VAULT_TAMPERED: { http: 500, smtp: 451, title: 'Quarantined blob failed its integrity check' },
  VAULT_KEY_UNKNOWN: { http: 500, smtp: 451, title: 'Quarantined blob is encrypted under an unknown key' },
  VAULT_BAD_KEY: { http: 400, smtp: 451, title: 'Blob key is not a SHA-256 hex digest' },
  VAULT_NOT_FOUND: { http: 404, smtp: 451, title: 'Blob not in the vault' },
  VAULT_PURGED: { http: 410, smtp: 451, title: 'Blob was purged by retention' },
  MESSAGE_TOO_LARGE: { http: 413, smtp: 552, title: 'Message exceeds the size limit' },
  TOO_MANY_RECIPIENTS: { http: 400, smtp: 452, title: 'Too many recipients' },
  SENDER_NOT_ALLOWED: { http: 403, smtp: 553, title: 'Sender address not allowed for this principal' },
  INSUFFICIENT_STORAGE: { http: 507, smtp: 452, title: 'Insufficient storage' },
  MALFORMED_MESSAGE: { http: 400, smtp: 554, title: 'Malformed message' },
  AUDIT_CHAIN_BROKEN: { http: 500, smtp: 451, title: 'Audit chain is broken' },
  CLAMAV_UNAVAILABLE: { http: 503, smtp: 451, title: 'clamd unavailable or gave no verdict' },
  CLAMAV_STREAM_TOO_LARGE: { http: 413, smtp: 552, title: "File is over clamd's stream size limit" },
  DIGEST_ZIP_PASSWORD_MISSING: { http: 422, smtp: 550, title: 'Recipient wants zipped digest attachments but has no zip password' },
  DIGEST_CLASS_VIOLATION: { http: 500, smtp: 451, title: 'Digest would carry information of a class it may not carry' },
  MAIL_RELAY_FAILED: { http: 502, smtp: 451, title: 'The outbound mail relay did not accept the message' },
  INTERNAL: { http: 500, smtp: 451, title: 'Internal error' },
};

export class C4Error extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'C4Error';
    this.code = code;
    this.details = details;
  }
}

export function isC4Error(err: unknown, code?: ErrorCode): err is C4Error {
  return err instanceof C4Error && (code === undefined || err.code === code);
}

/** The error as a C4Error: unknown errors become INTERNAL, keeping the original as cause. */
export function toC4Error(err: unknown): C4Error {
  if (err instanceof C4Error) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new C4Error('INTERNAL', message, {}, { cause: err });
}

/** Problem-details type URI for a code (RFC 9457). */
export function problemType(code: ErrorCode): string {
  return `urn:c4tap:error:${code.toLowerCase().replace(/_/g, '-')}`;
}
