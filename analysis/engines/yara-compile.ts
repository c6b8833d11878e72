// Compiling YARA rule files with YARA-X (@litko/yara-x): each file on its own first, so a file
// that does not compile is reported with its error and the others still load; then the files
// that compiled are shared out into as few rule sets as possible (one scan pass each), keeping
// for each rule the file it came from as its namespace. A file goes into a set of its own when
// its outline is uncertain, when it has a global rule (global rules bind their namespace only),
// or when a rule name clashes with a file already in the set.
//
// This runs in a thread of its own (yara-compile-thread.ts): compiling a community-size rule set
// takes seconds to tens of seconds. What it gives back is plain data (sources, outlines, which
// file each rule came from): the binding (0.3.0) cannot serialize compiled rules, so each scan
// thread compiles the group sources itself, once, off the event loop (yara-pool.ts).
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
  | {
      readonly ok: true;
      readonly file: string;
      readonly namespace: string;
      readonly source: string;
      readonly outline: RuleFileOutline | null;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly file: string; readonly error: string };

/** A rule set that compiles (one scan pass) as plain data, as the compile thread sends it. */
export interface RuleGroupPlan {
  /** The source of the set (a scan thread compiles its own copy from it). */
  readonly source: string;
  readonly files: readonly string[];
  /** Rule → namespace (its file), when the set has several files. */
  readonly namespaces: readonly (readonly [string, string])[];
  /** The namespace of a rule not in `namespaces`. */
  readonly fallback: string;
}

/** A rule set and, for each of its rules, the namespace (rule file) it came from. */
export interface RuleGroup {
  readonly source: string;
  readonly files: readonly string[];
  namespaceOf(rule: string): string;
}

export function groupOf(plan: RuleGroupPlan): RuleGroup {
  const byRule = new Map(plan.namespaces);
  return { source: plan.source, files: plan.files, namespaceOf: (rule) => byRule.get(rule) ?? plan.fallback };
}

/** Compiled rules of a group, for scans on this thread (threads: 0): compiled on first use. */
const compiledGroups = new WeakMap<RuleGroup, CompiledRules>();
export function compiledRulesOf(group: RuleGroup, maxMatchesPerPattern: number): CompiledRules {
  let rules = compiledGroups.get(group);
  if (!rules) {
    rules = compile(group.source, COMPILER_OPTIONS) as CompiledRules;
    rules.setMaxMatchesPerPattern(maxMatchesPerPattern);
    compiledGroups.set(group, rules);
  }
  return rules;
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
    return { ok: true, file, namespace: namespaceOf(file), source, outline: outlineRules(source), warnings };
  } catch (err) {
    return { ok: false, file, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Share compiled files out into rule groups (see the header); input order is kept. */
export function groupRuleFiles(files: readonly Extract<FileCompilation, { ok: true }>[]): RuleGroupPlan[] {
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
  const groups: RuleGroupPlan[] = alone.map(single);
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

function single(f: Extract<FileCompilation, { ok: true }>): RuleGroupPlan {
  return { source: f.source, files: [f.file], namespaces: [], fallback: f.namespace };
}

/** One rule set from several files whose outlines are known, or null if it does not compile. */
function compileGroup(members: readonly Extract<FileCompilation, { ok: true }>[]): RuleGroupPlan | null {
  const namespaces: [string, string][] = [];
  for (const m of members) for (const r of m.outline!.rules) namespaces.push([r, m.namespace]);
  const source = members.map((m) => m.source).join('\n');
  try {
    compile(source, COMPILER_OPTIONS);
  } catch {
    return null;
  }
  // Only reachable if the outline missed a rule YARA-X saw: say truthfully "one of these files".
  const fallback = members.map((m) => m.namespace).join('|');
  return { source, files: members.map((m) => m.file), namespaces, fallback };
}
