// A small exchange on the real SQLite store for the sharing tests: organisations of each tier,
// principals, submissions and their indicators, written through the store port.
import { createAuditAppender, type AuditAppender } from '../../../core/audit.ts';
import type { IndicatorInput, Store } from '../../../core/store/port.ts';
import type { ClassByKind, Organisation, Principal, Role, SharingClass, SubmissionStatus, Tier } from '../../../core/types.ts';
import type { Viewer } from '../../../sharing/viewer.ts';
import { orgInput, principalInput, submissionInput } from '../../contracts/store-fixtures.ts';
import { openTempSqlite, type TempSqlite } from '../../core/helpers/sqlite-temp.ts';

export const AUDIT_KEY = Buffer.alloc(32, 7);

export interface World {
  readonly temp: TempSqlite;
  readonly store: Store;
  readonly audit: AuditAppender;
  /** Test clock: advance with `tick`. */
  readonly clock: () => Date;
  tick(seconds?: number): void;
  addOrg(id: string, tier: Tier, opts?: { sector?: string; rulesAccepted?: boolean }): Promise<Organisation>;
  addPrincipal(id: string, orgId: string, roles: readonly Role[]): Promise<Principal>;
  viewer(principalId: string): Promise<Viewer>;
  /** A submission in `status` with these classes and indicators (all of its kinds at `classes`). */
  addSubmission(
    id: string,
    org: Organisation,
    submitter: Principal,
    classes: ClassByKind,
    indicators: readonly IndicatorInput[],
    status?: SubmissionStatus,
  ): Promise<string>;
  cleanup(): Promise<void>;
}

export function allClasses(cls: SharingClass): ClassByKind {
  return { sample: cls, mail: cls, network: cls, file: cls };
}

export async function openWorld(start = Date.UTC(2026, 2, 1, 9, 0, 0)): Promise<World> {
  const temp = await openTempSqlite();
  const store = temp.store;
  let now = start;
  const clock = () => new Date(now);
  const audit = createAuditAppender(store, clock, AUDIT_KEY);
  return {
    temp,
    store,
    audit,
    clock,
    tick: (seconds = 1) => void (now += seconds * 1000),
    addOrg: (id, tier, opts = {}) =>
      store.createOrganisation(
        orgInput(id, { tier, sector: opts.sector ?? `sector-${id}`, rulesAcceptedAt: opts.rulesAccepted === false ? null : clock().toISOString() }),
        clock().toISOString(),
      ),
    addPrincipal: (id, orgId, roles) => store.createPrincipal(principalInput(id, orgId, { roles }), clock().toISOString()),
    async viewer(principalId) {
      const principal = (await store.getPrincipal(principalId))!;
      return { principal, org: (await store.getOrganisation(principal.orgId))! };
    },
    async addSubmission(id, org, submitter, classes, indicators, status = 'awaiting-triage') {
      const at = clock().toISOString();
      await store.createSubmission(
        { ...submissionInput(id, { org, principal: submitter }), receivedAt: at, classes, classDecisions: [] },
        { id: `job-${id}`, type: 'analyse', submissionId: id, runAfter: at },
      );
      await store.upsertIndicators(id, org.id, at, indicators);
      if (status !== 'received') await store.updateSubmission(id, { status }, at);
      return id;
    },
    cleanup: () => temp.cleanup(),
  };
}

/** The council the sharing tests use: two participants, an observer, an affiliate and the secretariat. */
export async function addCouncilOrgs(w: World) {
  return {
    water: await w.addOrg('water', 'participant', { sector: 'water' }),
    rail: await w.addOrg('rail', 'participant', { sector: 'rail' }),
    observer: await w.addOrg('observer', 'observer', { sector: 'research' }),
    affiliate: await w.addOrg('affiliate', 'affiliate', { sector: 'vendor' }),
    secretariat: await w.addOrg('secretariat', 'participant', { sector: 'secretariat' }),
  };
}
