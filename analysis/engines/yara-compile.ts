// Compiling YARA rule files with YARA-X (@litko/yara-x): each file on its own first, so a file
// that does not compile is reported with its error and the others still load; then the files
// that compiled are shared out into as few rule sets as possible (one scan pass each), keeping
// for each rule the file it came from as its namespace. A file goes into a set of its own when
// its outline is uncertain, when it has a global rule (global rules bind their namespace only),
// or when a rule name clashes with a file already in the set.
//
// Files and groups are checked with the binding's validate(): YARA-X's parser and code emitter,
// which report every error and warning compile() would, without building the scanner (the
// wasmtime code generation and pattern automata, about 4/5 of compile()'s time on the community
// rule set). Only a scan thread builds the rules it scans with.
//
// This runs in a thread of its own (yara-compile-thread.ts): checking a community-size rule set
// takes seconds. What it gives back is data: per file its outline and warnings (no source), per
// group its source as UTF-8 bytes in a SharedArrayBuffer, which reaches the event loop and every
// scan thread as a reference, never as a copy (structured-cloning the 6 MB of sources of the
// community set, and again for each scan thread, blocked the loop for 250 ms). The binding (0.3.0)
// cannot serialize compiled rules, so each scan thread compiles the group source itself, once,
// off the event loop (yara-pool.ts).
import { compile, validate } from '@litko/yara-x';
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
      readonly outline: RuleFileOutline | null;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly file: string; readonly error: string };

/** A rule file that compiled, with its source (kept on the compile thread only). */
export type CompiledFile = Extract<FileCompilation, { ok: true }> & { readonly source: string };

/** A rule set that compiles (one scan pass) as plain data, as the compile thread sends it. */
export interface RuleGroupPlan {
  /** The source of the set as UTF-8 (a scan thread compiles its own copy from it); shared, never copied. */
  readonly source: SharedArrayBuffer;
  readonly files: readonly string[];
  /** Rule → namespace (its file), when the set has several files. */
  readonly namespaces: readonly (readonly [string, string])[];
  /** The namespace of a rule not in `namespaces`. */
  readonly fallback: string;
}

/** A rule set and, for each of its rules, the namespace (rule file) it came from. */
export interface RuleGroup {
  readonly source: SharedArrayBuffer;
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
    rules = compile(sourceText(group.source), COMPILER_OPTIONS) as CompiledRules;
    rules.setMaxMatchesPerPattern(maxMatchesPerPattern);
    compiledGroups.set(group, rules);
  }
  return rules;
}

/** Namespace of a rule file: its name without the .yar/.yara extension. */
export function namespaceOf(file: string): string {
  return file.replace(/\.yara?$/i, '');
}

/** A group's source text from its shared UTF-8 bytes (a scan thread decodes its own copy). */
export function sourceText(bytes: SharedArrayBuffer): string {
  return Buffer.from(bytes).toString('utf8');
}

function sharedSource(source: string): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(Buffer.byteLength(source, 'utf8'));
  Buffer.from(shared).write(source, 'utf8');
  return shared;
}

/** The first error of YARA-X's check of a source, or null when it compiles. */
function firstError(source: string): string | null {
  const { errors } = validate(source, COMPILER_OPTIONS);
  return errors.length > 0 ? errors[0]!.message : null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Check one rule file on its own. `bytes` are the file's content. */
export function compileFile(file: string, bytes: Uint8Array): CompiledFile | Extract<FileCompilation, { ok: false }> {
  let source: string;
  try {
    source = utf8.decode(bytes);
  } catch {
    return { ok: false, file, error: 'rule file is not valid UTF-8 (write non-ASCII bytes as hex strings)' };
  }
  try {
    const { errors, warnings } = validate(source, COMPILER_OPTIONS);
    if (errors.length > 0) return { ok: false, file, error: errors[0]!.message };
    return { ok: true, file, namespace: namespaceOf(file), source, outline: outlineRules(source), warnings: warnings.map((w) => w.message) };
  } catch (err) {
    return { ok: false, file, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Share compiled files out into rule groups (see the header); input order is kept. */
export function groupRuleFiles(files: readonly CompiledFile[]): RuleGroupPlan[] {
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

function single(f: CompiledFile): RuleGroupPlan {
  return { source: sharedSource(f.source), files: [f.file], namespaces: [], fallback: f.namespace };
}

/** One rule set from several files whose outlines are known, or null if it does not compile. */
function compileGroup(members: readonly CompiledFile[]): RuleGroupPlan | null {
  const namespaces: [string, string][] = [];
  for (const m of members) for (const r of m.outline!.rules) namespaces.push([r, m.namespace]);
  const text = members.map((m) => m.source).join('\n');
  try {
    if (firstError(text) !== null) return null;
  } catch {
    return null;
  }
  const source = sharedSource(text);
  // Only reachable if the outline missed a rule YARA-X saw: say truthfully "one of these files".
  const fallback = members.map((m) => m.namespace).join('|');
  return { source, files: members.map((m) => m.file), namespaces, fallback };
}
