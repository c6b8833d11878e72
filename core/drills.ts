// Drill acknowledgement tokens and recording an acknowledgement, shared by the two ways a point of
// contact answers a drill notice: replying by mail (ingest/drill-reply.ts) and the link
// (web/console/routes/drill-ack-routes.ts). The token is 128 random bits as lower-case hex, so it
// survives mail systems that fold the case of a local part; only its keyed hash is stored, so the
// database alone cannot be used to acknowledge.
import { createHmac, randomBytes } from 'node:crypto';
import type { AuditAppender } from './audit.ts';
import type { Clock } from './ids.ts';
import type { Secrets } from './secrets.ts';
import type { DrillAck, DrillAckVia, DrillNotice, Store } from './store/port.ts';

const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

/** Local part prefix of reply addresses: `drill+<token>@<drop domain>`. */
export const DRILL_REPLY_PREFIX = 'drill+';

export function newDrillToken(): string {
  return randomBytes(16).toString('hex');
}

/** The token in canonical form (lower case), or null when it cannot be one of ours. */
export function canonicalDrillToken(text: string): string | null {
  const t = text.trim().toLowerCase();
  return TOKEN_PATTERN.test(t) ? t : null;
}

/** The HMAC key of token hashes, derived from the session secret for this purpose only. */
export function drillTokenKey(secrets: Pick<Secrets, 'sessionSecret'>): Buffer {
  return createHmac('sha256', Buffer.from(secrets.sessionSecret, 'base64')).update('c4tap-drill:ack-token').digest();
}

export function hashDrillToken(key: Buffer, token: string): string {
  return createHmac('sha256', key).update(token).digest('hex');
}

/** `drill+<token>@<domain of the drop address>`. */
export function drillReplyAddress(token: string, dropAddress: string): string {
  return `${DRILL_REPLY_PREFIX}${token}@${dropAddress.slice(dropAddress.lastIndexOf('@') + 1)}`;
}

export interface DrillAckDeps {
  readonly store: Pick<Store, 'getDrillNoticeByTokenHash' | 'acknowledgeDrillNotice'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly tokenKey: Buffer;
}

/** The notice a token belongs to, or null (malformed or unknown token). */
export async function findDrillNotice(deps: Pick<DrillAckDeps, 'store' | 'tokenKey'>, token: string): Promise<DrillNotice | null> {
  const t = canonicalDrillToken(token);
  return t ? deps.store.getDrillNoticeByTokenHash(hashDrillToken(deps.tokenKey, t)) : null;
}

/**
 * Records an acknowledgement, durably and audited, and returns it; null (nothing changed, nothing
 * audited) for a malformed or unknown token. A repeated acknowledgement keeps the first time and
 * way; it is audited too, marked `first: false`.
 */
export async function acknowledgeDrill(deps: DrillAckDeps, token: string, via: DrillAckVia, actor: string): Promise<DrillAck | null> {
  const t = canonicalDrillToken(token);
  if (!t) return null;
  const ack = await deps.store.acknowledgeDrillNotice(hashDrillToken(deps.tokenKey, t), deps.clock().toISOString(), via);
  if (!ack) return null;
  await deps.audit({
    actor,
    action: 'drill.acknowledged',
    target: ack.notice.drillId,
    data: { noticeId: ack.notice.id, orgId: ack.notice.orgId, via, first: ack.first, ackAt: ack.notice.ackAt },
  });
  return ack;
}
