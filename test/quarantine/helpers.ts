// Small test helpers for the quarantine tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { isC4Error, type C4Error, type ErrorCode } from '../../core/errors.ts';

/** Awaits the promise and checks it rejected with a C4Error of this code; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<C4Error> {
  let outcome: unknown;
  try {
    await promise;
  } catch (err) {
    outcome = err;
  }
  expect(isC4Error(outcome, code), `expected C4Error ${code}, got ${String(outcome)}`).to.equal(true);
  return outcome as C4Error;
}

export interface TempDir {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix: string): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), `c4tap-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
