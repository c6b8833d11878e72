// The real corpus (../shared/corpus/phishing-pot-500.tar.xz beside the repository), unpacked into
// a temporary directory; the mails are never copied into the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const SHARED = path.resolve(REPO, '..', 'shared');
export const CORPUS_ARCHIVE = path.join(SHARED, 'corpus', 'phishing-pot-500.tar.xz');
export const WARNING_LISTS = path.join(SHARED, 'warninglists', 'misp');

export interface CorpusMail {
  /** File name in the archive, e.g. `sample-1693.eml`. */
  readonly name: string;
  readonly raw: Buffer;
}

export interface Corpus {
  readonly dir: string;
  readonly mails: readonly CorpusMail[];
}

/** Unpacks the archive into `workDir/corpus` and reads the first `limit` mails in name order. */
export function unpackCorpus(workDir: string, limit: number): Corpus {
  if (!existsSync(CORPUS_ARCHIVE)) throw new Error(`corpus not found: ${CORPUS_ARCHIVE}`);
  const dir = mkdtempSync(path.join(workDir, 'corpus-'));
  execFileSync('tar', ['-xJf', CORPUS_ARCHIVE, '-C', dir]);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.eml')) files.push(path.join(d, e.name));
    }
  };
  walk(dir);
  const sorted = files.sort((a, b) => path.basename(a).localeCompare(path.basename(b), 'en', { numeric: true }));
  return { dir, mails: sorted.slice(0, limit).map((f) => ({ name: path.basename(f), raw: readFileSync(f) })) };
}

export function newWorkDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'c4tap-quality-'));
}
