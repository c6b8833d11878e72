// Reading one JSON policy file of policies/digests with its zod schema (core/policy-file.ts).
import path from 'node:path';
import type { z } from 'zod';
import { readPolicyJson } from '../../core/policy-file.ts';

export const DIGEST_POLICY_DIR = 'digests';

export function readDigestPolicy<S extends z.ZodType>(policiesDir: string, name: string, schema: S): z.infer<S> {
  return readPolicyJson(path.join(policiesDir, DIGEST_POLICY_DIR, name), schema, 'digest policy');
}
