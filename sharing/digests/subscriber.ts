// Who receives a subscription's digests and what they may carry: the subscription's principal as
// a Viewer (sharing/viewer.ts), which must be a registered reader (class policy), and the classes
// the e-mail channel policy allows its organisation's tier and the subscription's choices.
import type { ErrorCode } from '../../core/errors.ts';
import type { DigestSubscription, Store } from '../../core/store/port.ts';
import { isRegistered } from '../class-policy.ts';
import { loadViewer, type Viewer } from '../viewer.ts';
import { digestChannel, type ChannelPolicy, type DigestChannel } from './channels.ts';

export type Subscriber =
  { readonly ok: true; readonly viewer: Viewer; readonly channel: DigestChannel } | { readonly ok: false; readonly code: ErrorCode; readonly reason: string };

/** Why this viewer may not hold a digest subscription, or null when it may. */
export function subscriberProblem(viewer: Viewer | null): { readonly code: ErrorCode; readonly reason: string } | null {
  if (!viewer) return { code: 'NOT_FOUND', reason: 'the principal or its organisation no longer exists' };
  if (!viewer.principal.roles.includes('reader')) return { code: 'FORBIDDEN', reason: `principal ${viewer.principal.name} does not have the reader role` };
  const name = viewer.principal.name;
  if (!isRegistered(viewer)) return { code: 'FORBIDDEN', reason: `principal ${name} is disabled or its organisation has not accepted the operating rules` };
  if (!viewer.principal.email) return { code: 'VALIDATION_FAILED', reason: `principal ${viewer.principal.name} has no e-mail address` };
  return null;
}

export async function loadSubscriber(
  store: Pick<Store, 'getPrincipal' | 'getOrganisation'>,
  channels: ChannelPolicy,
  sub: Pick<DigestSubscription, 'principalId' | 'amber' | 'smimeCertificate'>,
): Promise<Subscriber> {
  const principal = await store.getPrincipal(sub.principalId);
  const viewer = principal ? await loadViewer(store, principal) : null;
  const problem = subscriberProblem(viewer);
  if (problem || !viewer) return { ok: false, ...(problem ?? { code: 'NOT_FOUND', reason: 'no viewer' }) };
  const channel = digestChannel(channels, viewer.org.tier, sub);
  if (channel.classes.length === 0) return { ok: false, code: 'FORBIDDEN', reason: `the channel policy sends no class by e-mail to ${viewer.org.tier}s` };
  return { ok: true, viewer, channel };
}
