// The house's structure, read from the sources' own imports: what the layout promises in
// DEVELOPERS.md, held against the code so that a change that breaks it fails here.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { repoPath } from './repo.js';

const PACKAGES = repoPath('packages');
const isSource = (f: string) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !/\.(slow-)?test\.ts$/.test(f) && !f.includes('/testing/');

/** Every product source file of the repository, relative to packages/. */
function sources(): string[] {
  return readdirSync(PACKAGES)
    .filter((p) => existsSync(join(PACKAGES, p, 'src')))
    .flatMap((p) => readdirSync(join(PACKAGES, p, 'src'), { recursive: true }).map((f) => `${p}/src/${String(f)}`))
    .filter(isSource);
}

/** The files a source file imports by relative path, relative to packages/. */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(PACKAGES, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((m) =>
    relative(PACKAGES, resolve(dirname(join(PACKAGES, file)), m[1])).replace(/\.js$/, '.ts'),
  );
}

const graph = new Map(sources().map((f) => [f, relativeImports(f)]));

test('the layout check reads the real sources', () => {
  assert.ok(graph.size > 150, `only ${graph.size} source files found under ${PACKAGES}`);
  assert.ok(graph.get('collective/src/group/group-communicator.ts')?.some((f) => f.startsWith('collective/src/ring/')));
});

test('no two source files import each other', () => {
  const pairs = [...graph].flatMap(([a, imports]) => imports.filter((b) => a < b && graph.get(b)?.includes(a)).map((b) => `${a} <-> ${b}`));
  assert.deepEqual(pairs, []);
});

test('collective: no folder below group/ imports group/, and transport/ imports no algorithm', () => {
  const climbs = [...graph].flatMap(([a, imports]) =>
    imports
      .filter((b) => /^collective\/src\/(base|transport|ring|control|rendezvous)\//.test(a) && b.startsWith('collective/src/group/'))
      .map((b) => `${a} -> ${b}`),
  );
  assert.deepEqual(climbs, []);
  const upward = [...graph].flatMap(([a, imports]) =>
    imports.filter((b) => a.startsWith('collective/src/transport/') && b.startsWith('collective/src/ring/')).map((b) => `${a} -> ${b}`),
  );
  assert.deepEqual(upward, []);
});

test('launcher: settings/ and output/ import no other folder; no folder imports launch.ts', () => {
  const wrong = [...graph].flatMap(([a, imports]) =>
    imports
      .filter((b) => {
        if (!a.startsWith('launcher/src/') || !b.startsWith('launcher/src/')) return false;
        const from = a.split('/')[2];
        const to = b.split('/')[2];
        if (b === 'launcher/src/launch.ts') return a.split('/').length > 3;
        if (from === 'settings' || from === 'output') return to !== from && b.split('/').length > 3;
        return false;
      })
      .map((b) => `${a} -> ${b}`),
  );
  assert.deepEqual(wrong, []);
});

test('tests are built apart from what ships: each tsconfig.json leaves them out, each tsconfig.test.json builds them with the same references', () => {
  const dirs = [...readdirSync(PACKAGES).filter((p) => p !== 'test-support').map((p) => join(PACKAGES, p)), repoPath('benchmarks')];
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as { exclude?: string[]; references?: { path: string }[]; compilerOptions: { outDir: string } };
  for (const dir of dirs) {
    const main = read(join(dir, 'tsconfig.json'));
    const tests = read(join(dir, 'tsconfig.test.json'));
    assert.deepEqual(main.exclude, ['src/**/*.test.ts', 'src/**/*.slow-test.ts', 'src/testing'], dir);
    assert.equal(tests.compilerOptions.outDir, 'test-dist', dir);
    const paths = (c: { references?: { path: string }[] }) => (c.references ?? []).map((r) => r.path).filter((p) => !p.endsWith('test-support'));
    assert.deepEqual(paths(tests), paths(main), `${dir}/tsconfig.test.json references what tsconfig.json does`);
  }
});
