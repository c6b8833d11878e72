// The e-mail channel policy (policies/digests/channels.json): which classes a digest may carry.
// Two rules meet: per class, whether e-mail may carry it at all (`never`), only S/MIME-encrypted to
// the subscriber's registered certificate (`encrypted`), or as ordinary mail (`plain`); per
// organisation tier, the widest audience a digest starts from (`from`) and, for participants, the
// class they may opt in to (`optIn`). Who may see what is still decided by the class policy when
// the feed is read; this only narrows what travels by mail.
import { z } from 'zod';
import { CLASSES, TIERS, type SharingClass, type Tier } from '../../core/types.ts';
import { classesFrom, isWider } from '../../core/class-order.ts';
import { readDigestPolicy } from './policy-file.ts';

export const CHANNELS_FILE = 'channels.json';

const mode = z.enum(['never', 'encrypted', 'plain']);
export type EmailMode = z.infer<typeof mode>;

const tierRule = z
  .strictObject({
    /** Digests carry this class and every wider one. */
    from: z.enum(CLASSES),
    /** A subscription that opted in also carries this (narrower) class and wider. */
    optIn: z.enum(CLASSES).optional(),
  })
  .refine((r) => r.optIn === undefined || isWider(r.from, r.optIn), 'optIn must be narrower than from');

export const channelsSchema = z.strictObject({
  version: z.literal(1),
  email: z.strictObject({
    RED: z.literal('never'),
    AMBER: z.enum(['never', 'encrypted']),
    YELLOW: mode,
    GREEN: mode,
    WHITE: mode,
  }),
  tiers: z.strictObject(Object.fromEntries(TIERS.map((t) => [t, tierRule])) as Record<Tier, typeof tierRule>),
});

export type ChannelPolicy = Readonly<z.infer<typeof channelsSchema>>;

export function loadChannelPolicy(policiesDir: string): ChannelPolicy {
  return readDigestPolicy(policiesDir, CHANNELS_FILE, channelsSchema);
}

export interface ChannelChoice {
  readonly amber: boolean;
  readonly smimeCertificate: string | null;
}

export interface DigestChannel {
  /** Classes this subscription's digests may carry, most restrictive first (empty: nothing may go). */
  readonly classes: readonly SharingClass[];
  /** One of them may travel only S/MIME-encrypted: every message is encrypted to the certificate. */
  readonly encrypt: boolean;
}

/** The classes a subscription of an organisation of this tier may receive by e-mail. */
export function digestChannel(policy: ChannelPolicy, tier: Tier, choice: ChannelChoice): DigestChannel {
  const rule = policy.tiers[tier];
  const start = choice.amber && rule.optIn ? rule.optIn : rule.from;
  const classes = classesFrom(start).filter((c) => {
    const m = policy.email[c];
    return m === 'plain' || (m === 'encrypted' && choice.smimeCertificate !== null);
  });
  return { classes, encrypt: classes.some((c) => policy.email[c] === 'encrypted') };
}

/** Why an opt-in cannot be honoured, or null when it can (asked when subscribing). */
export function optInProblem(policy: ChannelPolicy, tier: Tier, choice: ChannelChoice): string | null {
  if (!choice.amber) return null;
  const optIn = policy.tiers[tier].optIn;
  if (!optIn) return `the channel policy offers no opt-in to ${tier}s`;
  if (policy.email[optIn] === 'never') return `the channel policy does not send ${optIn} by e-mail (policies/digests/channels.json)`;
  if (policy.email[optIn] === 'encrypted' && choice.smimeCertificate === null)
    return `${optIn} digests are sent only S/MIME-encrypted: register a certificate (--smime-cert)`;
  return null;
}
