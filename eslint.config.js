// ESLint (flat config): the layering of the Layout section of README.md (DESIGN.md §4) as import
// rules, plus the type-aware checks that have caught real bugs here — a switch over a closed union
// must name every member (a `default:` once let a new indicator type through the sanitizer
// unchecked), and no promise may float. The same layering is asserted from the import graph by
// test/layout/import-graph.test.ts.
import tseslint from 'typescript-eslint';

/**
 * What each top-level folder may import besides itself: dependencies follow the data flow
 * (ingest → analysis → sharing → web), never backwards, and core knows none of them.
 * bin/, bench/ and test/ compose everything.
 */
export const LAYERS = {
  core: [],
  quarantine: ['core'],
  ingest: ['core', 'quarantine'],
  analysis: ['core', 'quarantine'],
  sharing: ['core', 'quarantine', 'analysis'],
  web: ['core', 'quarantine', 'analysis', 'sharing'],
};
const FOLDERS = ['core', 'quarantine', 'ingest', 'analysis', 'sharing', 'web', 'bin', 'bench'];

const otherFolders = (allowed) =>
  FOLDERS.filter((f) => !allowed.includes(f)).map((f) => ({
    group: [`**/${f}/**`, `../${f}/*`],
    message: `imports from ${f}/ are outside this folder's layer (README.md, Layout)`,
  }));

export default tseslint.config(
  { ignores: ['node_modules/**', '.tmp/**', 'test-artifacts/**', 'test/fixtures/**', 'policies/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Off: the sanitizer, decoders and the console match control characters on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  ...Object.entries(LAYERS).map(([folder, allowed]) => ({
    files: [`${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: otherFolders([folder, ...allowed]) }] },
  })),
);
