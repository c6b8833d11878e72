// Sightings: a participant reports that it saw an indicator in its own infrastructure. The count
// is shared under the class rules; who saw it never is (the organisation is kept for visibility
// only, and the audit log, which only the secretariat reads, names the reporting principal).
import type { AuditAppender } from '../core/audit.ts';
import type { Clock } from '../core/ids.ts';
import type { Store } from '../core/store/port.ts';
import type { SharingClass } from '../core/types.ts';
import { isRegistered } from './class-policy.ts';
import { narrowest } from '../core/class-order.ts';
import { readIndicator } from './feed.ts';
import type { Viewer } from './viewer.ts';

export interface SightingDeps {
  readonly store: Store;
  readonly audit: AuditAppender;
  readonly clock: Clock;
}

export interface SightingReport {
  readonly indicatorId: string;
  /** Times seen in this report; 1 when left out. */
  readonly count?: number;
  /** When it was seen; the report time when left out. */
  readonly seenAt?: string;
  /** Audience of the sighting; the indicator's class (as the reporter sees it) when left out. */
  readonly class?: SharingClass;
  /** A retried report with the same key is counted once. */
  readonly idempotencyKey?: string | null;
}

export type SightingOutcome =
  | { readonly kind: 'recorded'; readonly created: boolean; readonly class: SharingClass; readonly count: number }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-allowed' };

/**
 * Records a sighting of an indicator the reporter may see. Its class is never wider than the widest
 * class the reporter sees the indicator at: a participant that knows an indicator only from its
 * own RED submission cannot, by reporting a sighting, tell the AMBER audience that it exists.
 */
export async function reportSighting(deps: SightingDeps, viewer: Viewer, report: SightingReport): Promise<SightingOutcome> {
  if (!isRegistered(viewer) || viewer.org.tier !== 'participant') return { kind: 'not-allowed' };
  const view = await readIndicator(deps.store, viewer, report.indicatorId);
  if (!view) return { kind: 'not-found' };
  const cls = narrowest([report.class ?? view.class, view.class]);
  const now = deps.clock().toISOString();
  const count = report.count ?? 1;
  const { sighting, created } = await deps.store.addSighting(
    { indicatorId: view.id, orgId: viewer.org.id, class: cls, count, seenAt: report.seenAt ?? now, idempotencyKey: report.idempotencyKey ?? null },
    now,
  );
  await deps.audit({
    actor: viewer.principal.id,
    action: 'sighting.reported',
    target: view.id,
    data: { sightingId: sighting.id, class: sighting.class, count: sighting.count, created },
  });
  return { kind: 'recorded', created, class: sighting.class, count: sighting.count };
}
