// Runs the compiled tests with node's built-in runner. Quick tests are `*.test.js`;
// slow multi-process ones are `*.slow-test.js` and are left out with --quick. Tests are built
// apart from what ships (`npm run build:tests`: each package's sources and tests into its
// test-dist/), so no package's dist/ holds a test or a test helper.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const quick = process.argv.includes('--quick');
const root = new URL('..', import.meta.url).pathname;
const files = [];
const dirs = readdirSync(join(root, 'packages')).sort().map((p) => join(root, 'packages', p));
for (const dir of [...dirs, join(root, 'benchmarks')]) {
  const built = join(dir, 'test-dist');
  if (!existsSync(built)) continue;
  for (const f of readdirSync(built, { recursive: true }).map(String).sort()) {
    if (f.endsWith('.test.js') || (!quick && f.endsWith('.slow-test.js'))) files.push(join(built, f));
  }
}
if (files.length === 0) {
  console.error('run-tests: no compiled test files found; run `npm run build && npm run build:tests` first');
  process.exit(1);
}
const extra = process.argv.slice(2).filter((a) => a !== '--quick');
// One file at a time: the multi-process tests need the cores. A test still running after
// 5 minutes is cancelled (and fails the run) rather than holding CI until its deadline.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=300000', ...extra, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
