// Query and body validation for the API: zod schemas, VALIDATION_FAILED (400) listing every
// problem. Lists accept both `a,b` and repeated parameters; unknown parameters are refused so a
// typo (`sinse=`) does not silently return everything.
import { z } from 'zod';
import { C4Error } from '../../core/errors.ts';
import { CLASSES } from '../../core/types.ts';

export function parseWith<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
    throw new C4Error('VALIDATION_FAILED', `invalid ${what}: ${problems.join('; ')}`, { problems });
  }
  return r.data;
}

/** `a,b` or `x=a&x=b` as a non-empty list of allowed values. */
export function listOf<T extends string>(values: readonly [T, ...T[]], normalise: (s: string) => string = (s) => s) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => normalise(s.trim()))
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));
}

export const classList = listOf(CLASSES, (s) => s.toUpperCase());

/** An ISO 8601 time with offset, normalised to UTC `toISOString()` form (how the store keeps times). */
export const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

/** Integers arrive as strings in a query. */
export const queryInt = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
