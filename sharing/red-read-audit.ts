// Every read of RED data is audited: one event per request that returned any view built from a
// RED source, naming the reader and the indicators.
import type { AuditAppender } from '../core/audit.ts';
import type { IndicatorView } from './indicator-view.ts';
import type { Viewer } from './viewer.ts';

export async function auditRedReads(audit: AuditAppender, viewer: Viewer | null, surface: string, views: Iterable<IndicatorView>): Promise<void> {
  await auditRedIndicators(
    audit,
    viewer,
    surface,
    [...views].filter((v) => v.redData).map((v) => v.id),
  );
}

/** The same event for the indicators of a response whose views were built from a RED source. */
export async function auditRedIndicators(audit: AuditAppender, viewer: Viewer | null, surface: string, red: readonly string[]): Promise<void> {
  if (red.length === 0) return;
  await audit({
    actor: viewer?.principal.id ?? 'anonymous',
    action: 'red.read',
    target: red.length === 1 ? red[0]! : null,
    data: { surface, indicators: red },
  });
}
