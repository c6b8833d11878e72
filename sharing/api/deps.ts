// What the API router needs, passed in by the composition root (bin/commands/serve.ts).
import type { AuditAppender } from '../../core/audit.ts';
import type { Clock } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Store } from '../../core/store/port.ts';
import type { SubmissionEventSink } from '../../core/submission-events.ts';
import type { TokenSettings } from '../../core/tokens.ts';
import type { FeedFormatter } from './formats.ts';
import type { ViewRules } from '../sector-privacy.ts';
import type { Vault } from '../../quarantine/vault-port.ts';

export interface ApiLimits {
  readonly rateLimitPoints: number;
  readonly rateLimitWindowSeconds: number;
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  /** Per client address on the public feed (config api.publicRateLimit*; default PUBLIC_RATE_LIMIT). */
  readonly publicRateLimitPoints?: number;
  readonly publicRateLimitWindowSeconds?: number;
}

export interface ApiDeps {
  readonly store: Store;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tokenSettings: TokenSettings;
  readonly limits: ApiLimits;
  /** Formatters besides JSON and CSV (the STIX 2.1 exporter plugs in here as `stix`). */
  readonly formatters?: readonly FeedFormatter[];
  /** Told after approve/reject through the API (submitter notifications). */
  readonly events?: SubmissionEventSink | undefined;
  /**
   * What the triage steps (sharing/api/triage.ts) need besides the store: the config's exchange
   * identity and policies directory (sanitization rules) for the victim-name check, and the vault to
   * re-read the original. The composition root passes its context; without `config` the triage
   * steps answer 500 rather than approve past an unchecked victim gate.
   */
  readonly config?: { readonly exchange: { readonly dropAddress: string; readonly hostname: string }; readonly policiesDir: string };
  readonly vault?: Vault;
  /** Thresholds against singling out an organisation (config `sharing.*`; default DEFAULT_VIEW_RULES). */
  readonly viewRules?: ViewRules | undefined;
}
