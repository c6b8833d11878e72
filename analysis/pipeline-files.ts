// Pipeline steps 4–5 and the samples: facts, YARA and AV for every file and decoded body, then
// each distinct file to the vault and a sample record. Scanners record; deciding is elsewhere.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AvResult, BodyScan } from '../core/analysis-record/index.ts';
import type { Store } from '../core/store/port.ts';
import type { Submission } from '../core/types.ts';
import { keepStored } from '../quarantine/keep-stored.ts';
import type { Vault } from '../quarantine/vault-port.ts';
import type { ExpandedFile } from './archives/index.ts';
import type { SubmissionBudget } from './budget.ts';
import { fileFacts } from './files/index.ts';
import type { AvScanner, FileAnalysis, YaraOutcome, YaraScanner } from './types.ts';

export interface Scanners {
  readonly yara: YaraScanner;
  /** null: no clamd configured ("AV not configured"). */
  readonly av: AvScanner | null;
}

/** A decoded body's scan results (bodies are not samples: they are part of the original); typed with the AnalysisRecord. */
export type { AvResult, BodyScan } from '../core/analysis-record/index.ts';

export interface AnalysedFile {
  readonly analysis: FileAnalysis;
  readonly content: Buffer;
  readonly warnings: readonly string[];
}

/** What a file or body left unscanned because the submission's budget was spent shows. */
export const OVER_BUDGET = 'not scanned: the analysis budget of this submission was spent';

async function scan(scanners: Scanners, content: Buffer, budget?: SubmissionBudget): Promise<{ yara: YaraOutcome; av: AvResult }> {
  if (budget && !budget.takeFile()) {
    return {
      yara: { kind: 'not-scanned', reason: OVER_BUDGET },
      av: scanners.av ? { kind: 'not-scanned', reason: OVER_BUDGET, transient: false } : { kind: 'not-configured' },
    };
  }
  const avStarted = performance.now();
  const [yara, av] = await Promise.all([
    scanners.yara.scan(content),
    scanners.av
      ? scanners.av.scan(content).finally(() => budget?.clamdTook(performance.now() - avStarted))
      : Promise.resolve({ kind: 'not-configured' } as const),
  ]);
  return { yara, av };
}

/**
 * Facts and scans of every file, one file at a time, giving the event loop a turn in between.
 * Once the budget is spent, files still get their facts (hashes, type) but no scans.
 */
export async function analyseFiles(
  expanded: readonly ExpandedFile[],
  scanners: Scanners,
  signal?: AbortSignal,
  budget?: SubmissionBudget,
): Promise<AnalysedFile[]> {
  const out: AnalysedFile[] = [];
  for (const e of expanded) {
    signal?.throwIfAborted();
    const { content, ...file } = e.file;
    const [facts, scans] = await Promise.all([fileFacts(e.file), scan(scanners, content, budget)]);
    out.push({ analysis: { file, facts, yara: scans.yara, av: scans.av, archive: e.archive }, content, warnings: e.warnings });
    await yieldToLoop();
  }
  return out;
}

/** Decoded bodies (as UTF-8), or the raw message when it could not be parsed. */
export async function scanBodies(
  bodies: readonly { readonly label: string; readonly content: string | Buffer }[],
  scanners: Scanners,
  signal?: AbortSignal,
  budget?: SubmissionBudget,
): Promise<BodyScan[]> {
  const out: BodyScan[] = [];
  for (const b of bodies) {
    signal?.throwIfAborted();
    const bytes = typeof b.content === 'string' ? Buffer.from(b.content, 'utf8') : b.content;
    if (bytes.length === 0) continue;
    out.push({ label: b.label, ...(await scan(scanners, bytes, budget)) });
  }
  return out;
}

/** Why this result cannot be final yet: an AV scan that failed transiently, or a YARA scan that did not run. */
export function retryReasons(label: string, r: { readonly yara: YaraOutcome; readonly av: AvResult }): string[] {
  const out: string[] = [];
  if (r.yara.kind === 'not-scanned') out.push(`${label}: YARA not scanned (${r.yara.reason})`);
  const av: AvResult = r.av;
  if (av.kind === 'not-scanned' && av.transient) out.push(`${label}: AV not scanned (${av.reason})`);
  return out;
}

export interface SampleDeps {
  readonly store: Store;
  readonly vault: Vault;
  readonly now: () => string;
}

/**
 * Each distinct file to the vault and one sample record (a blob is one sample per submission; a
 * file met again elsewhere, e.g. the same document attached and zipped, lists its other paths).
 */
export async function storeSamples(deps: SampleDeps, submission: Submission, files: readonly AnalysedFile[], signal?: AbortSignal): Promise<number> {
  const seen = new Map<string, { first: AnalysedFile; otherPaths: string[] }>();
  for (const f of files) {
    const entry = seen.get(f.analysis.facts.sha256);
    if (entry) entry.otherPaths.push(f.analysis.file.path.join('/'));
    else seen.set(f.analysis.facts.sha256, { first: f, otherPaths: [] });
  }
  for (const { first, otherPaths } of seen.values()) {
    signal?.throwIfAborted();
    const { analysis, content, warnings } = first;
    const stored = await deps.vault.put(content);
    await deps.store.putSample({
      submissionId: submission.id,
      sha256: analysis.facts.sha256,
      sha1: analysis.facts.sha1,
      md5: analysis.facts.md5,
      size: analysis.facts.size,
      role: analysis.file.role,
      declaredName: analysis.file.declaredName,
      declaredType: analysis.file.declaredType,
      detectedType: analysis.facts.detectedType,
      class: submission.classes.sample,
      storedAt: deps.now(),
      details: { ...analysis, ...(otherPaths.length ? { otherPaths } : {}), ...(warnings.length ? { warnings } : {}) },
    });
    await keepStored(deps.vault, [{ sha256: stored.sha256, content }]);
  }
  return seen.size;
}
