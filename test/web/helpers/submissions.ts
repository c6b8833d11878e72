// Submissions as the console meets them: a participant's forward accepted through the real
// accept path (ingest/accept.ts), then analysed by the real pipeline (YARA rules from policies/,
// no clamd), so the console shows what production would.
import path from 'node:path';
import { acceptMessage } from '../../../ingest/accept.ts';
import { createYaraScanner } from '../../../analysis/engines/yara.ts';
import { analyseSubmission } from '../../../analysis/pipeline.ts';
import { exchangeIdentity, loadAnalysisPolicies } from '../../../analysis/pipeline-indicators.ts';
import { buildMail, type FixtureAttachment } from '../../fixtures/mail-builder.ts';
import type { Organisation, Principal, Submission } from '../../../core/types.ts';
import { addOrganisation, addPrincipal } from '../../../core/directory.ts';
import { DROP, PARTICIPANT_DOMAIN, type ConsoleEnv } from './console-env.ts';

export interface PhishSpec {
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly FixtureAttachment[];
  /** The forwarding note (class directives go here). */
  readonly note?: string;
  readonly messageId?: string;
  /** Charset of the original's subject, names and bodies (utf-8 by default). */
  readonly charset?: 'utf-8' | 'iso-2022-jp' | 'shift_jis';
  /** The original's Received fields, top first. */
  readonly received?: readonly string[];
}

/** A spear-phishing mail to a participant's employee, forwarded to the drop address. */
export async function buildPhishForward(spec: PhishSpec = {}): Promise<Buffer> {
  const original = await buildMail({
    from: 'Billing Desk <billing@invoice-portal.top>',
    to: `Taro Yamada <taro.yamada@${PARTICIPANT_DOMAIN}>`,
    subject: spec.subject ?? 'Overdue invoice 4411',
    messageId: spec.messageId ?? `<inv-${Math.random().toString(36).slice(2)}@invoice-portal.top>`,
    text: spec.text ?? `Dear Taro,\nplease pay at https://invoice-portal.top/pay?id=4411 or contact 45.77.12.9.\n`,
    ...(spec.html ? { html: spec.html } : {}),
    attachments: [...(spec.attachments ?? [])],
    ...(spec.charset ? { charset: spec.charset } : {}),
    ...(spec.received ? { received: spec.received } : {}),
  });
  return buildMail({
    from: `soc@${PARTICIPANT_DOMAIN}`,
    to: DROP,
    subject: 'FW: suspicious invoice',
    text: spec.note ?? 'C4TAP-Class: AMBER\nReceived by our accounting team.',
    attachments: [{ filename: 'original.eml', content: original, contentType: 'message/rfc822', encoding: '8bit' }],
  });
}

/** Accepts a forward as `principal` (default: the env's submitter at Example Rail). */
export async function ingest(env: ConsoleEnv, raw: Buffer, principal: Principal = env.submitter.principal): Promise<string> {
  const result = await acceptMessage(
    { store: env.ctx.store, vault: env.ctx.vault, clock: env.ctx.clock, newId: env.ctx.newId, log: env.ctx.log, dropAddress: DROP },
    {
      principal,
      envelope: { mailFrom: principal.email, rcptTo: [DROP], remoteAddress: '198.51.100.10', heloName: `mx.${PARTICIPANT_DOMAIN}`, transport: 'smtp' },
      raw,
    },
  );
  return result.submissions[0]!.id;
}

/** Participant organisations in other sectors, each with a submitter (for mass-mailing clusters). */
export async function addParticipants(env: ConsoleEnv, sectors: readonly string[]): Promise<{ org: Organisation; submitter: Principal }[]> {
  const out: { org: Organisation; submitter: Principal }[] = [];
  for (const [i, sector] of sectors.entries()) {
    const domain = `org${i}-${sector}.example`;
    const org = await addOrganisation(env.ctx, 'test', {
      name: `Participant ${i} (${sector})`,
      tier: 'participant',
      sector,
      domains: [domain],
      contacts: [
        {
          name: 'SOC',
          means: [
            { kind: 'email', value: `soc@${domain}` },
            { kind: 'phone', value: `+81 3 0000 10${i}0` },
          ],
        },
      ],
      rulesAccepted: true,
    });
    const added = await addPrincipal(env.ctx, 'test', { orgId: org.id, name: `soc-${i}`, email: `soc@${domain}`, roles: ['submitter'], language: 'ja' });
    out.push({ org, submitter: added.principal });
  }
  return out;
}

/** Runs the analysis job of a submission now, as the worker would. */
export async function analyse(env: ConsoleEnv, submissionId: string): Promise<Submission> {
  const yara = await createYaraScanner({ rulesDir: path.join(env.config.policiesDir, 'yara'), log: env.ctx.log });
  try {
    const sub = (await env.ctx.store.getSubmission(submissionId))!;
    await analyseSubmission(
      {
        store: env.ctx.store,
        vault: env.ctx.vault,
        clock: env.ctx.clock,
        log: env.ctx.log,
        yara,
        av: null,
        limits: env.config.analysis,
        policies: loadAnalysisPolicies(env.config.policiesDir),
        exchange: exchangeIdentity(env.config.exchange),
      },
      sub,
      { finalAttempt: true },
    );
    return (await env.ctx.store.getSubmission(submissionId))!;
  } finally {
    await yara.close();
  }
}

export async function ingestAndAnalyse(env: ConsoleEnv, spec: PhishSpec = {}): Promise<Submission> {
  return analyse(env, await ingest(env, await buildPhishForward(spec)));
}
