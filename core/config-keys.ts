// Unknown settings: keys of a config file and C4TAP_* environment variables that name no setting.
// A mistyped name is refused with the closest real one ("did you mean …"), never silently ignored.
import { closest, distance } from 'fastest-levenshtein';

/** C4TAP_* variables that are not settings: the config file's path and the test tools' own. */
const RESERVED_ENV = ['C4TAP_CONFIG', 'C4TAP_DEBUG'];
const RESERVED_ENV_PREFIXES = ['C4TAP_TEST_', 'C4TAP_MONGO_'];

/** The closest candidate when it is near enough to be a likely typo, else null. */
export function didYouMean(name: string, candidates: readonly string[]): string | null {
  if (candidates.length === 0) return null;
  const best = closest(
    name.toLowerCase(),
    candidates.map((c) => c.toLowerCase()),
  );
  const original = candidates.find((c) => c.toLowerCase() === best)!;
  const limit = Math.max(2, Math.floor(name.length / 3));
  return distance(name.toLowerCase(), best) <= limit ? original : null;
}

function hint(name: string, candidates: readonly string[]): string {
  const guess = didYouMean(name, candidates);
  return guess ? `did you mean ${guess}?` : 'see the configuration table in README.md';
}

/** Problems, one per unknown key of a config file (`smtp.prot: unknown setting … did you mean smtp.port?`). */
export function unknownFileKeys(raw: unknown, knownPaths: readonly string[], file: string): string[] {
  const sections = new Set(
    knownPaths.flatMap((p) =>
      p
        .split('.')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('.')),
    ),
  );
  const leaves = new Set(knownPaths);
  const out: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const keyPath = prefix + key;
      if (!prefix && key === '$schema') continue;
      if (leaves.has(keyPath)) continue;
      if (sections.has(keyPath)) {
        walk(inner, keyPath + '.');
        continue;
      }
      out.push(`${keyPath} (config file ${file}): unknown setting, ${hint(keyPath, [...leaves, ...sections])}`);
    }
  };
  walk(raw, '');
  return out;
}

/** Problems, one per C4TAP_* environment variable that names no setting. */
export function unknownEnvNames(env: NodeJS.ProcessEnv, knownNames: readonly string[]): string[] {
  const known = new Set(knownNames);
  return Object.keys(env)
    .filter((name) => name.startsWith('C4TAP_') && env[name] !== undefined)
    .filter((name) => !known.has(name) && !RESERVED_ENV.includes(name) && !RESERVED_ENV_PREFIXES.some((p) => name.startsWith(p)))
    .sort()
    .map((name) => `${name} (environment): unknown setting, ${hint(name, knownNames)}`);
}
