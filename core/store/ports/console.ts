// Role port: the console (the analyst web app) — server-side sessions, the second factor's
// state, and the queue search.
import type { IndicatorType, Principal, Submission, SubmissionStatus, Verdict } from '../../types.ts';
import type { Page, PageRequest, SubmissionFilter } from './submissions.ts';

/** Where a console login stands: password checked, then second factor, then (if due) a new password. */
export type ConsoleSessionStage = 'second-factor' | 'enrol' | 'change-password' | 'active';

export interface ConsoleSession {
  /** SHA-256 (hex) of the random session id in the cookie; the id itself is never stored. */
  readonly idHash: string;
  readonly principalId: string;
  readonly stage: ConsoleSessionStage;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly clientAddress: string;
  /** State of a pending login step (e.g. the encrypted TOTP secret being enrolled). */
  readonly data: Readonly<Record<string, unknown>>;
}

export type ConsoleSessionPatch = Partial<Pick<ConsoleSession, 'stage' | 'lastSeenAt' | 'data'>>;

/** A principal's second-factor bookkeeping (the encrypted TOTP secret itself is Principal.totpSecret). */
export interface SecondFactor {
  readonly principalId: string;
  /** Keyed hashes of the unused recovery codes. */
  readonly recoveryCodeHashes: readonly string[];
  /** Last TOTP time step accepted (a code is accepted once), or null. */
  readonly lastTotpStep: number | null;
  readonly updatedAt: string;
}

/** The console's queue search: a SubmissionFilter plus what analysts filter and sort on. */
export interface SubmissionSearch extends SubmissionFilter {
  /** Submissions of one of these organisations (a sector is turned into its organisations). */
  readonly orgIds?: readonly string[];
  readonly verdicts?: readonly Verdict[];
  /** The verdict analysis suggested (details.analysis.verdict.verdict), whatever the analyst set. */
  readonly suggestedVerdicts?: readonly string[];
  /** The cluster label analysis gave (details.analysis.cluster.label: mass, targeted, undetermined). */
  readonly clusterLabels?: readonly string[];
  /** Substring of the subject, id, Message-ID or campaign, ignoring case and width (core/store/search-pattern.ts). */
  readonly text?: string;
  /**
   * Submissions with, for each entry, a source of an indicator of one of its types whose value
   * contains `contains` (ignoring case and width): YARA rule names, AV signature names.
   */
  readonly indicators?: readonly { readonly types: readonly IndicatorType[]; readonly contains: string }[];
  /** Submissions assigned to this principal; null: those nobody is assigned to. */
  readonly assignee?: string | null;
  /** newest (default): receivedAt desc, id desc; oldest: the reverse. Cursors carry over only within one order. */
  readonly order?: 'newest' | 'oldest';
}

export interface ConsoleStore {
  createConsoleSession(session: ConsoleSession): Promise<ConsoleSession>;
  getConsoleSession(idHash: string): Promise<ConsoleSession | null>;
  updateConsoleSession(idHash: string, patch: ConsoleSessionPatch): Promise<ConsoleSession | null>;
  deleteConsoleSession(idHash: string): Promise<boolean>;
  /** Ends every session of a principal, or every session last seen before a time; returns how many. */
  deleteConsoleSessions(filter: { readonly principalId?: string; readonly lastSeenBefore?: string }): Promise<number>;
  getSecondFactor(principalId: string): Promise<SecondFactor | null>;
  /** Replaces the principal's second-factor record (enrolment, new recovery codes). */
  putSecondFactor(factor: SecondFactor): Promise<SecondFactor>;
  deleteSecondFactor(principalId: string): Promise<boolean>;
  /** Removes one unused recovery code; true when it was there (each code works once, also under races). */
  consumeRecoveryCode(principalId: string, codeHash: string, now: string): Promise<boolean>;
  /** Records a TOTP time step when it is later than the last one accepted; false for a replayed code. */
  acceptTotpStep(principalId: string, step: number, now: string): Promise<boolean>;
  searchSubmissions(search: SubmissionSearch, page: PageRequest): Promise<Page<Submission>>;
  countSubmissionSearch(search: Omit<SubmissionSearch, 'status' | 'order'>): Promise<Readonly<Record<SubmissionStatus, number>>>;
}
