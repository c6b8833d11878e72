// Role port: the audit log, an append-only hash chain (the chain logic lives in core/audit.ts).
import type { AuditEvent } from '../../types.ts';

export interface AuditStore {
  /**
   * Appends one event. `make` receives the current last event (or null) and returns the new one;
   * the adapter guarantees `make` sees the true last event (transaction or retry on seq conflict).
   */
  appendAudit(make: (prev: AuditEvent | null) => AuditEvent): Promise<AuditEvent>;
  listAudit(afterSeq: number, limit: number): Promise<readonly AuditEvent[]>;
  /** The head record (seq and hash of the last appended event), written with each append. */
  auditHead(): Promise<{ readonly seq: number; readonly hash: string } | null>;
}
