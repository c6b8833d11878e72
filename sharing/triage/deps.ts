// What the triage steps need, passed in by each surface (console routes, REST API): the publication
// deps (store, audit, clock, submitter events), the vault to read the original's sealed evidence for
// the victim-name check, and the exchange's identity and sanitization rules the check protects with.
import type { SanitizationRules } from '../../analysis/sanitize/index.ts';
import type { Logger } from '../../core/logger.ts';
import type { Vault } from '../../quarantine/vault-port.ts';
import type { PublicationDeps } from '../publication.ts';

export interface VictimCheckSettings {
  readonly dropAddress: string;
  readonly hostname: string;
  readonly rules: SanitizationRules;
}

export interface TriageDeps extends PublicationDeps, VictimCheckSettings {
  /**
   * The quarantine vault, for the original's evidence (the people the analysis protected). Null
   * when a surface runs without one: the check then protects the registry's identifiers only
   * (organisation names and domains, the submitter), as it does when the evidence cannot be read.
   */
  readonly vault: Vault | null;
  /** Where an unreadable analysis record or evidence blob is reported (triage.evidence_unreadable). */
  readonly log?: Logger | undefined;
}

/** What assignment and notes need (assignment.ts, notes.ts): no vault, no victim-check settings. */
export type WorkDeps = Pick<TriageDeps, 'store' | 'audit' | 'clock'>;
