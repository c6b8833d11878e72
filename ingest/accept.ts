// The durable accept pipeline, shared by SMTP and `c4tap import`: store the raw message, find the
// original(s) in the forward, decide the classes, then record one submission (with its analysis
// job) per original. It resolves only once every write is durable, so SMTP may answer 250 after it;
// if it throws, nothing was promised and the sender retries (451). Every step is idempotent, so a
// retry after a failure half-way (or a crash) completes the same submissions instead of adding new
// ones.
//
// Several originals in one message (e.g. three message/rfc822 attachments): each becomes its own
// submission, with its own dedup key, all sharing the same raw message and the same classes (one
// note, one subject, one drop address). The result lists them in attachment order.
import { dedupKey } from '../core/mail/dedup-key.ts';
import type { Logger } from '../core/logger.ts';
import type { Clock, IdGenerator } from '../core/ids.ts';
import type { NewJob, NewSubmission, Store, SubmissionSample } from '../core/store/port.ts';
import type { SubmissionSpool } from '../core/store/sqlite-thread-store.ts';
import type { SpooledBlob } from '../core/store/sqlite-spool.ts';
import type { ClassByKind, ClassDecision, Envelope, Organisation, Principal, SampleRole, Submission } from '../core/types.ts';
import { C4Error } from '../core/errors.ts';
import { keepStored } from '../quarantine/keep-stored.ts';
import type { Vault } from '../quarantine/vault-port.ts';
import { hashBuffer, type FileHashes } from '../quarantine/hashes.ts';
import { unwrapForward, DEFAULT_UNWRAP_LIMITS, type OriginalItem, type UnwrapLimits, type UnwrapResult } from '../core/mail/forward/index.ts';
import { decideClasses } from './class-directives.ts';
import { classNotApplied, type ClassNotApplied } from './class-resend.ts';

export interface AcceptDeps {
  readonly store: Store;
  readonly vault: Vault;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly log: Logger;
  /** The configured drop address (exchange.dropAddress). */
  readonly dropAddress: string;
  readonly unwrapLimits?: UnwrapLimits;
  /**
   * The SQLite store's vault spool (core/store/sqlite-spool.ts), with a vault attached to it: the
   * sealed blobs are committed in the submission's own write transaction (one group commit for
   * the whole message instead of the vault's file and directory fsyncs before it) and moved to
   * the vault right after the caller's reply. Without it (MongoDB, `c4tap import`), blobs are put
   * in the vault first, as before.
   */
  readonly spool?: SubmissionSpool | null;
}

export interface AcceptInput {
  /** The authenticated submitter (SMTP AUTH, or the principal named to `c4tap import`). */
  readonly principal: Principal;
  /** The principal's organisation, when the caller already has it. */
  readonly org?: Organisation;
  readonly envelope: Envelope;
  /** The message exactly as received. */
  readonly raw: Buffer;
  /** Its hashes, when the caller computed them as the bytes arrived (SMTP); otherwise computed here. */
  readonly rawHashes?: FileHashes | null;
}

export interface AcceptedSubmission {
  readonly id: string;
  /** true when this original had been received before: the existing submission is named. */
  readonly duplicate: boolean;
  /**
   * A duplicate whose message asked for other classes than the submission has: they were not
   * applied (the submission keeps its classes) and the reply and receipt say so. null otherwise.
   */
  readonly classNotApplied: ClassNotApplied | null;
}

export interface AcceptResult {
  readonly submissions: readonly AcceptedSubmission[];
  readonly rawSha256: string;
  /**
   * Settles once the spooled blobs are in the vault (started after the current turn, so after the
   * caller's reply); never rejects: a blob that could not be moved stays in the spool, where
   * every read finds it, and is moved at the next start. Resolved at once without a spool.
   */
  readonly settled: Promise<void>;
}

type CreateSubmission = (sub: NewSubmission, job: NewJob, samples: readonly SubmissionSample[]) => ReturnType<Store['createSubmission']>;

/** One original to record: the item, or the whole message when unwrapping failed. */
interface Original {
  readonly raw: Buffer;
  readonly hashes: FileHashes;
  readonly isWholeMessage: boolean;
  readonly subject: string | null;
  readonly messageId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

function originalsOf(unwrapped: UnwrapResult, raw: Buffer, rawHashes: FileHashes): Original[] {
  if (unwrapped.kind === 'failed') {
    // Nothing is lost: the raw message is kept and the analyst sees why it was not unwrapped.
    const details = { unwrapFailed: { reason: unwrapped.reason, message: unwrapped.message } };
    return [{ raw, hashes: rawHashes, isWholeMessage: true, subject: null, messageId: null, details }];
  }
  return unwrapped.items.map((item: OriginalItem, index) => ({
    raw: item.raw,
    hashes: item.rawSource === 'message' ? rawHashes : hashBuffer(item.raw),
    isWholeMessage: item.rawSource === 'message',
    subject: item.headers.subject,
    messageId: item.headers.messageId,
    details: {
      form: item.form,
      path: item.path,
      rawSource: item.rawSource,
      item: index + 1,
      items: unwrapped.items.length,
      warnings: unwrapped.warnings,
    },
  }));
}

/** The sample record of a blob this message brought (raw message or rebuilt/attached original). */
function sampleRecord(
  blob: { readonly hashes: FileHashes; readonly size: number },
  role: SampleRole,
  classes: ClassByKind,
  now: string,
  details: Readonly<Record<string, unknown>>,
): SubmissionSample {
  return {
    ...blob.hashes,
    size: blob.size,
    role,
    declaredName: null,
    declaredType: 'message/rfc822',
    detectedType: null,
    class: classes.sample,
    storedAt: now,
    details,
  };
}

export async function acceptMessage(deps: AcceptDeps, input: AcceptInput): Promise<AcceptResult> {
  const { principal, envelope, raw } = input;
  const org = input.org ?? (await deps.store.getOrganisation(principal.orgId));
  if (!org) throw new C4Error('NOT_FOUND', `organisation ${principal.orgId} of principal ${principal.id} is missing`);

  const spool = deps.spool && deps.vault.spooling ? deps.spool : null;
  // 1. The raw message, durably, before anything refers to it (with a spool: sealed now and
  // committed with the submission in step 3); meanwhile (CPU while the disk syncs) 2. the
  // original(s) and the classes: note directive, subject tag, drop address, org default.
  const [put, unwrapped] = await Promise.all([
    spool ? null : deps.vault.put(raw),
    unwrapForward(raw, deps.unwrapLimits ?? DEFAULT_UNWRAP_LIMITS, { internalDomains: org.domains }),
  ]);
  const rawHashes = input.rawHashes ?? hashBuffer(raw);
  const stored = put ?? { sha256: rawHashes.sha256, size: raw.length };
  const originals = originalsOf(unwrapped, raw, rawHashes);
  const decided = decideClasses({
    note: unwrapped.kind === 'unwrapped' ? unwrapped.note : null,
    subject: unwrapped.kind === 'unwrapped' ? unwrapped.outer.subject : null,
    recipients: envelope.rcptTo,
    orgDefault: org.defaultClasses,
    originalSubjects: originals.flatMap((o) => (o.subject === null ? [] : [o.subject])),
  });
  const classes: ClassByKind = decided.classes;
  const classDecisions: readonly ClassDecision[] = decided.decisions;
  const outerMessageId = unwrapped.kind === 'unwrapped' ? unwrapped.outer.messageId : null;

  // Originals with bytes of their own (attached or rebuilt messages) go to the vault as well.
  const own = originals.filter((o) => !o.isWholeMessage);
  const ownStored = spool ? own.map((o) => ({ sha256: o.hashes.sha256, size: o.raw.length })) : await Promise.all(own.map((o) => deps.vault.put(o.raw)));
  const spooled = spool
    ? sealedForSpool(deps.vault, [{ sha256: stored.sha256, content: raw }, ...own.map((o) => ({ sha256: o.hashes.sha256, content: o.raw }))])
    : [];

  // 3. One submission per original, with its analysis job and sample records.
  const submissions: AcceptedSubmission[] = [];
  for (const original of originals) {
    const now = deps.clock().toISOString();
    const id = deps.newId('sub');
    // The first submission carries the message's sealed blobs into its transaction.
    const first = submissions.length === 0 && original === originals[0];
    const create: CreateSubmission =
      spool && first
        ? (sub, job, samples) => spool.createSubmission(sub, job, samples, spooled)
        : (sub, job, samples) => deps.store.createSubmission(sub, job, samples);
    const created = await create(
      {
        id,
        principalId: principal.id,
        orgId: org.id,
        receivedAt: now,
        rawSha256: stored.sha256,
        rawSize: stored.size,
        messageId: outerMessageId,
        dedupKey: dedupKey(original.messageId, original.hashes.sha256),
        envelope,
        classes,
        classDecisions,
        subject: original.subject,
        details: { ingest: { ...original.details, originalMessageId: original.messageId } },
      },
      { id: deps.newId('job'), type: 'analyse', submissionId: id, runAfter: now },
      // Written in the same step, also for a duplicate: a second delivery with different bytes
      // stays referenced (never an orphan blob), and a retry completes a half-done accept.
      [
        sampleRecord({ hashes: rawHashes, size: raw.length }, 'raw', classes, now, { receivedAt: now, transport: envelope.transport }),
        ...(original.isWholeMessage ? [] : [sampleRecord({ hashes: original.hashes, size: original.raw.length }, 'original', classes, now, {})]),
      ],
    );
    const submission = created.submission;
    // The same original attached twice to one message names its submission once.
    if (!submissions.some((s) => s.id === submission.id)) {
      const duplicate = !created.created;
      submissions.push({ id: submission.id, duplicate, classNotApplied: duplicate ? classNotApplied(submission.classes, classes) : null });
    }
  }
  // Referenced now: a retention run can no longer judge these blobs expired, but one running
  // since before may have removed content an older submission had stored. Put it back. (Spooled
  // blobs were committed with their reference, so the move puts back whatever is missing.)
  if (!spool) {
    const restored = await keepStored(deps.vault, [
      { sha256: stored.sha256, content: raw },
      ...own.map((o, i) => ({ sha256: ownStored[i]!.sha256, content: o.raw })),
    ]);
    if (restored > 0)
      deps.log.warn({ event: 'ingest.blob_restored', rawSha256: stored.sha256, restored }, 'put back content a retention run removed meanwhile');
  }
  deps.log.debug({ event: 'ingest.accepted', rawSha256: stored.sha256, submissions, transport: envelope.transport }, 'accepted');
  return { submissions, rawSha256: stored.sha256, settled: spooled.length > 0 ? settleAfterReply(deps, spooled) : Promise.resolve() };
}

/**
 * The blobs of this message, sealed, each once; also those the vault may have already (a
 * duplicate): spooled with their reference, no retention run can leave that reference dangling,
 * and the move skips a blob the vault has.
 */
function sealedForSpool(vault: Vault, blobs: readonly { readonly sha256: string; readonly content: Buffer }[]): SpooledBlob[] {
  const unique = blobs.filter((b, i) => blobs.findIndex((o) => o.sha256 === b.sha256) === i);
  return unique.map((b) => ({ sha256: b.sha256, sealed: vault.seal(b.content, b.sha256) }));
}

/** Moves the spooled blobs into the vault after the current turn (the SMTP reply goes out first). */
async function settleAfterReply(deps: AcceptDeps, spooled: readonly SpooledBlob[]): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  for (const blob of spooled) {
    try {
      await deps.vault.settle(blob.sha256);
    } catch (err) {
      deps.log.warn(
        { event: 'ingest.spool_settle_failed', sha256: blob.sha256, err: err instanceof Error ? err.message : String(err) },
        'blob left in the store spool (reads find it there); moved to the vault at the next start',
      );
    }
  }
}
