// Every STIX document the readers got from the real corpus — REST `format=stix` pages, TAXII pages
// (their objects, as a bundle) and the public feed's STIX — through the OASIS validator in strict
// mode (`stix2_validator --strict`: warnings count as errors), as issue 15 asks.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from './corpus.ts';
import type { Surface } from './collect-api.ts';

export interface StrictValidation {
  /** null when the OASIS validator is not installed (.ci/python/setup.sh). */
  readonly documents: number | null;
  readonly invalid: number;
  readonly errors: readonly string[];
}

const PYTHON = path.join(REPO, '.tmp/venv/bin/python');
const VALIDATE = path.join(REPO, '.ci/python/validate_stix.py');

/** The surface as a STIX bundle, or null when it holds no STIX. */
function asBundle(s: Surface): unknown | null {
  if (!/\/stix|\/taxii\//.test(s.name)) return null;
  try {
    const doc = JSON.parse(s.body) as { type?: string; objects?: unknown[] };
    if (doc.type === 'bundle') return doc;
    if (Array.isArray(doc.objects) && doc.objects.length > 0)
      return { type: 'bundle', id: 'bundle--6f1c2b3a-9d4e-4f5a-8b6c-7d8e9f0a1b2c', objects: doc.objects };
    return null;
  } catch {
    return null;
  }
}

export async function validateStrict(surfaces: readonly Surface[]): Promise<StrictValidation> {
  if (!existsSync(PYTHON)) return { documents: null, invalid: 0, errors: [] };
  const dir = mkdtempSync(path.join(tmpdir(), 'c4tap-stix-'));
  try {
    const files: string[] = [];
    const names = new Map<string, string>();
    for (const s of surfaces) {
      const bundle = asBundle(s);
      if (!bundle) continue;
      const file = path.join(dir, `${files.length}.json`);
      writeFileSync(file, JSON.stringify(bundle));
      files.push(file);
      names.set(file, s.name);
    }
    const out = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, [VALIDATE, '--strict', ...files], { maxBuffer: 256 * 1024 * 1024, timeout: 30 * 60_000 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    const results = JSON.parse(out) as { file: string; valid: boolean; errors: string[] }[];
    const bad = results.filter((r) => !r.valid || r.errors.length > 0);
    return {
      documents: files.length,
      invalid: bad.length,
      errors: bad.flatMap((r) => r.errors.slice(0, 3).map((e) => `${names.get(r.file)}: ${e}`)).slice(0, 20),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
