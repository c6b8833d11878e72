// Submitter notifications: listens to submission events (analysis finished, published, rejected)
// and mails the submitting principal, in its language, about its own report. The sink returns at
// once; notices go out one after another in the background, so neither the worker nor an analyst's
// approve/reject waits for the relay or fails with it. A notice that cannot be sent is logged with
// its error code and recorded on the submission as failed; one recorded as sent is never sent again.
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
import { alreadySent, noticeKey, recordNotice, type NotificationRecord } from './record.ts';
import { renderNotice, type Notice } from './render.ts';

export interface NotifierDeps {
  readonly store: Pick<Store, 'getSubmission' | 'getPrincipal' | 'updateSubmission' | 'listIndicatorsForSubmission' | 'latestPublications' | 'listDigestSubscriptions'>;
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

export function createSubmitterNotifier(deps: NotifierDeps): SubmitterNotifier {
  const queue: SubmissionEvent[] = [];
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
      await record({ state: 'sent', messageId: sent.messageId });
    } catch (err) {
      const e = sendError(err);
      log.error({ event: 'notification.failed', code: e.code, details: e.details, err: e.message }, 'notice could not be sent');
      await record({ state: 'failed', code: e.code, detail: e.message.slice(0, 500) });
    }
  }

  async function handleSafely(event: SubmissionEvent): Promise<void> {
    try {
      await handle(event);
    } catch (err) {
      // The store failed while reading: nothing was sent; log it and go on with the next one.
      deps.log.error({ event: 'notification.failed', submissionId: event.submissionId, code: sendError(err).code }, 'notice could not be prepared');
    }
  }

  function kick(): void {
    if (running) return;
    running = (async () => {
      for (let event = queue.shift(); event; event = queue.shift()) await handleSafely(event);
    })().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    sink(event) {
      queue.push(event);
      kick();
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
