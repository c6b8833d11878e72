// Submitter notifications: listens to submission events (analysis finished, published, rejected)
// and mails the submitting principal, in its language, about its own report. The sink returns at
// once; notices go out one after another in the background, so neither the worker nor an analyst's
// approve/reject waits for the relay or fails with it. A notice that cannot be sent is logged with
// its error code and recorded on the submission as failed; one recorded as sent is never sent again.
// Each notice is first recorded as pending, with its event, so that the worker role sends it after
// a restart (resumePending), as it does with failed ones up to MAX_ATTEMPTS.
// A principal that registered an S/MIME certificate (digest subscription) gets its notices encrypted.
// Indicator values go only at classes the e-mail channel policy lets mail carry (RED never; AMBER
// only encrypted, when enabled); other classes are counted, to be read in the console or the API.
import type { Clock } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Mailer } from '../../core/mailer.ts';
import type { Store } from '../../core/store/port.ts';
import type { SubmissionEvent, SubmissionEventSink } from '../../core/submission-events.ts';
import type { SharingClass, Submission } from '../../core/types.ts';
import { certificatesFromPem, recipientProblem } from '../../core/mail/smime.ts';
import type { ChannelPolicy } from '../digests/channels.ts';
import { sendError } from '../digests/relay-error.ts';
import { analysisFacts, publishedFacts } from './facts.ts';
import { alreadySent, noticeKey, notificationsOf, recordNotice, type NotificationRecord } from './record.ts';
import { renderNotice, type Notice } from './render.ts';

export interface NotifierDeps {
  readonly store: Pick<
    Store,
    'getSubmission' | 'getPrincipal' | 'updateSubmission' | 'listIndicatorsForSubmission' | 'latestPublications' | 'listDigestSubscriptions' | 'listSubmissions'
  >;
  readonly mailer: Mailer;
  readonly log: Logger;
  readonly clock: Clock;
  /** Base URL of the API as participants reach it (exchange.baseUrl). */
  readonly baseUrl: string;
  /** The e-mail channel policy: which classes' values a notice may carry, plain or encrypted. */
  readonly channels: ChannelPolicy;
}

export interface SubmitterNotifier {
  /** Give this to the worker and the publication functions. */
  readonly sink: SubmissionEventSink;
  /**
   * Queues again the notices of recent submissions that were recorded pending (the process stopped
   * before sending) or failed (fewer than MAX_ATTEMPTS times); resolves with how many. The worker
   * role calls it at start.
   */
  resumePending(): Promise<number>;
  /** Resolves when every notice handed in so far was sent or recorded, or after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
}

async function noticeFor(deps: NotifierDeps, event: SubmissionEvent, submission: Submission): Promise<Notice> {
  switch (event.kind) {
    case 'analysed':
      return { kind: 'analysed', facts: analysisFacts(submission) };
    case 'published':
      return { kind: 'published', facts: await publishedFacts(deps.store, submission.id) };
    case 'rejected':
      return { kind: 'rejected', reason: event.reason };
  }
}

/**
 * The S/MIME certificate the principal registered (with its digest subscription) and that can be
 * encrypted to now: its notices are encrypted to it. Null: none, so the notice goes as plain mail.
 */
async function registeredCertificate(deps: NotifierDeps, principalId: string): Promise<string | null> {
  const now = deps.clock();
  for (const sub of await deps.store.listDigestSubscriptions({ principalId })) {
    const der = sub.smimeCertificate ? certificatesFromPem(sub.smimeCertificate)[0] : undefined;
    if (der && recipientProblem(der, now) === null) return sub.smimeCertificate;
  }
  return null;
}

/** Failed notices are tried again at restarts until they failed this often. */
export const MAX_ATTEMPTS = 5;
/** How far back resumePending looks (by the submissions' reception time). */
const RESUME_DAYS = 30;

export function createSubmitterNotifier(deps: NotifierDeps): SubmitterNotifier {
  /** Each event with the write of its pending record, which must land before the outcome's. */
  const queue: { readonly event: SubmissionEvent; readonly pending: Promise<void> }[] = [];
  let running: Promise<void> | null = null;
  const now = () => deps.clock().toISOString();

  async function handle(event: SubmissionEvent): Promise<void> {
    const key = noticeKey(event);
    if (!key) return;
    const log = deps.log.child({ submissionId: event.submissionId, notice: key });
    const record = async (entry: Omit<NotificationRecord, 'event' | 'at'>) => {
      try {
        await recordNotice(deps.store, event.submissionId, key, { event: event.kind, at: now(), ...entry });
      } catch (err) {
        log.error({ event: 'notification.record_failed', code: sendError(err).code }, 'notification outcome could not be recorded');
      }
    };
    const submission = await deps.store.getSubmission(event.submissionId);
    if (!submission) return;
    const attempts = (notificationsOf(submission)[key]?.attempts ?? 0) + 1;
    if (alreadySent(submission, key)) {
      log.info({ event: 'notification.duplicate' }, 'notice already sent');
      return;
    }
    const principal = await deps.store.getPrincipal(submission.principalId);
    if (!principal || principal.status !== 'active' || principal.email === '') {
      log.warn({ event: 'notification.skipped', reason: 'no active principal with an address' }, 'notice not sent');
      await record({ state: 'skipped', code: 'NO_RECIPIENT' });
      return;
    }
    try {
      const certificate = await registeredCertificate(deps, principal.id);
      const mode = (cls: SharingClass) => deps.channels.email[cls];
      const mail = renderNotice({
        recipient: { address: principal.email, language: principal.language, timeZone: principal.timeZone },
        mayCarry: (cls) => mode(cls) === 'plain' || (mode(cls) === 'encrypted' && certificate !== null),
        submission: { id: submission.id, receivedAt: submission.receivedAt, subject: submission.subject, messageId: submission.messageId },
        notice: await noticeFor(deps, event, submission),
        baseUrl: deps.baseUrl,
      });
      const sent = await deps.mailer.send(certificate ? { ...mail, encryptTo: certificate } : mail);
      log.info({ event: 'notification.sent', messageId: sent.messageId, encrypted: certificate !== null }, 'notice sent to the submitter');
      await record({ state: 'sent', messageId: sent.messageId, attempts });
    } catch (err) {
      const e = sendError(err);
      log.error({ event: 'notification.failed', code: e.code, details: e.details, err: e.message }, 'notice could not be sent');
      await record({ state: 'failed', code: e.code, detail: e.message.slice(0, 500), replay: event, attempts });
    }
  }

  async function handleSafely({ event, pending }: (typeof queue)[number]): Promise<void> {
    try {
      await pending;
      await handle(event);
    } catch (err) {
      // The store failed while reading: nothing was sent; log it and go on with the next one.
      deps.log.error({ event: 'notification.failed', submissionId: event.submissionId, code: sendError(err).code }, 'notice could not be prepared');
    }
  }

  function kick(): void {
    if (running) return;
    running = (async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await handleSafely(item);
    })().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  }

  /** Durably notes the notice as pending (with its event) before it waits in the queue. */
  async function notePending(event: SubmissionEvent, attempts: number): Promise<void> {
    const key = noticeKey(event);
    if (!key) return;
    try {
      // A notice that went out stays recorded as sent (a re-run analysis is not announced again).
      const submission = await deps.store.getSubmission(event.submissionId);
      if (!submission || alreadySent(submission, key)) return;
      await recordNotice(deps.store, event.submissionId, key, { event: event.kind, state: 'pending', at: now(), replay: event, attempts });
    } catch (err) {
      deps.log.error(
        { event: 'notification.record_failed', submissionId: event.submissionId, code: sendError(err).code },
        'pending notice could not be recorded',
      );
    }
  }

  function enqueue(event: SubmissionEvent, pending: Promise<void>): void {
    queue.push({ event, pending });
    kick();
  }

  return {
    sink(event) {
      enqueue(event, notePending(event, 0));
    },
    async resumePending() {
      const receivedFrom = new Date(deps.clock().getTime() - RESUME_DAYS * 86_400_000).toISOString();
      let resumed = 0;
      let cursor: string | null = null;
      do {
        const page = await deps.store.listSubmissions({ receivedFrom }, { limit: 200, cursor });
        for (const submission of page.items) {
          for (const entry of Object.values(notificationsOf(submission))) {
            const due = entry.state === 'pending' || (entry.state === 'failed' && (entry.attempts ?? 1) < MAX_ATTEMPTS);
            if (!due || !entry.replay) continue;
            enqueue(entry.replay, Promise.resolve());
            resumed++;
          }
        }
        cursor = page.nextCursor;
      } while (cursor);
      if (resumed > 0) deps.log.info({ event: 'notification.resumed', notices: resumed }, 'notices not sent before are queued again');
      return resumed;
    },
    async idle(timeoutMs) {
      while (running) {
        const current = running;
        if (timeoutMs === undefined) {
          await current;
          continue;
        }
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([current.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
        clearTimeout(timer);
        if (timedOut) return;
      }
    },
  };
}
