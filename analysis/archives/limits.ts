// Limits of archive expansion for one submission (config `analysis`), and the budget that the
// archives of one submission share, so nesting cannot multiply them.
import type { Config } from '../../core/config.ts';

export type ArchiveLimits = Omit<Config['analysis'], 'budget'>;

/** The defaults of core/config.ts, for callers without a config (tests, tools). */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxArchiveDepth: 3,
  maxArchiveMembers: 1000,
  maxExpandedBytes: 100 * 1024 * 1024,
  maxCompressionRatio: 100,
  maxPasswordsTried: 20,
});

/**
 * Members below this size are not judged by their ratio: small text compresses far beyond any
 * sensible ratio limit and harms nobody; the byte budget still bounds them.
 */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

/** What is left to expand for this submission; spent as members come out. */
export interface ExpansionBudget {
  bytesLeft: number;
  membersLeft: number;
}

export function budgetOf(limits: ArchiveLimits): ExpansionBudget {
  return { bytesLeft: limits.maxExpandedBytes, membersLeft: limits.maxArchiveMembers };
}

/** The ratio verdict for a declared or measured size, or null when acceptable. */
export function ratioProblem(name: string, uncompressed: number, compressed: number, limits: ArchiveLimits): string | null {
  if (uncompressed < RATIO_FLOOR_BYTES) return null;
  const ratio = uncompressed / Math.max(compressed, 1);
  if (ratio <= limits.maxCompressionRatio) return null;
  return `${name}: ${uncompressed} bytes from ${compressed} (ratio ${Math.round(ratio)}, limit maxCompressionRatio ${limits.maxCompressionRatio})`;
}
