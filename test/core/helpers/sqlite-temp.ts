// Temp-dir SQLite stores for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../core/store/sqlite-store.ts';
import type { Store } from '../../../core/store/port.ts';

export interface TempSqlite {
  readonly dir: string;
  readonly file: string;
  readonly store: Store;
  readonly cleanup: () => Promise<void>;
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openTempSqlite(): Promise<TempSqlite> {
  const { dir, remove } = tempDir();
  const file = path.join(dir, 'c4tap.db');
  const store = openSqliteStore(file);
  return {
    dir,
    file,
    store,
    cleanup: async () => {
      await store.close();
      remove();
    },
  };
}
