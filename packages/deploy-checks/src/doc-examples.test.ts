// Every example a user is shown runs: those of `rwp-launch --help`, of `rwp-train --help` and of
// the README's "Using it" block. Training examples run as dry runs, the launcher's and then its
// worker's own, so a flag, a config file or a config key that the programs reject fails here.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseDryRun } from './dry-run.js';
import { repoPath } from './repo.js';
import { runNode } from './run-node.js';
import { shellWords } from './shell-words.js';

/** What `npx NAME` runs: the program npm linked into node_modules/.bin. */
const bin = (name: string): string => realpathSync(repoPath('node_modules/.bin', name));

/** The command lines of a text: lines that start with one of the programs, `npx` or not, without their comment. */
function examples(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => /^\s*(npx\s+)?rwp-(launch|train|plot)\s/.test(line))
    .map((line) => shellWords(line.replace(/\s+#\s.*$/, '')).filter((word, i) => i > 0 || word !== 'npx'));
}

function helpText(program: string): string {
  const r = runNode([bin(program), '--help'], {});
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

function readmeUsingIt(): string {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const block = /^## Using it\n+```sh\n([\s\S]*?)^```/m.exec(readme);
  assert.ok(block, 'README.md has a "## Using it" section opening with a ```sh block');
  return block[1];
}

/**
 * A working directory like the repository's root to the examples: configs/ is there, runs/ is
 * fresh, and job.token is the job token file the several-host examples name.
 */
function workDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-examples-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(repoPath('configs'), join(dir, 'configs'));
  writeFileSync(join(dir, 'job.token'), 'examples-token\n', { mode: 0o600 });
  return dir;
}

/**
 * Runs one example in `cwd`: rwp-plot as is; rwp-train and rwp-launch with --dry-run, and then
 * the worker rwp-launch would start, with its environment and arguments and --dry-run. Every rank
 * gets the same arguments, so one rank's worker speaks for all.
 */
function runExample([program, ...args]: string[], cwd: string): void {
  if (program === 'rwp-plot') {
    const r = runNode([bin(program), ...args], {}, cwd);
    assert.equal(r.code, 0, r.stderr);
    return;
  }
  const dryRun = args.includes('--dry-run') ? args : [...args, '--dry-run'];
  const r = runNode([bin(program), ...dryRun], {}, cwd);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  if (program === 'rwp-train') {
    assert.match(r.stdout, /^# rwp-train dry run/);
    return;
  }
  const workers = parseDryRun(r.stdout);
  assert.ok(workers.length > 0, r.stdout);
  for (const w of workers) assert.deepEqual(w.argv, workers[0].argv);
  const worker = runNode([...workers[0].argv, '--dry-run'], workers[0].env, cwd);
  assert.equal(worker.code, 0, `the worker rejects ${workers[0].argv.join(' ')}:\n${worker.stdout}${worker.stderr}`);
  assert.match(worker.stdout, /^# rwp-train dry run/);
}

/** runs/a and runs/b, as the README's training examples would leave them, from a short real run each. */
function shortRuns(cwd: string): void {
  for (const run of ['runs/a', 'runs/b']) {
    const r = runNode([bin('rwp-train'), 'configs/smoke.yaml', '--run-dir', run, '--set', 'data.limit_train=64', '--set', 'data.limit_test=64'], {}, cwd);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
}

const SOURCES: Array<[string, () => string]> = [
  ['rwp-launch --help', () => helpText('rwp-launch')],
  ['rwp-train --help', () => helpText('rwp-train')],
  ['README.md, "Using it"', readmeUsingIt],
];

for (const [source, text] of SOURCES) {
  test(`every example of ${source} runs`, async (t) => {
    const lines = examples(text());
    assert.ok(lines.length >= 3, `${source}: only ${lines.length} examples found`);
    const cwd = workDir(t);
    if (lines.some(([program]) => program === 'rwp-plot')) shortRuns(cwd);
    for (const words of lines) await t.test(words.join(' '), () => runExample(words, cwd));
  });
}
