// What triage keeps in submission.details.triage: the acknowledgement of the victim-name check,
// the analysts' proposals of wider classes and the submitter's recorded consent to them. Read
// leniently; each part is written with SubmissionPatch.detailsMerge, so other stages' keys stay.
import { z } from 'zod';
import { CLASSES, KINDS, type ClassByKind, type InfoKind, type SharingClass, type Submission } from '../../core/types.ts';
import { widest } from '../../core/class-order.ts';

const byKindEntry = z.object({ class: z.enum(CLASSES), by: z.string(), at: z.string(), note: z.string() });

const triageSchema = z.object({
  victimAck: z.object({ fingerprint: z.string(), by: z.string(), at: z.string() }).nullable().default(null),
  /** The submitter's consent to a wider class, per kind (recorded by the secretariat or given by the submitter's organisation). */
  consent: z.partialRecord(z.enum(KINDS), byKindEntry).default({}),
  /** A wider class an analyst proposed, per kind, waiting for the submitter's consent. */
  proposals: z.partialRecord(z.enum(KINDS), byKindEntry).default({}),
});

export type TriageState = z.infer<typeof triageSchema>;
export type ByKindEntry = z.infer<typeof byKindEntry>;

export function triageState(sub: Submission): TriageState {
  const r = triageSchema.safeParse(sub.details['triage'] ?? {});
  return r.success ? r.data : { victimAck: null, consent: {}, proposals: {} };
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
