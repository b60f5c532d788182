// Builds the native addon (build/rwp_native.node) from csrc/ with the system C++ compiler,
// against oneDNN (Debian/Ubuntu: apt-get install g++ libdnnl-dev). Where something is missing
// it says what and exits 0: installing must not fail, and without the addon the backend
// selector falls back to wasm. Set CXX to use another compiler.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeHeaders } from '../../../scripts/node-headers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'csrc');
const out = join(root, 'build');
const target = join(out, 'rwp_native.node');
const cxx = process.env.CXX || 'g++';

function skip(reason) {
  // A previous build would not match these sources: better no addon than a stale one.
  rmSync(target, { force: true });
  console.warn(`@rwp/native: not built: ${reason}`);
  console.warn('@rwp/native: the native backend is unavailable; training will use the wasm backend.');
  process.exit(0);
}

function addonApiHeaders() {
  try {
    return createRequire(import.meta.url)('node-addon-api').include_dir;
  } catch {
    return undefined;
  }
}

function run(args) {
  return new Promise((done) => {
    const child = spawn(cxx, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => done({ ok: false, stderr: e.message }));
    child.on('close', (code) => done({ ok: code === 0, stderr }));
  });
}

async function main() {
  if (spawnSync(cxx, ['--version']).status !== 0) skip(`no C++ compiler (${cxx}); install g++`);
  const nodeInclude = nodeHeaders();
  if (!nodeInclude) skip("Node's headers (node_api.h) not found; set npm_config_nodedir or install nodejs headers");
  const napiInclude = addonApiHeaders();
  if (!napiInclude) skip('node-addon-api not installed; run npm install');

  // No FP traps or errno are ever read: without them GCC vectorises the selects and sqrt of the
  // element-wise loops (40x for Step); results stay IEEE (no -ffast-math), and no multiply-add
  // is fused (-ffp-contract=off), so the host kernels give the JS loops' bits on any -march.
  const flags = ['-std=c++17', '-O3', '-fno-trapping-math', '-fno-math-errno', '-ffp-contract=off', '-fPIC', '-fvisibility=hidden', '-fopenmp', '-Wall', '-Wextra',
    '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED',
    `-I${nodeInclude}`, `-I${napiInclude}`];
  const objDir = join(out, 'obj');
  mkdirSync(objDir, { recursive: true });
  const sources = readdirSync(src).filter((f) => f.endsWith('.cc')).sort();

  // Compile in parallel, as many at a time as there are cores.
  const failures = [];
  const queue = [...sources];
  const worker = async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const r = await run([...flags, '-c', join(src, f), '-o', join(objDir, f.replace(/\.cc$/, '.o'))]);
      if (!r.ok) failures.push({ file: f, stderr: r.stderr });
      else if (r.stderr) process.stderr.write(r.stderr);
    }
  };
  await Promise.all(Array.from({ length: Math.min(cpus().length, sources.length) }, worker));
  if (failures.length > 0) {
    const text = failures.map((x) => x.stderr).join('\n');
    if (/dnnl\.hpp: No such file/.test(text)) skip('oneDNN headers not found; install libdnnl-dev (oneDNN 2.x)');
    process.stderr.write(text);
    skip(`compiling ${failures.map((x) => x.file).join(', ')} failed (errors above)`);
  }

  // Link beside the target and rename, so that a running process never loads a partial file.
  const tmp = `${target}.tmp`;
  const objects = sources.map((f) => join(objDir, f.replace(/\.cc$/, '.o')));
  const link = await run(['-shared', '-fopenmp', '-o', tmp, ...objects, '-ldnnl']);
  if (!link.ok) {
    process.stderr.write(link.stderr);
    skip(/-ldnnl/.test(link.stderr) ? 'oneDNN library not found; install libdnnl-dev' : 'linking failed (errors above)');
  }
  renameSync(tmp, target);

  // Load it in a fresh process: a library missing at run time shows up here, not in training.
  const probe = spawnSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(target)}).info()))`], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    skip(`the built addon does not load: ${probe.stderr.trim().split('\n')[0]}`);
  }
  console.log(`@rwp/native: built ${target} (${probe.stdout.trim()})`);
}

await main();
