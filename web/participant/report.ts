// What a participant sees of one of its organisation's reports: status and class per kind, what is
// published from it at which class and to how many readers (principals and organisations able to
// read at that class, by the class policy), the sightings others reported that the viewer may see,
// and the wider classes an analyst proposed.
import type { DirectoryStore, IndicatorStore, SharingReadStore, Store, SubmissionStore } from '../../core/store/port.ts';
import { KINDS, type InfoKind, type SharingClass, type Submission } from '../../core/types.ts';
import { audienceOf, canSee } from '../../sharing/class-policy.ts';
import { triageState } from '../../sharing/triage/index.ts';
import type { Viewer } from '../../sharing/viewer.ts';

export interface PublishedAt {
  readonly kind: InfoKind;
  readonly class: SharingClass;
  readonly indicators: number;
  readonly principals: number;
  readonly orgs: number;
  readonly public: boolean;
}

export interface ReportView {
  readonly submission: Submission;
  readonly published: readonly PublishedAt[];
  readonly retracted: number;
  readonly sightings: { readonly reports: number; readonly count: number };
  readonly proposals: readonly { readonly kind: InfoKind; readonly class: SharingClass; readonly note: string }[];
}

/** Active principals and their organisations able to read what `orgId` shared at `cls`. */
export async function readersOf(
  store: Pick<Store, 'listPrincipals' | 'listOrganisations'>,
  orgId: string,
  cls: SharingClass,
): Promise<{ principals: number; orgs: number }> {
  const [principals, orgs] = await Promise.all([store.listPrincipals(), store.listOrganisations()]);
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const readers = principals.filter((p) => {
    const org = byId.get(p.orgId);
    return org !== undefined && canSee({ principal: p, org }, { orgId, class: cls });
  });
  return { principals: readers.length, orgs: new Set(readers.map((p) => p.orgId)).size };
}

/** The report as its own organisation sees it; null when it is not this viewer's organisation's. */
export async function loadReport(
  store: DirectoryStore & SubmissionStore & IndicatorStore & SharingReadStore,
  viewer: Viewer,
  submissionId: string,
): Promise<ReportView | null> {
  const submission = await store.getSubmission(submissionId);
  if (!submission || submission.orgId !== viewer.org.id) return null;
  const indicators = await store.listIndicatorsForSubmission(submission.id);
  const ids = indicators.map((i) => i.indicator.id);
  const [latest, sightings] = ids.length > 0 ? await Promise.all([store.latestPublications(ids), store.listSightings(ids)]) : [[], []];
  const own = latest.filter((e) => e.submissionId === submission.id);
  const groups = new Map<string, { kind: InfoKind; class: SharingClass; indicators: Set<string> }>();
  for (const e of own.filter((x) => x.action === 'publish')) {
    const key = `${e.kind}:${e.class}`;
    const g = groups.get(key) ?? { kind: e.kind, class: e.class, indicators: new Set<string>() };
    g.indicators.add(e.indicatorId);
    groups.set(key, g);
  }
  const published: PublishedAt[] = [];
  for (const g of [...groups.values()].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind))) {
    const readers = await readersOf(store, submission.orgId, g.class);
    published.push({ kind: g.kind, class: g.class, indicators: g.indicators.size, ...readers, public: audienceOf(g.class).public });
  }
  const visible = sightings.filter((s) => s.orgId !== viewer.org.id && canSee(viewer, s));
  const state = triageState(submission);
  return {
    submission,
    published,
    retracted: new Set(own.filter((e) => e.action === 'retract').map((e) => e.indicatorId)).size,
    sightings: { reports: visible.length, count: visible.reduce((n, s) => n + s.count, 0) },
    proposals: KINDS.flatMap((kind) => {
      const p = state.proposals[kind];
      return p ? [{ kind, class: p.class, note: p.note }] : [];
    }),
  };
}
