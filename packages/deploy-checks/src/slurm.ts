import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './repo.js';

/** The `#SBATCH --key=value` (or `--key value`) lines before the script's first command. */
export function sbatchDirectives(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() !== '' && !line.startsWith('#')) break;
    const m = /^#SBATCH\s+--([a-z-]+)(?:[= ](\S+))?/.exec(line);
    if (m) out[m[1]] = m[2] ?? 'true';
  }
  return out;
}

/** A Slurm allocation the tests describe: its job id, nodes, and tasks per node. */
export interface Allocation {
  jobId: number;
  hosts: string[];
  tasksPerNode: number;
  cpusPerTask: number;
}

/** Slurm's compressed host list for hosts named <prefix><digits>: gpu01,gpu02 -> gpu[01-02]. */
export function hostList(prefix: string, count: number): { list: string; hosts: string[] } {
  const hosts = Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
  const list = count === 1 ? hosts[0] : `${prefix}[${hosts[0].slice(prefix.length)}-${hosts[count - 1].slice(prefix.length)}]`;
  return { list, hosts };
}

/** The variables sbatch gives the batch script of such an allocation (as Slurm 23 sets them). */
export function batchEnv(a: Allocation, nodeList: string): Record<string, string> {
  const nodes = a.hosts.length;
  const tasks = nodes * a.tasksPerNode;
  const perNode = nodes === 1 ? String(a.tasksPerNode) : `${a.tasksPerNode}(x${nodes})`;
  return {
    SLURM_JOB_ID: String(a.jobId),
    SLURM_JOBID: String(a.jobId),
    SLURM_JOB_NAME: 'rwp',
    SLURM_JOB_NODELIST: nodeList,
    SLURM_NODELIST: nodeList,
    SLURM_JOB_NUM_NODES: String(nodes),
    SLURM_NNODES: String(nodes),
    SLURM_NTASKS: String(tasks),
    SLURM_NPROCS: String(tasks),
    SLURM_NTASKS_PER_NODE: String(a.tasksPerNode),
    SLURM_TASKS_PER_NODE: perNode,
    SLURM_CPUS_PER_TASK: String(a.cpusPerTask),
    SLURM_GPUS_PER_TASK: '1',
    SLURM_SUBMIT_DIR: REPO_ROOT,
    SLURM_NODEID: '0',
    SLURM_PROCID: '0',
    SLURM_LOCALID: '0',
    SLURMD_NODENAME: a.hosts[0],
  };
}

/** What srun adds for task `rank` of the step (block distribution: node by node). */
export function srunTaskEnv(a: Allocation, nodeList: string, rank: number): Record<string, string> {
  const node = Math.floor(rank / a.tasksPerNode);
  const nodes = a.hosts.length;
  return {
    SLURM_STEP_ID: '0',
    SLURM_STEPID: '0',
    SLURM_STEP_NODELIST: nodeList,
    SLURM_STEP_NUM_NODES: String(nodes),
    SLURM_STEP_NUM_TASKS: String(nodes * a.tasksPerNode),
    SLURM_STEP_TASKS_PER_NODE: nodes === 1 ? String(a.tasksPerNode) : `${a.tasksPerNode}(x${nodes})`,
    SLURM_PROCID: String(rank),
    SLURM_LOCALID: String(rank % a.tasksPerNode),
    SLURM_NODEID: String(node),
    SLURMD_NODENAME: a.hosts[node],
    // --gpus-per-task=1 binds one GPU to each task, which sees it as device 0.
    CUDA_VISIBLE_DEVICES: '0',
  };
}

export interface SrunCall {
  /** srun's arguments: its own options, then the program and its arguments. */
  argv: string[];
  /** The environment the batch script handed srun (what every task inherits). */
  env: Record<string, string>;
}

const TEST_VARS = ['RWP_TEST_NODE', 'RWP_TEST_RECORD', 'RWP_TEST_HOSTS'];

/**
 * Runs a batch script with bash, as sbatch would on the first node, where `srun` records the
 * command line and environment it is given instead of starting tasks, and `scontrol show
 * hostnames` prints `hosts`. The script runs from the repository root (the submit directory).
 */
export function runBatchScript(script: string, args: string[], env: Record<string, string>, hosts: string[]): SrunCall {
  const bin = mkdtempSync(join(tmpdir(), 'rwp-slurm-'));
  try {
    const record = join(bin, 'srun.json');
    const drop = JSON.stringify(TEST_VARS);
    writeFileSync(
      join(bin, 'srun'),
      `#!/bin/sh\nexec "$RWP_TEST_NODE" -e 'const e = { ...process.env }; for (const k of ${drop}) delete e[k]; ` +
        `require("fs").writeFileSync(process.env.RWP_TEST_RECORD, JSON.stringify({ argv: process.argv.slice(1), env: e }))' -- "$@"\n`,
    );
    writeFileSync(join(bin, 'scontrol'), '#!/bin/sh\n[ "$1 $2" = "show hostnames" ] && printf "%s\\n" $RWP_TEST_HOSTS\n');
    chmodSync(join(bin, 'srun'), 0o755);
    chmodSync(join(bin, 'scontrol'), 0o755);
    const r = spawnSync('bash', [script, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...env, PATH: `${bin}:/usr/bin:/bin`, RWP_TEST_NODE: process.execPath, RWP_TEST_RECORD: record, RWP_TEST_HOSTS: hosts.join(' ') },
    });
    if (r.status !== 0) throw new Error(`bash ${script} exited ${r.status}: ${r.stderr}`);
    const call = JSON.parse(readFileSync(record, 'utf8')) as SrunCall;
    // The PATH of the recording is this test's; a real task gets the user's.
    delete call.env.PATH;
    return call;
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}
