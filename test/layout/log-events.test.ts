// One style for the `event` names of log lines (area.what_happened, lower case with underscores),
// so a search or an alert rule written for one line works for all of them.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STYLE = /^[a-z]+(?:_[a-z]+)*\.[a-z0-9]+(?:_[a-z0-9]+)*$/;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(p);
    else if (entry.name.endsWith('.ts')) yield p;
  }
}

describe('layout: log event names', function () {
  it('names every logged event area.what_happened', function () {
    const names: string[] = [];
    for (const folder of ['core', 'ingest', 'quarantine', 'analysis', 'sharing', 'web', 'bin']) {
      for (const file of sourceFiles(path.join(ROOT, folder))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/\bevent: '([^']+)'/g)) names.push(m[1]!);
      }
    }
    expect(names.length).to.be.greaterThan(50);
    expect(names.filter((n) => !STYLE.test(n))).to.deep.equal([]);
  });
});
