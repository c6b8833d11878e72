// The facts a notice tells, read from the store: the analysis summary's counts (never its
// correlations with other reports) and what of this report's own indicator sources is published
// now, at which class (its own publication entries only; other reports of the same indicator and
// anything derived from them stay out).
import type { Store } from '../../core/store/port.ts';
import { VERDICTS, type Submission, type Verdict } from '../../core/types.ts';
import type { AnalysisFacts, PublishedFacts, PublishedIndicator } from './render.ts';

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function detected(file: Record<string, unknown>): boolean {
  const yara = record(file['yara']);
  const av = record(file['av']);
  return (yara['kind'] === 'scanned' && list(yara['matches']).length > 0) || av['kind'] === 'infected';
}

/** Counts and verdict suggestion from details.analysis (analysis/pipeline.ts AnalysisSummary). */
export function analysisFacts(submission: Submission): AnalysisFacts {
  const summary = record(submission.details['analysis']);
  const files = list(summary['files']).map(record);
  const suggested = record(summary['verdict'])['verdict'];
  return {
    verdict: VERDICTS.find((v) => v === suggested) ?? 'unknown',
    files: files.length,
    detected: files.filter(detected).length,
    indicators: count(summary['indicators']),
    incomplete: list(summary['incomplete']).length,
    avNotConfigured: files.some((f) => record(f['av'])['kind'] === 'not-configured'),
  };
}

/** This report's indicators whose latest entry for this report is a publish, at that class. */
export async function publishedFacts(store: Pick<Store, 'listIndicatorsForSubmission' | 'latestPublications'>, submissionId: string): Promise<PublishedFacts> {
  const items = await store.listIndicatorsForSubmission(submissionId);
  const own = items.filter((i) => i.sources.some((s) => s.submissionId === submissionId));
  const latest = (await store.latestPublications(own.map((i) => i.indicator.id))).filter((e) => e.submissionId === submissionId);
  const byIndicator = new Map(latest.map((e) => [e.indicatorId, e]));
  const published: PublishedIndicator[] = [];
  for (const { indicator } of own) {
    const entry = byIndicator.get(indicator.id);
    if (entry?.action === 'publish') published.push({ type: indicator.type, value: indicator.value, class: entry.class });
  }
  return { published, notPublished: own.length - published.length };
}
