// The layering of README.md's Layout section, read from the code itself: every relative import
// between top-level folders is one the layer table of eslint.config.js allows (ESLint enforces the
// same table per file; this test sees the whole graph, also when ESLint is not run).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- a JavaScript config module without type declarations
import { LAYERS } from '../../eslint.config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const layers = LAYERS as Readonly<Record<string, readonly string[]>>;
const FOLDERS = ['core', 'quarantine', 'ingest', 'analysis', 'sharing', 'web', 'bin', 'bench'];
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(p);
    else if (entry.name.endsWith('.ts')) yield p;
  }
}

/** Every import from one top-level folder into another: "from -> to" with the files. */
function crossFolderImports(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = path.relative(ROOT, path.resolve(path.dirname(file), m[1] ?? m[2]!));
        const to = target.split(path.sep)[0]!;
        if (to === folder || !FOLDERS.includes(to)) continue;
        const key = `${folder} -> ${to}`;
        edges.set(key, [...(edges.get(key) ?? []), `${path.relative(ROOT, file)} imports ${target}`]);
      }
    }
  }
  return edges;
}

describe('layout: imports between top-level folders', function () {
  const edges = crossFolderImports();

  it('finds the imports it checks (the scan reads the real tree)', function () {
    expect(edges.get('web -> core')?.length ?? 0).to.be.greaterThan(10);
    expect(edges.get('bin -> core')?.length ?? 0).to.be.greaterThan(10);
  });

  it('lets core import none of the other folders', function () {
    expect([...edges.keys()].filter((k) => k.startsWith('core -> '))).to.deep.equal([]);
  });

  for (const [folder, allowed] of Object.entries(layers)) {
    it(`lets ${folder}/ import only ${allowed.length ? allowed.join(', ') : 'itself'}`, function () {
      const wrong = [...edges.entries()]
        .filter(([key]) => key.startsWith(`${folder} -> `) && !allowed.includes(key.slice(folder.length + 4)))
        .flatMap(([, files]) => files);
      expect(wrong).to.deep.equal([]);
    });
  }

  it('has a layer for every folder of code except the composition roots bin/ and bench/', function () {
    expect(Object.keys(layers).sort()).to.deep.equal(FOLDERS.filter((f) => f !== 'bin' && f !== 'bench').sort());
  });
});
