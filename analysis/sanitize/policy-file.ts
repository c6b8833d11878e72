// Reading one JSON policy file against a zod schema; CONFIG_INVALID lists every problem.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { C4Error } from '../../core/errors.ts';

export function readPolicyJson<S extends z.ZodType>(file: string, schema: S, what: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `cannot read ${what} ${file}: ${(err as Error).message}`, { file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new C4Error('CONFIG_INVALID', `invalid ${what} ${file}:\n  ${problems.join('\n  ')}`, { file, problems });
  }
  return parsed.data;
}
