// What triage keeps in submission.details.triage: the acknowledgement of the victim-name check
// and the submitter's recorded consent to wider classes. Read leniently; each part is written with
// SubmissionPatch.detailsMerge, so other stages' keys stay.
import { z } from 'zod';
import { CLASSES, KINDS, type ClassByKind, type InfoKind, type SharingClass, type Submission } from '../../../core/types.ts';
import { widest } from '../../../sharing/class-order.ts';

const triageSchema = z.object({
  victimAck: z.object({ fingerprint: z.string(), by: z.string(), at: z.string() }).nullable().default(null),
  consent: z.partialRecord(z.enum(KINDS), z.object({ class: z.enum(CLASSES), by: z.string(), at: z.string(), note: z.string() })).default({}),
});

export type TriageState = z.infer<typeof triageSchema>;

export function triageState(sub: Submission): TriageState {
  const r = triageSchema.safeParse(sub.details.triage ?? {});
  return r.success ? r.data : { victimAck: null, consent: {} };
}

/**
 * The widest class the submitter agreed to for each kind: their own choice at submission (the
 * class decisions) or a consent recorded later, whichever is wider.
 */
export function consentCeiling(sub: Submission): Partial<ClassByKind> {
  const state = triageState(sub);
  const out: Partial<Record<InfoKind, SharingClass>> = {};
  for (const kind of KINDS) {
    const chosen = sub.classDecisions.filter((d) => d.kind === kind).map((d) => d.class);
    const recorded = state.consent[kind]?.class;
    const w = widest([...chosen, ...(recorded ? [recorded] : [])]);
    if (w) out[kind] = w;
  }
  return out;
}
