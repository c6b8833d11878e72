// Reading JSON policy files (policies/: sanitization rules, warning lists, digests, retention)
// against a zod schema. One reader for all of them: CONFIG_INVALID names the file and lists every
// problem, so a start-up fails with one message an operator can act on.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { C4Error } from './errors.ts';

/** The file's JSON; CONFIG_INVALID naming `what` and the file when it is missing or not JSON. */
export function readJsonFile(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `cannot read ${what} ${file}: ${(err as Error).message}`, { file });
  }
}

/** `raw` checked against the schema; CONFIG_INVALID listing every problem with its path. */
export function validatePolicy<S extends z.ZodType>(file: string, raw: unknown, schema: S, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new C4Error('CONFIG_INVALID', `invalid ${what} ${file}:\n  ${problems.join('\n  ')}`, { file, problems });
}

export function readPolicyJson<S extends z.ZodType>(file: string, schema: S, what: string): z.infer<S> {
  return validatePolicy(file, readJsonFile(file, what), schema, what);
}
