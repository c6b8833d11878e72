// Reading one JSON policy file of policies/digests with its zod schema, the way the other policies
// are read (quarantine/retention-policy.ts): CONFIG_INVALID naming the file and every problem.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { C4Error } from '../../core/errors.ts';

export const DIGEST_POLICY_DIR = 'digests';

export function readDigestPolicy<S extends z.ZodType>(policiesDir: string, name: string, schema: S): z.infer<S> {
  const file = path.join(policiesDir, DIGEST_POLICY_DIR, name);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `cannot read digest policy ${file}: ${(err as Error).message}`, { file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new C4Error('CONFIG_INVALID', `invalid digest policy ${file}:\n  ${problems.join('\n  ')}`, { file, problems });
  }
  return parsed.data;
}
