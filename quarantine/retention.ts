// Retention: purge quarantined blobs whose every reference is past its period, keep the sample
// records as tombstones (hashes, size, names, purgedAt) and audit each run.
//
// A blob is deleted from the vault before its records are marked purged: a crash in between
// leaves records the next run finds again (the delete then answers false and the marking
// completes), never a purged record whose blob is still on disk.
import type { AuditAppender } from '../core/audit.ts';
import type { Clock } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../core/store/port.ts';
import type { AuditEvent, Sample } from '../core/types.ts';
import { sweepOrphans, type OrphanSweepResult } from './orphans.ts';
import { expiresAt, type RetentionPolicy } from './retention-policy.ts';
import type { Vault } from './vault-port.ts';

export interface PurgeCandidate {
  readonly sha256: string;
  readonly size: number;
  /** Unpurged sample records that reference the blob. */
  readonly references: number;
  /** When the last of those references ran out. */
  readonly expiredAt: string;
}

export interface RetentionPlan {
  readonly at: string;
  readonly blobs: readonly PurgeCandidate[];
  readonly referencesScanned: number;
  readonly blobsScanned: number;
}

type RefStore = Pick<Store, 'listSampleRefs'>;
type RefCursor = { readonly sha256: string; readonly submissionId: string } | null;

const PAGE_SIZE = 500;

/** Unpurged references grouped by blob; the store pages on (sha256, submissionId), so a blob's references are adjacent. */
async function* referencesByBlob(store: RefStore, after: RefCursor = null, limit = PAGE_SIZE): AsyncGenerator<Sample[]> {
  let group: Sample[] = [];
  for (;;) {
    const page = await store.listSampleRefs({ unpurgedOnly: true, after, limit });
    for (const ref of page) {
      if (group.length > 0 && group[0]!.sha256 !== ref.sha256) {
        yield group;
        group = [];
      }
      group.push(ref);
    }
    const last = page[page.length - 1];
    if (!last || page.length < limit) break;
    after = { sha256: last.sha256, submissionId: last.submissionId };
  }
  if (group.length > 0) yield group;
}

/** The blob's references as they are now (empty when none is left unpurged). */
async function currentReferences(store: RefStore, sha256: string): Promise<Sample[]> {
  for await (const group of referencesByBlob(store, { sha256, submissionId: '' }, 50)) {
    return group[0]!.sha256 === sha256 ? group : [];
  }
  return [];
}

/** A candidate when every reference has expired at `now`; a reference with an unreadable date keeps the blob. */
export function judgeBlob(refs: readonly Sample[], policy: RetentionPolicy, now: Date): PurgeCandidate | null {
  const first = refs[0];
  if (!first) return null;
  let latest = -Infinity;
  for (const ref of refs) {
    const end = expiresAt(policy, ref.class, ref.storedAt).getTime();
    if (!(end <= now.getTime())) return null;
    latest = Math.max(latest, end);
  }
  return { sha256: first.sha256, size: first.size, references: refs.length, expiredAt: new Date(latest).toISOString() };
}

/** Every blob retention would purge at `now`. Reads only. */
export async function planRetention(store: RefStore, policy: RetentionPolicy, now: Date): Promise<RetentionPlan> {
  const blobs: PurgeCandidate[] = [];
  let referencesScanned = 0;
  let blobsScanned = 0;
  for await (const refs of referencesByBlob(store)) {
    referencesScanned += refs.length;
    blobsScanned++;
    const candidate = judgeBlob(refs, policy, now);
    if (candidate) blobs.push(candidate);
  }
  return { at: now.toISOString(), blobs, referencesScanned, blobsScanned };
}

export interface RetentionDeps {
  readonly store: Pick<Store, 'listSampleRefs' | 'markBlobPurged'>;
  readonly vault: Pick<Vault, 'deleteUnless' | 'list' | 'info'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly log: Pick<Logger, 'info' | 'warn'>;
  readonly policy: RetentionPolicy;
}

export interface RetentionOptions {
  /** Plan and audit `retention.planned`, delete nothing. */
  readonly dryRun: boolean;
  /** Who ran it, for the audit event (`system` for scheduled runs, `cli:<user>` from the CLI). */
  readonly actor?: string;
}

export interface RetentionResult {
  readonly dryRun: boolean;
  readonly plan: RetentionPlan;
  /** Blobs deleted and marked purged (empty for a dry run). */
  readonly purged: readonly string[];
  /** Planned blobs kept because a reference arrived after planning. */
  readonly kept: readonly string[];
  readonly failed: readonly { readonly sha256: string; readonly error: string }[];
  readonly referencesPurged: number;
  readonly bytesPurged: number;
  /** Blobs no record names (removed, or found for a dry run): see quarantine/orphans.ts. */
  readonly orphans: OrphanSweepResult['orphans'];
  readonly audit: AuditEvent;
}

export async function runRetention(deps: RetentionDeps, options: RetentionOptions): Promise<RetentionResult> {
  const now = deps.clock();
  const at = now.toISOString();
  const plan = await planRetention(deps.store, deps.policy, now);
  const purged: string[] = [];
  const kept: string[] = [];
  const failed: { sha256: string; error: string }[] = [];
  let referencesPurged = 0;
  let bytesPurged = 0;

  if (!options.dryRun) {
    for (const blob of plan.blobs) {
      try {
        // Looked at again once the blob is gone: a submission may have stored the same content since
        // the plan. If one did, the blob is written back; the submission checks the blob is there
        // after recording its reference (ingest/accept.ts), so one of the two always restores it.
        let judged: readonly Sample[] = [];
        const mayGo = async () => {
          judged = await currentReferences(deps.store, blob.sha256);
          return judgeBlob(judged, deps.policy, now) !== null;
        };
        const outcome = await deps.vault.deleteUnless(blob.sha256, mayGo);
        if (outcome === 'kept') {
          kept.push(blob.sha256);
          continue;
        }
        if (outcome === 'missing' && !(await mayGo())) {
          kept.push(blob.sha256);
          continue;
        }
        // Only the references judged expired: one recorded since stays live.
        referencesPurged += await deps.store.markBlobPurged(
          blob.sha256,
          at,
          judged.map((r) => r.submissionId),
        );
        bytesPurged += blob.size;
        purged.push(blob.sha256);
      } catch (err) {
        failed.push({ sha256: blob.sha256, error: (err as Error).message });
        deps.log.warn({ event: 'retention.purge_failed', sha256: blob.sha256, err }, 'could not purge blob');
      }
    }
  }

  const { orphans } = await sweepOrphans(deps, { dryRun: options.dryRun });
  const action = options.dryRun ? 'retention.planned' : 'retention.purged';
  const orphanCounts = { orphans: orphans.length, orphanBytes: sum(orphans.map((o) => o.size)) };
  const counts = options.dryRun
    ? { blobs: plan.blobs.length, references: sum(plan.blobs.map((b) => b.references)), bytes: sum(plan.blobs.map((b) => b.size)), ...orphanCounts }
    : { blobs: purged.length, references: referencesPurged, bytes: bytesPurged, kept: kept.length, failed: failed.length, ...orphanCounts };
  const audit = await deps.audit({
    actor: options.actor ?? 'system',
    action,
    data: {
      hashes: options.dryRun ? plan.blobs.map((b) => b.sha256) : purged,
      ...(orphans.length > 0 ? { orphanHashes: orphans.map((o) => o.sha256) } : {}),
      counts: { ...counts, referencesScanned: plan.referencesScanned, blobsScanned: plan.blobsScanned },
      sampleDays: deps.policy.sampleDays,
      ...(failed.length > 0 ? { failed } : {}),
    },
  });
  deps.log.info({ event: action, ...counts }, options.dryRun ? 'retention planned' : 'retention run finished');
  return { dryRun: options.dryRun, plan, purged, kept, failed, referencesPurged, bytesPurged, orphans, audit };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
