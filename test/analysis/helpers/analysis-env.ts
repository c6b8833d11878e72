// A data directory with one participant and submitter (test/ingest/helpers), the composition
// root's context (SQLite store, filesystem vault), forwards accepted through the real accept
// pipeline, and the analysis pipeline's dependencies with the real YARA-X engine over the
// project's rules. AV is `null` (not configured) unless a test points it at a clamd.
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../../../core/logger.ts';
import type { Clock } from '../../../core/ids.ts';
import type { Envelope, Submission } from '../../../core/types.ts';
import { openContext, type AppContext } from '../../../bin/context.ts';
import { acceptMessage } from '../../../ingest/accept.ts';
import { createYaraScanner } from '../../../analysis/engines/yara.ts';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../../../analysis/archives/index.ts';
import type { PipelineDeps } from '../../../analysis/pipeline.ts';
import { exchangeIdentity, loadAnalysisPolicies, type AnalysisPolicies } from '../../../analysis/pipeline-indicators.ts';
import type { AvScanner, YaraScanner } from '../../../analysis/types.ts';
import { DROP, SENDER, prepareDataDir, type PreparedDataDir } from '../../ingest/helpers/smtp-env.ts';

export const POLICIES_DIR = fileURLToPath(new URL('../../../policies/', import.meta.url));
export const RULES_DIR = fileURLToPath(new URL('../../../policies/yara/', import.meta.url));

/** The project's policies (warning lists, sanitization rules) and the test exchange's identity. */
export function indicatorDeps(): { policies: AnalysisPolicies; exchange: ReturnType<typeof exchangeIdentity> } {
  return { policies: loadAnalysisPolicies(POLICIES_DIR), exchange: exchangeIdentity({ dropAddress: DROP, hostname: 'localhost' }) };
}
export const ENVELOPE: Envelope = { mailFrom: SENDER, rcptTo: [DROP], remoteAddress: '127.0.0.1', heloName: 'test', transport: 'import' };

export interface AnalysisEnv {
  readonly data: PreparedDataDir;
  readonly ctx: AppContext;
  readonly yara: YaraScanner;
  /** Accepts a raw forward as the test submitter; returns its submissions. */
  accept(raw: Buffer): Promise<Submission[]>;
  deps(overrides?: { readonly av?: AvScanner | null; readonly yara?: YaraScanner; readonly limits?: Partial<ArchiveLimits> }): PipelineDeps;
  close(): Promise<void>;
}

export async function rulesScanner(log: Logger, rulesDir = RULES_DIR): Promise<YaraScanner> {
  return createYaraScanner({ rulesDir, log, checkIntervalMs: 60_000 });
}

export async function startAnalysisEnv(options: { readonly clock?: Clock; readonly log?: Logger } = {}): Promise<AnalysisEnv> {
  const data = await prepareDataDir();
  const log = options.log ?? createLogger({ level: 'silent' });
  const ctx = await openContext(data.config, { log, defaultMetrics: false, ...(options.clock ? { clock: options.clock } : {}) });
  const yara = await rulesScanner(log);
  const indicators = indicatorDeps();
  return {
    data,
    ctx,
    yara,
    async accept(raw) {
      const result = await acceptMessage(
        { store: ctx.store, vault: ctx.vault, clock: ctx.clock, newId: ctx.newId, log, dropAddress: DROP },
        { principal: data.submitter.principal, envelope: ENVELOPE, raw },
      );
      return Promise.all(result.submissions.map(async (s) => (await ctx.store.getSubmission(s.id))!));
    },
    deps(overrides = {}) {
      return {
        store: ctx.store,
        vault: ctx.vault,
        clock: ctx.clock,
        log,
        yara: overrides.yara ?? yara,
        av: overrides.av === undefined ? null : overrides.av,
        limits: { ...DEFAULT_ARCHIVE_LIMITS, ...overrides.limits },
        ...indicators,
      };
    },
    async close() {
      await yara.close();
      await ctx.close();
      await data.remove();
    },
  };
}
