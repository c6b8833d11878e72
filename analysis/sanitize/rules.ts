// The sanitization rules (policies/sanitization/rules.json, described in its README.md).
import path from 'node:path';
import { z } from 'zod';
import { readPolicyJson } from '../../core/policy-file.ts';

export const SANITIZATION_RULES_FILE = path.join('sanitization', 'rules.json');

const words = z.array(z.string().min(1));

export const sanitizationRulesSchema = z.strictObject({
  version: z.literal(1),
  placeholders: z.strictObject({ address: z.string().min(1), name: z.string().min(1), org: z.string().min(1) }),
  minLength: z.strictObject({ latin: z.number().int().min(1), cjk: z.number().int().min(1) }),
  substringMinLength: z.number().int().min(1),
  genericLocalParts: words,
  genericNameWords: words,
  orgNameAffixes: words,
});

export type SanitizationRules = Readonly<z.infer<typeof sanitizationRulesSchema>>;

/** Reads and validates <policiesDir>/sanitization/rules.json. */
export function loadSanitizationRules(policiesDir: string): SanitizationRules {
  return Object.freeze(readPolicyJson(path.join(policiesDir, SANITIZATION_RULES_FILE), sanitizationRulesSchema, 'sanitization rules'));
}
