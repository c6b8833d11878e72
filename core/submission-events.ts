// What happened to a submission, told by the stage that made it happen (the analysis worker, the
// publication functions) to whoever listens (submitter notifications). A sink is called after the
// change is durable; it returns at once and never throws: listeners do their work in the
// background, so a slow relay or a failing listener never fails or delays the operation.
import type { Logger } from './logger.ts';
import type { SubmissionStatus } from './types.ts';

export type SubmissionEvent =
  /** The analysis job completed (once per completion; a re-run completes again). */
  | { readonly kind: 'analysed'; readonly submissionId: string; readonly at: string }
  /** publishSubmission ran: `appended` log entries were written (none when nothing changed). */
  | { readonly kind: 'published'; readonly submissionId: string; readonly at: string; readonly statusBefore: SubmissionStatus; readonly appended: number }
  /** rejectSubmission ran, with the analyst's reason. */
  | { readonly kind: 'rejected'; readonly submissionId: string; readonly at: string; readonly statusBefore: SubmissionStatus; readonly reason: string };

export type SubmissionEventSink = (event: SubmissionEvent) => void;

/** Hands the event to the sink, if any; a sink that throws anyway is logged, never rethrown. */
export function emitSubmissionEvent(sink: SubmissionEventSink | undefined, event: SubmissionEvent, log?: Pick<Logger, 'error'>): void {
  if (!sink) return;
  try {
    sink(event);
  } catch (err) {
    log?.error({ event: 'submission_event.listener_failed', kind: event.kind, submissionId: event.submissionId, err }, 'submission event listener failed');
  }
}
