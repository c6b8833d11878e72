// The OASIS Python tools the STIX and TAXII tests run against: stix2-validator and taxii2-client,
// installed into .tmp/venv by .ci/python/setup.sh. Under CI a missing tool fails the suite;
// elsewhere the suite is skipped with the command that installs the tools.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { requireTool } from '../../helpers/require-tool.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const VENV_PYTHON = path.join(ROOT, '.tmp/venv/bin/python');
const VALIDATE = path.join(ROOT, '.ci/python/validate_stix.py');

/** Call in a `before` hook: fails under CI, skips elsewhere, when the venv is missing. */
export function requirePythonTools(ctx: Mocha.Context): void {
  requireTool(ctx, existsSync(VENV_PYTHON) ? null : { why: `OASIS Python tools missing (${path.relative(ROOT, VENV_PYTHON)})`, fix: '.ci/python/setup.sh' });
}

export function runPython(args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      VENV_PYTHON,
      args,
      { env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export interface ValidationResult {
  readonly file: string;
  readonly valid: boolean;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** Runs the OASIS validator (strict mode: warnings are errors) over these documents, in one process. */
export async function validateStix(documents: readonly unknown[]): Promise<ValidationResult[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'c4tap-stix-'));
  try {
    const files = await Promise.all(
      documents.map(async (doc, i) => {
        const file = path.join(dir, `doc-${i}.json`);
        await writeFile(file, JSON.stringify(doc));
        return file;
      }),
    );
    return JSON.parse(await runPython([VALIDATE, '--strict', ...files])) as ValidationResult[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** No warning is accepted: every SDO, SRO and marking definition id is a UUIDv4 (sharing/stix/ids.ts). */
export const ACCEPTED_WARNINGS: readonly string[] = [];

export async function expectValidStix(documents: readonly unknown[]): Promise<void> {
  const results = await validateStix(documents);
  expect(results).to.have.length(documents.length);
  for (const r of results) {
    expect(r.errors, `validator errors in ${r.file}`).to.deep.equal([]);
    expect(r.valid, `validator verdict for ${r.file}`).to.equal(true);
    const unexpected = r.warnings.filter((w) => !ACCEPTED_WARNINGS.some((code) => w.includes(code)));
    expect(unexpected, `validator warnings in ${r.file}`).to.deep.equal([]);
  }
}
