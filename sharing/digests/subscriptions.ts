// Subscribing and unsubscribing a reader. A subscription is checked when it is made — registered
// reader, known schedule, a zip password for zipped files, a usable S/MIME certificate, an opt-in
// the channel policy can honour — and again at every run (subscriber.ts), since all of it can
// change. Subscribing again on the same schedule updates the settings and re-enables it, keeping
// its cursor; unsubscribing disables it, keeping its deliveries (their links keep working).
import { C4Error } from '../../core/errors.ts';
import type { Clock, IdGenerator } from '../../core/ids.ts';
import { certificatesFromPem, recipientProblem } from '../../core/mail/smime.ts';
import type { DigestAttachmentMode, DigestSubscription, Store } from '../../core/store/port.ts';
import { loadViewer } from '../viewer.ts';
import { optInProblem, type ChannelPolicy } from './channels.ts';
import { sealZipPassword } from './recipient.ts';
import type { Schedules } from './schedules.ts';
import { subscriberProblem } from './subscriber.ts';

export interface SubscriptionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly schedules: Schedules;
  readonly channels: ChannelPolicy;
  readonly sealKey: Buffer;
}

export interface SubscribeRequest {
  readonly principalId: string;
  readonly schedule: string;
  readonly attachments: DigestAttachmentMode;
  /** Required for 'zip'; kept (sealed) for the link's zip otherwise. */
  readonly zipPassword?: string | null;
  readonly smimeCertificate?: string | null;
  readonly amber?: boolean;
  /** Deliver entries after this seq; default: the log's end now (what is published from now on). */
  readonly fromSeq?: number;
}

export const MIN_ZIP_PASSWORD_LENGTH = 8;

function check(condition: boolean, message: string): void {
  if (!condition) throw new C4Error('VALIDATION_FAILED', message);
}

function checkCertificate(pem: string | null, now: Date): void {
  if (pem === null) return;
  const [der] = certificatesFromPem(pem);
  check(der !== undefined, 'the S/MIME certificate file holds no PEM certificate');
  const problem = recipientProblem(der!, now);
  check(problem === null, `S/MIME certificate: ${problem}`);
}

export async function subscribe(
  deps: SubscriptionDeps,
  req: SubscribeRequest,
): Promise<{ readonly subscription: DigestSubscription; readonly created: boolean }> {
  const now = deps.clock();
  check(deps.schedules.has(req.schedule), `no schedule "${req.schedule}" in policies/digests/schedules.json (have: ${[...deps.schedules.keys()].join(', ')})`);
  const principal = await deps.store.getPrincipal(req.principalId);
  const viewer = principal ? await loadViewer(deps.store, principal) : null;
  const problem = subscriberProblem(viewer);
  if (problem) throw new C4Error(problem.code, problem.reason);
  const zipPassword = req.zipPassword ?? null;
  check(req.attachments !== 'zip' || zipPassword !== null, 'zipped attachments need a zip password');
  check(zipPassword === null || zipPassword.length >= MIN_ZIP_PASSWORD_LENGTH, `the zip password must be at least ${MIN_ZIP_PASSWORD_LENGTH} characters`);
  const smimeCertificate = req.smimeCertificate ?? null;
  checkCertificate(smimeCertificate, now);
  const amber = req.amber ?? false;
  const optIn = optInProblem(deps.channels, viewer!.org.tier, { amber, smimeCertificate });
  check(optIn === null, `--amber: ${optIn}`);

  const existing = (await deps.store.listDigestSubscriptions({ principalId: req.principalId, schedule: req.schedule }))[0];
  const id = existing?.id ?? deps.newId('dsub');
  const settings = {
    attachments: req.attachments,
    zipPasswordSealed: zipPassword === null ? null : sealZipPassword(deps.sealKey, id, zipPassword),
    smimeCertificate,
    amber,
    disabled: false,
  };
  if (existing) {
    const updated = await deps.store.updateDigestSubscription(id, settings, now.toISOString());
    return { subscription: updated!, created: false };
  }
  const cursorSeq = req.fromSeq ?? (await deps.store.lastPublicationSeq());
  check(Number.isInteger(cursorSeq) && cursorSeq >= 0, '--from-seq must be a whole number ≥ 0');
  const subscription = await deps.store.createDigestSubscription({
    id,
    principalId: req.principalId,
    schedule: req.schedule,
    ...settings,
    cursorSeq,
    createdAt: now.toISOString(),
  });
  return { subscription, created: true };
}

/** Disables the principal's subscriptions (on one schedule, or all); returns those disabled now. */
export async function unsubscribe(
  deps: Pick<SubscriptionDeps, 'store' | 'clock'>,
  principalId: string,
  schedule?: string,
): Promise<readonly DigestSubscription[]> {
  const subs = await deps.store.listDigestSubscriptions({ principalId, ...(schedule ? { schedule } : {}) });
  const out: DigestSubscription[] = [];
  for (const s of subs.filter((x) => !x.disabled)) {
    const updated = await deps.store.updateDigestSubscription(s.id, { disabled: true }, deps.clock().toISOString());
    if (updated) out.push(updated);
  }
  return out;
}
