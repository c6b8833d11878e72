// Which notice an event calls for, and the durable record of each notice under the submission's
// details (`details.notifications[key]`): the simplest durable place, written with the store the
// submission already lives in (SQLite or MongoDB), shown with the submission, and read before each
// send so that a re-run analysis job or a repeated event sends nothing twice.
import type { Store } from '../../core/store/port.ts';
import type { SubmissionEvent } from '../../core/submission-events.ts';
import type { Submission } from '../../core/types.ts';

export interface NotificationRecord {
  readonly event: SubmissionEvent['kind'];
  /** `pending`: written when the event arrived, before sending; a restart sends it (resumePending). */
  readonly state: 'pending' | 'sent' | 'failed' | 'skipped';
  readonly at: string;
  /** The event itself, kept until the notice is sent, so a restart can send it again. */
  readonly replay?: SubmissionEvent;
  /** Send attempts so far (failed ones are tried again at restarts, up to a limit). */
  readonly attempts?: number;
  readonly messageId?: string;
  /** Error code of a failure (MAIL_RELAY_FAILED, VALIDATION_FAILED, …) or why it was skipped. */
  readonly code?: string;
  readonly detail?: string;
}

/**
 * The notice's key, or null when the event tells the submitter nothing new: one "analysed" notice
 * per submission (a re-run analysis is not announced again); a publish that appended nothing to
 * an already published submission, and a reject of a rejected one, are not notices.
 */
export function noticeKey(event: SubmissionEvent): string | null {
  switch (event.kind) {
    case 'analysed':
      return 'analysed';
    case 'published':
      return event.appended === 0 && event.statusBefore === 'published' ? null : `published:${event.at}`;
    case 'rejected':
      return event.statusBefore === 'rejected' ? null : `rejected:${event.at}`;
  }
}

export function notificationsOf(submission: Submission): Readonly<Record<string, NotificationRecord>> {
  const n = submission.details['notifications'];
  return n && typeof n === 'object' && !Array.isArray(n) ? (n as Record<string, NotificationRecord>) : {};
}

/** True when this notice already went out (a failed or skipped one may be tried again). */
export function alreadySent(submission: Submission, key: string): boolean {
  return notificationsOf(submission)[key]?.state === 'sent';
}

/**
 * Records the notice on the submission, merged into the details as they are in the store, so what
 * triage or the analysis wrote meanwhile is kept (SubmissionPatch.detailsMerge).
 */
export async function recordNotice(store: Pick<Store, 'updateSubmission'>, submissionId: string, key: string, entry: NotificationRecord): Promise<void> {
  await store.updateSubmission(submissionId, { detailsMerge: { notifications: { [key]: entry } } }, entry.at);
}
