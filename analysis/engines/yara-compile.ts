// Compiling YARA rule files with YARA-X (@litko/yara-x): each file on its own first, so a file
// that does not compile is reported with its error and the others still load; then the files
// that compiled are shared out into as few rule sets as possible (one scan pass each), keeping
// for each rule the file it came from as its namespace. A file goes into a set of its own when
// its outline is uncertain, when it has a global rule (global rules bind their namespace only),
// or when a rule name clashes with a file already in the set.
import { compile } from '@litko/yara-x';
import type { CompilerWarning, RuleMatch } from '@litko/yara-x';
import { outlineRules, type RuleFileOutline } from './yara-outline.ts';

/** The part of the binding's compiled-rules object we use (its d.ts leaves compile() untyped). */
export interface CompiledRules {
  scanAsync(data: Buffer): Promise<RuleMatch[]>;
  setMaxMatchesPerPattern(maxMatches: number): void;
  getWarnings(): CompilerWarning[];
}

/** Includes would let a rule file read any file on the host; each file stands alone. */
export const COMPILER_OPTIONS = { enableIncludes: false } as const;

export type FileCompilation =
  | { readonly ok: true; readonly file: string; readonly namespace: string; readonly source: string; readonly rules: CompiledRules; readonly outline: RuleFileOutline | null; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly file: string; readonly error: string };

/** A compiled rule set and, for each of its rules, the namespace (rule file) it came from. */
export interface RuleGroup {
  readonly rules: CompiledRules;
  /** The source `rules` was compiled from (a scan-pool thread compiles its own copy from it). */
  readonly source: string;
  readonly files: readonly string[];
  namespaceOf(rule: string): string;
}

/** Namespace of a rule file: its name without the .yar/.yara extension. */
export function namespaceOf(file: string): string {
  return file.replace(/\.yara?$/i, '');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Compile one rule file on its own. `bytes` are the file's content. */
export function compileFile(file: string, bytes: Uint8Array): FileCompilation {
  let source: string;
  try {
    source = utf8.decode(bytes);
  } catch {
    return { ok: false, file, error: 'rule file is not valid UTF-8 (write non-ASCII bytes as hex strings)' };
  }
  try {
    const rules = compile(source, COMPILER_OPTIONS) as CompiledRules;
    const warnings = rules.getWarnings().map((w) => w.message);
    return { ok: true, file, namespace: namespaceOf(file), source, rules, outline: outlineRules(source), warnings };
  } catch (err) {
    return { ok: false, file, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Share compiled files out into rule groups (see the header); input order is kept. */
export function groupRuleFiles(files: readonly Extract<FileCompilation, { ok: true }>[]): RuleGroup[] {
  const shared: { members: (typeof files)[number][]; names: Set<string> }[] = [];
  const alone: (typeof files)[number][] = [];
  for (const f of files) {
    const outline = f.outline;
    if (!outline || outline.hasGlobal || new Set(outline.rules).size !== outline.rules.length) {
      alone.push(f);
      continue;
    }
    let group = shared.find((g) => outline.rules.every((r) => !g.names.has(r)));
    if (!group) {
      group = { members: [], names: new Set() };
      shared.push(group);
    }
    group.members.push(f);
    for (const r of outline.rules) group.names.add(r);
  }
  const groups: RuleGroup[] = alone.map(single);
  for (const g of shared) {
    if (g.members.length === 1) {
      groups.push(single(g.members[0]!));
      continue;
    }
    const combined = compileGroup(g.members);
    if (combined) groups.push(combined);
    else groups.push(...g.members.map(single));
  }
  return groups;
}

function single(f: Extract<FileCompilation, { ok: true }>): RuleGroup {
  return { rules: f.rules, source: f.source, files: [f.file], namespaceOf: () => f.namespace };
}

/** One rule set from several files whose outlines are known, or null if it does not compile. */
function compileGroup(members: readonly Extract<FileCompilation, { ok: true }>[]): RuleGroup | null {
  const byRule = new Map<string, string>();
  for (const m of members) for (const r of m.outline!.rules) byRule.set(r, m.namespace);
  const source = members.map((m) => m.source).join('\n');
  let rules: CompiledRules;
  try {
    rules = compile(source, COMPILER_OPTIONS) as CompiledRules;
  } catch {
    return null;
  }
  // Only reachable if the outline missed a rule YARA-X saw: say truthfully "one of these files".
  const fallback = members.map((m) => m.namespace).join('|');
  return {
    rules,
    source,
    files: members.map((m) => m.file),
    namespaceOf: (rule) => byRule.get(rule) ?? fallback,
  };
}
