// Starting a drill: one notice per point of contact of every organisation (or those chosen),
// created durably with the drill and audited before anything is sent; then each notice is mailed
// with its own acknowledgement token, which lives only in memory and in the mail (the store keeps
// its keyed hash). Sending runs after start returns, so the console can answer at once; every
// outcome (sent time or error) is recorded per notice. A notice that could not be sent gets a new
// token and goes out again with `resendDrill` (its first token never reached anyone).
import type { AuditAppender } from '../../core/audit.ts';
import { drillReplyAddress, hashDrillToken, newDrillToken } from '../../core/drills.ts';
import { C4Error } from '../../core/errors.ts';
import type { Clock, IdGenerator } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Mailer } from '../../core/mailer.ts';
import type { DirectoryStore, Drill, DrillStore, NewDrillNotice } from '../../core/store/port.ts';
import type { Organisation } from '../../core/types.ts';
import { buildNoticeMail } from './notice-mail.ts';

export interface DrillDeps {
  readonly store: DirectoryStore & DrillStore;
  readonly mailer: Mailer;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly log: Logger;
  /** Key of the token hashes (core/drills.ts drillTokenKey). */
  readonly tokenKey: Buffer;
  readonly exchange: { readonly name: string; readonly dropAddress: string; readonly baseUrl: string };
}

export interface StartDrillInput {
  /** Principal id, or `cli:<user>`. */
  readonly actor: string;
  readonly title?: string;
  /** Only these organisations (ids); all when absent or empty. */
  readonly orgIds?: readonly string[];
}

export interface SendSummary {
  readonly sent: number;
  readonly failed: number;
  /** Contacts without an e-mail address: recorded, never sent. */
  readonly withoutAddress: number;
}

export interface StartedDrill {
  readonly drill: Drill;
  readonly notices: number;
  /** Settles (never rejects) once every notice was sent or failed. */
  readonly sending: Promise<SendSummary>;
}

/** Path of the acknowledgement page under the exchange's base URL. */
export const DRILL_ACK_PATH = '/drill/ack';

export const NO_ADDRESS = 'no e-mail address';
const MAX_TITLE = 200;

interface Planned {
  readonly notice: Pick<NewDrillNotice, 'id' | 'orgName' | 'contactName' | 'address' | 'language'>;
  readonly token: string;
}

function plan(deps: DrillDeps, orgs: readonly Organisation[]): (Planned & { readonly notice: NewDrillNotice })[] {
  const out: (Planned & { readonly notice: NewDrillNotice })[] = [];
  for (const org of orgs) {
    for (const contact of org.contacts) {
      const address = contact.means.find((m) => m.kind === 'email')?.value.trim() ?? '';
      const token = newDrillToken();
      out.push({
        token,
        notice: {
          id: deps.newId('dn'),
          orgId: org.id,
          orgName: org.name,
          language: org.language,
          contactName: contact.name,
          address,
          tokenHash: hashDrillToken(deps.tokenKey, token),
          lastError: address ? null : NO_ADDRESS,
        },
      });
    }
  }
  return out;
}

async function chosenOrganisations(store: DirectoryStore & DrillStore, orgIds: readonly string[] | undefined): Promise<Organisation[]> {
  const all = await store.listOrganisations();
  if (!orgIds || orgIds.length === 0) return [...all];
  const wanted = new Set(orgIds);
  const found = all.filter((o) => wanted.has(o.id));
  const unknown = [...wanted].filter((id) => !found.some((o) => o.id === id));
  if (unknown.length > 0) throw new C4Error('VALIDATION_FAILED', `unknown organisation(s): ${unknown.join(', ')}`, { unknown });
  return found;
}

export async function startDrill(deps: DrillDeps, input: StartDrillInput): Promise<StartedDrill> {
  const now = deps.clock();
  const title = (input.title ?? '').trim() || `Drill ${now.toISOString().slice(0, 10)}`;
  if (title.length > MAX_TITLE) throw new C4Error('VALIDATION_FAILED', `drill title longer than ${MAX_TITLE} characters`);
  const orgs = await chosenOrganisations(deps.store, input.orgIds);
  const drill: Drill = { id: deps.newId('drill'), title, startedBy: input.actor, startedAt: now.toISOString() };
  const planned = plan(deps, orgs);
  if (planned.length === 0) throw new C4Error('VALIDATION_FAILED', 'no point of contact to send a drill notice to');
  await deps.store.createDrill(
    drill,
    planned.map((p) => p.notice),
  );
  const withoutAddress = planned.filter((p) => !p.notice.address).length;
  await deps.audit({
    actor: input.actor,
    action: 'drill.started',
    target: drill.id,
    data: { title, organisations: orgs.length, notices: planned.length, withoutAddress },
  });
  deps.log.info({ event: 'drill.started', drillId: drill.id, notices: planned.length }, 'drill started');
  return { drill, notices: planned.length, sending: sendAll(deps, drill, planned, withoutAddress) };
}

/**
 * Sends again the drill's notices that were never sent (the relay refused, or the process stopped
 * before sending): each gets a new token first. Sent or acknowledged notices are left alone.
 */
export async function resendDrill(deps: DrillDeps, drillId: string, actor: string): Promise<SendSummary> {
  const drill = await deps.store.getDrill(drillId);
  if (!drill) throw new C4Error('NOT_FOUND', `no drill ${drillId}`);
  const notices = await deps.store.listDrillNotices(drill.id);
  const planned: Planned[] = [];
  for (const n of notices) {
    if (n.sentAt !== null || n.ackAt !== null || !n.address) continue;
    const token = newDrillToken();
    const reissued = await deps.store.reissueDrillNotice(n.id, hashDrillToken(deps.tokenKey, token));
    if (reissued) planned.push({ notice: reissued, token });
  }
  const withoutAddress = notices.filter((n) => !n.address).length;
  await deps.audit({ actor, action: 'drill.resent', target: drill.id, data: { notices: planned.length } });
  return sendAll(deps, drill, planned, withoutAddress);
}

async function sendAll(deps: DrillDeps, drill: Drill, planned: readonly Planned[], withoutAddress: number): Promise<SendSummary> {
  let sent = 0;
  let failed = 0;
  for (const { notice, token } of planned) {
    if (!notice.address) continue;
    try {
      const mail = buildNoticeMail({
        exchangeName: deps.exchange.name,
        title: drill.title,
        orgName: notice.orgName,
        contactName: notice.contactName,
        address: notice.address,
        language: notice.language,
        drillId: drill.id,
        ackUrl: `${deps.exchange.baseUrl.replace(/\/+$/, '')}${DRILL_ACK_PATH}/${token}`,
        replyAddress: drillReplyAddress(token, deps.exchange.dropAddress),
      });
      let error: string | null = null;
      try {
        await deps.mailer.send(mail);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      await deps.store.markDrillNoticeSent(notice.id, error === null ? { sentAt: deps.clock().toISOString() } : { error: error.slice(0, 500) });
      if (error === null) sent++;
      else {
        failed++;
        deps.log.warn({ event: 'drill.notice_failed', drillId: drill.id, noticeId: notice.id, error }, 'drill notice not sent');
      }
    } catch (err) {
      // The store failed while recording the outcome: the report shows the notice as not sent.
      failed++;
      deps.log.error({ event: 'drill.record_failed', drillId: drill.id, noticeId: notice.id, err }, 'could not record a drill notice');
    }
  }
  deps.log.info({ event: 'drill.sent', drillId: drill.id, sent, failed, withoutAddress }, 'drill notices sent');
  return { sent, failed, withoutAddress };
}
