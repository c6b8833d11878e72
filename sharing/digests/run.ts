// One digest run: for each due subscription (or every one, when forced), take its run lease, fix
// the range (cursor, log end read at the start], read that range as the subscriber, render, send,
// and only once the relay accepted the message record the delivery and move the cursor
// (compare-and-set). Exactly once per recipient, with one window left: a crash after the relay
// accepted a message and before the cursor write resends that message at the next run — with the
// same Message-ID (delivery-id.ts), which the recipient's mail client shows once.
//
// Subscriptions are handled one after another; one that fails (relay refusal, bad certificate,
// store error) is logged with its error code, keeps its range pending and is retried after
// `retryMs`, while the others go on.
import { C4Error, toC4Error } from '../../core/errors.ts';
import type { Clock } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Mailer } from '../../core/mailer.ts';
import type { DigestSubscription, Store } from '../../core/store/port.ts';
import { assembleDigest } from './assemble.ts';
import type { ViewRules } from '../sector-privacy.ts';
import type { ChannelPolicy } from './channels.ts';
import { renderDigest } from './content/index.ts';
import { deliveryId, digestMessageId, type DigestRange } from './delivery-id.ts';
import { recipientOf } from './recipient.ts';
import { sendError } from './relay-error.ts';
import { isDue, latestSlot, type Schedules } from './schedules.ts';
import { loadSubscriber } from './subscriber.ts';

export interface DigestExchange {
  readonly name: string;
  /** Right-hand side of the digests' Message-IDs. */
  readonly hostname: string;
  /** Base of the authenticated files link. */
  readonly baseUrl: string;
}

export interface DigestDeps {
  readonly store: Store;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly log: Logger;
  readonly schedules: Schedules;
  readonly channels: ChannelPolicy;
  /** Key the zip passwords are sealed with (recipient.ts digestSealKey). */
  readonly sealKey: Buffer;
  readonly exchange: DigestExchange;
  /** Run lease per subscription, and the wait before a failed subscription is tried again. */
  readonly leaseMs: number;
  readonly retryMs: number;
  /** This process (lease owner). */
  readonly owner: string;
  /** Thresholds against singling out an organisation (config `sharing.*`; default DEFAULT_VIEW_RULES). */
  readonly viewRules?: ViewRules | undefined;
}

export interface RunOptions {
  /** Only subscriptions on this schedule. */
  readonly schedule?: string;
  /** Run every enabled subscription now, due or not. */
  readonly force?: boolean;
}

export type SubscriptionOutcome =
  | { readonly kind: 'sent'; readonly subscriptionId: string; readonly deliveryId: string; readonly range: DigestRange; readonly entries: number }
  | { readonly kind: 'completed'; readonly subscriptionId: string; readonly deliveryId: string; readonly range: DigestRange }
  | { readonly kind: 'nothing-new'; readonly subscriptionId: string }
  | { readonly kind: 'busy'; readonly subscriptionId: string }
  | { readonly kind: 'waiting'; readonly subscriptionId: string; readonly retryAt: string }
  | { readonly kind: 'failed'; readonly subscriptionId: string; readonly code: string; readonly message: string };

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs the due (or, forced, all) enabled subscriptions once; one outcome per subscription tried. */
export async function runDigests(deps: DigestDeps, options: RunOptions = {}): Promise<readonly SubscriptionOutcome[]> {
  const start = deps.clock();
  // Read once: entries committed later have higher seqs and wait for the next run.
  const logEnd = await deps.store.lastPublicationSeq();
  const subs = await deps.store.listDigestSubscriptions(options.schedule ? { schedule: options.schedule } : {});
  const outcomes: SubscriptionOutcome[] = [];
  for (const sub of subs) {
    if (sub.disabled) continue;
    const schedule = deps.schedules.get(sub.schedule);
    if (!schedule) {
      deps.log.error(
        { event: 'digest.unknown_schedule', code: 'CONFIG_INVALID', subscriptionId: sub.id, schedule: sub.schedule },
        'subscription names a schedule the policy lacks',
      );
      outcomes.push({ kind: 'failed', subscriptionId: sub.id, code: 'CONFIG_INVALID', message: `unknown schedule ${sub.schedule}` });
      continue;
    }
    if (!options.force && !isDue(schedule, sub, start)) continue;
    const slot = latestSlot(schedule, start)?.toISOString();
    outcomes.push(await runOne(deps, sub, logEnd, slot));
  }
  return outcomes;
}

async function runOne(deps: DigestDeps, sub: DigestSubscription, logEnd: number, slotAt: string | undefined): Promise<SubscriptionOutcome> {
  const { store, log } = deps;
  const now = deps.clock().getTime();
  if (sub.leaseUntil !== null && sub.leaseUntil > iso(now)) {
    // Another run holds it, or it failed lately and waits for its retry time.
    return sub.leaseOwner === null ? { kind: 'waiting', subscriptionId: sub.id, retryAt: sub.leaseUntil } : { kind: 'busy', subscriptionId: sub.id };
  }
  const claimed = await store.claimDigestRun({ subscriptionId: sub.id, owner: deps.owner, now: iso(now), leaseUntil: iso(now + deps.leaseMs), logEnd });
  if (!claimed) return { kind: 'busy', subscriptionId: sub.id };
  const release = (r: { clearPending: boolean; error: string | null; handled: boolean }) =>
    store.releaseDigestRun({
      subscriptionId: sub.id,
      owner: deps.owner,
      now: deps.clock().toISOString(),
      ...(r.handled && slotAt ? { slotAt } : {}),
      retryAt: r.handled ? null : iso(deps.clock().getTime() + deps.retryMs),
      clearPending: r.clearPending,
      error: r.error,
    });
  try {
    if (claimed.pendingToSeq === null) {
      await release({ clearPending: true, error: null, handled: true });
      return { kind: 'nothing-new', subscriptionId: sub.id };
    }
    const range: DigestRange = { fromSeq: claimed.cursorSeq, toSeq: claimed.pendingToSeq };
    const id = deliveryId(sub.id, range);
    // Sent and recorded before a crash kept the cursor from moving: complete it, send nothing.
    const recorded = await store.getDigestDelivery(id);
    if (recorded) {
      await store.recordDigestDelivery(recorded);
      await release({ clearPending: false, error: null, handled: true });
      log.info({ event: 'digest.completed', subscriptionId: sub.id, deliveryId: id, ...range }, 'delivery recorded earlier; cursor moved');
      return { kind: 'completed', subscriptionId: sub.id, deliveryId: id, range };
    }
    const subscriber = await loadSubscriber(store, deps.channels, claimed);
    if (!subscriber.ok) {
      await release({ clearPending: false, error: subscriber.code, handled: false });
      log.error({ event: 'digest.refused', code: subscriber.code, subscriptionId: sub.id }, subscriber.reason);
      return { kind: 'failed', subscriptionId: sub.id, code: subscriber.code, message: subscriber.reason };
    }
    const input = await assembleDigest(store, {
      viewer: subscriber.viewer,
      classes: subscriber.channel.classes,
      range,
      recipient: recipientOf(claimed, subscriber.viewer, deps.sealKey, { baseUrl: deps.exchange.baseUrl, deliveryId: id }),
      scheduleName: claimed.schedule,
      exchange: deps.exchange,
      viewRules: deps.viewRules,
    });
    if (!input) {
      await release({ clearPending: true, error: null, handled: true });
      return { kind: 'nothing-new', subscriptionId: sub.id };
    }
    const mail = await renderDigest(input);
    // Fail closed: a channel that may carry a class only encrypted never sends in plain text.
    if (subscriber.channel.encrypt && !claimed.smimeCertificate) {
      throw new C4Error('DIGEST_CLASS_VIOLATION', 'this digest may travel only S/MIME-encrypted, and the subscription has no certificate', {
        subscriptionId: sub.id,
      });
    }
    const sent = await deps.mailer.send({
      ...mail,
      headers: { ...mail.headers, 'Message-ID': digestMessageId(id, deps.exchange.hostname) },
      ...(subscriber.channel.encrypt ? { encryptTo: claimed.smimeCertificate! } : {}),
    });
    // The relay accepted it: from here on, a crash means a resend of this same message.
    const { advanced } = await store.recordDigestDelivery({
      id,
      subscriptionId: sub.id,
      ...range,
      messageId: sent.messageId,
      sentAt: deps.clock().toISOString(),
      via: sent.via,
    });
    await release({ clearPending: false, error: null, handled: true });
    log.info({ event: 'digest.sent', subscriptionId: sub.id, deliveryId: id, ...range, entries: input.entries.length, advanced }, 'digest sent');
    return { kind: 'sent', subscriptionId: sub.id, deliveryId: id, range, entries: input.entries.length };
  } catch (err) {
    const e = sendError(err);
    log.error({ event: 'digest.failed', code: e.code, subscriptionId: sub.id, err: e.message, ...e.details }, 'digest not delivered; retried at a later run');
    await release({ clearPending: false, error: e.code, handled: false }).catch((releaseErr: unknown) =>
      log.error({ event: 'digest.release_failed', code: toC4Error(releaseErr).code, subscriptionId: sub.id }, 'lease kept until it ends'),
    );
    return { kind: 'failed', subscriptionId: sub.id, code: e.code, message: e.message };
  }
}
