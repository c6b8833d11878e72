// Append-only audit log as a hash chain: each event carries the hash of the previous one, so an
// edited, removed or reordered event breaks the chain and `verifyAudit` finds it. The hash is an
// HMAC under the audit key from the secrets (not in the database), so someone who can write to the
// database cannot recompute a consistent chain; the store's head record finds a removed tail.
import { createHmac } from 'node:crypto';
import type { AuditEvent } from './types.ts';
import type { Store } from './store/port.ts';
import type { Clock } from './ids.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  readonly actor: string;
  readonly action: string;
  readonly target?: string | null;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Canonical JSON: object keys sorted at every depth, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashAuditEvent(e: Omit<AuditEvent, 'hash'>, key: Buffer): string {
  const body = canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, data: e.data });
  return createHmac('sha256', key).update(e.prevHash).update('\n').update(body).digest('hex');
}

export type AuditAppender = (input: AuditInput) => Promise<AuditEvent>;

export function createAuditAppender(store: Pick<Store, 'appendAudit'>, clock: Clock, key: Buffer): AuditAppender {
  return (input) =>
    store.appendAudit((prev) => {
      const draft = {
        seq: (prev?.seq ?? 0) + 1,
        at: clock().toISOString(),
        actor: input.actor,
        action: input.action,
        target: input.target ?? null,
        data: input.data ?? {},
        prevHash: prev?.hash ?? GENESIS_HASH,
      };
      return { ...draft, hash: hashAuditEvent(draft, key) };
    });
}

export type AuditProblem =
  | { readonly kind: 'hash-mismatch'; readonly seq: number }
  | { readonly kind: 'broken-link'; readonly seq: number }
  | { readonly kind: 'gap'; readonly expectedSeq: number; readonly foundSeq: number }
  | { readonly kind: 'head-mismatch'; readonly headSeq: number; readonly lastSeq: number };

export interface AuditVerification {
  readonly ok: boolean;
  readonly events: number;
  readonly lastHash: string;
  readonly problems: readonly AuditProblem[];
}

/**
 * Walks the whole chain. Finds edited events (hash mismatch), removed or inserted events (gap or
 * broken link), and a removed tail (the store's head record names a later event than the chain).
 */
export async function verifyAudit(store: Pick<Store, 'listAudit' | 'auditHead'>, key: Buffer, pageSize = 1000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await store.listAudit(after, pageSize);
    if (page.length === 0) break;
    for (const e of page) {
      count++;
      if (e.seq !== expectedSeq) problems.push({ kind: 'gap', expectedSeq, foundSeq: e.seq });
      if (e.prevHash !== prevHash) problems.push({ kind: 'broken-link', seq: e.seq });
      if (hashAuditEvent(e, key) !== e.hash) problems.push({ kind: 'hash-mismatch', seq: e.seq });
      prevHash = e.hash;
      expectedSeq = e.seq + 1;
      after = e.seq;
    }
  }
  const head = await store.auditHead();
  const lastSeq = expectedSeq - 1;
  if ((head?.seq ?? 0) !== lastSeq || (head && head.hash !== prevHash)) {
    problems.push({ kind: 'head-mismatch', headSeq: head?.seq ?? 0, lastSeq });
  }
  return { ok: problems.length === 0, events: count, lastHash: prevHash, problems };
}
