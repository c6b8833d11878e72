// Role port: indicators with their sources (one source per indicator and submission), written by
// analysis and triage.
import type { Indicator, IndicatorSource, IndicatorType, InfoKind, SharingClass } from '../../types.ts';

export interface IndicatorInput {
  readonly type: IndicatorType;
  /** Normalised value; the id is derived from type and value. */
  readonly value: string;
  readonly kind: InfoKind;
  readonly class: SharingClass;
  readonly context?: Readonly<Record<string, unknown>>;
}

export interface IndicatorWithSources {
  readonly indicator: Indicator;
  readonly sources: readonly IndicatorSource[];
}

export interface IndicatorStore {
  /** Upserts each indicator and this submission's source for it (one source per indicator and submission). */
  upsertIndicators(submissionId: string, orgId: string, seenAt: string, inputs: readonly IndicatorInput[]): Promise<readonly Indicator[]>;
  getIndicator(id: string): Promise<IndicatorWithSources | null>;
  listIndicatorsForSubmission(submissionId: string): Promise<readonly IndicatorWithSources[]>;
  setSourceFalsePositive(indicatorId: string, submissionId: string, falsePositive: boolean): Promise<boolean>;
  removeIndicatorSource(indicatorId: string, submissionId: string): Promise<boolean>;
  /** Indicators in id order after `afterId` (null: from the first), also those without sources. */
  listIndicators(afterId: string | null, limit: number): Promise<readonly Indicator[]>;
}
