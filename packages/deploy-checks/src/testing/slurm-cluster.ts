// A real Slurm for the tests: munged, slurmctld and one slurmd per node, all from Debian's
// packages, configured in a scratch directory (nothing in /etc is read or written), stopped after
// the test with every job step, task and daemon they started.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { freePort, isRunning } from '@rwp/process-group';

const PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'srun', 'sbatch', 'sinfo', 'scancel', 'scontrol'];
const PACKAGES = 'munge slurmctld slurmd slurm-client';
const STAND_IN_DEVICES = ['/dev/null', '/dev/zero'];

/** A node: its Slurm name, the address slurmctld reaches it at, and the command prefix its slurmd runs under. */
export interface SlurmNode {
  name: string;
  addr: string;
  wrapper: string[];
}

export interface SlurmCluster {
  /** The environment the client commands (srun, sbatch, squeue) need: SLURM_CONF and the test's marker. */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** Runs a client command (under the controller's wrapper, so it reaches slurmctld) and returns its stdout. */
  client(args: string[]): string;
  /** Live processes of jobs (job steps, tasks, srun), the daemons aside: the test's marker is in their environment. */
  leftovers(): number[];
  /** Waits until no job process is left. */
  drained(deadlineMs: number): Promise<void>;
}

/** Why a real Slurm cannot run here, or undefined when it can. */
export function cannotRunSlurm(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run slurmd and munged';
  const missing = PROGRAMS.filter((p) => !onPath(p));
  if (missing.length > 0) return `${missing.join(', ')} not installed (apt-get install ${PACKAGES}; scripts/setup.sh installs them)`;
  return undefined;
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && readdirSafe(d).includes(program));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Starts munged, slurmctld (on this host's name at `controllerAddr`, under `controllerWrapper`)
 * and a slurmd per node, each node declared with `cpus` CPUs and `gpus` GPUs (the counts are
 * taken as configured, not probed, so a script asking for GPUs can be scheduled here; no device
 * is bound). Resolves when every node is idle.
 */
export async function startSlurm(
  t: TestContext,
  nodes: SlurmNode[],
  opts: { controllerAddr: string; controllerWrapper: string[]; cpus: number; gpus: number },
): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-slurm-'));
  const marker = `RWP_TEST_SLURM=${dir}`;
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: join(dir, 'slurm.conf'), RWP_TEST_SLURM: dir };
  const daemons: ChildProcess[] = [];
  // slurmctld's own helper (slurmscriptd) is its child; job steps (slurmstepd) are reparented away from slurmd.
  const isDaemon = (pid: number): boolean => daemons.some((d) => d.pid === pid);
  const leftovers = (): number[] => processesWith(marker).filter((pid) => !isDaemon(pid) && !isDaemon(parentOf(pid)));
  const cluster: SlurmCluster = {
    env,
    dir,
    leftovers,
    client: (args) => execFileSync(args[0], args.slice(1), { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    drained: (ms) => drained(cluster, ms),
  };
  t.after(async () => {
    try {
      cluster.client([...opts.controllerWrapper, 'scancel', '--full', '--user=root']);
      await drained(cluster, 30_000);
    } catch {
      // The controller never started, or is gone: the kills below still end everything.
    }
    for (const d of daemons.reverse()) await stop(d);
    for (const pid of processesWith(marker)) kill(pid);
    rmSync(dir, { recursive: true, force: true });
  });
  const ports = { ctld: await freePort(), slurmd: await freePort() };
  writeConfig(dir, nodes, { ...opts, ...ports });
  const key = join(dir, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const logs = join(dir, 'log');
  mkdirSync(logs);
  const start = (wrapper: string[], args: string[], log: string): void => {
    const [cmd, ...rest] = [...wrapper, ...args];
    const out = openSync(join(logs, `${log}.out`), 'w');
    daemons.push(spawn(cmd, rest, { env, stdio: ['ignore', out, out] }));
    closeSync(out);
  };
  start([], ['munged', '--foreground', '--force', `--socket=${join(dir, 'munge.sock')}`, `--key-file=${key}`, `--pid-file=${join(dir, 'munged.pid')}`, `--log-file=${join(logs, 'munged.log')}`, `--seed-file=${join(dir, 'munged.seed')}`], 'munged');
  await waitUntil('munged', () => readdirSafe(dir).includes('munge.sock'), 10_000, logs);
  start(opts.controllerWrapper, ['slurmctld', '-D', '-i', '-f', env.SLURM_CONF!], 'slurmctld');
  for (const n of nodes) {
    mkdirSync(join(dir, 'spool', n.name), { recursive: true });
    start(n.wrapper, ['slurmd', '-D', '-f', env.SLURM_CONF!, '-N', n.name], `slurmd-${n.name}`);
  }
  await waitUntil('every node idle', () => idleNodes(cluster, opts.controllerWrapper) === nodes.length, 60_000, logs);
  return cluster;
}

function writeConfig(dir: string, nodes: SlurmNode[], o: { controllerAddr: string; cpus: number; gpus: number; ctld: number; slurmd: number }): void {
  const gres = o.gpus > 0 ? ` Gres=gpu:${o.gpus}` : '';
  const conf = [
    'ClusterName=rwptest',
    `SlurmctldHost=${hostname()}(${o.controllerAddr})`,
    `SlurmctldPort=${o.ctld}`,
    `SlurmdPort=${o.slurmd}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${join(dir, 'munge.sock')}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool', '%n')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'spool', '%n', 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd-%n.log')}`,
    // No cgroups in a container: processes are tracked by parentage, tasks are not bound.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    // Nodes as configured, whatever the hardware: scripts asking for 8 CPUs a task can run here.
    'SlurmdParameters=config_overrides',
    'MpiDefault=none',
    'ReturnToService=2',
    'MailProg=/bin/true',
    'KillWait=5',
    ...(o.gpus > 0 ? ['GresTypes=gpu'] : []),
    ...nodes.map((n) => `NodeName=${n.name} NodeAddr=${n.addr} CPUs=${o.cpus}${gres} State=UNKNOWN`),
    'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
  ];
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'slurm.conf'), `${conf.join('\n')}\n`);
  // slurmd counts a GPU only with a device file: harmless character devices stand in.
  if (o.gpus > STAND_IN_DEVICES.length) throw new Error(`at most ${STAND_IN_DEVICES.length} GPUs a node`);
  if (o.gpus > 0) writeFileSync(join(dir, 'gres.conf'), `AutoDetect=off\n${STAND_IN_DEVICES.slice(0, o.gpus).map((f) => `Name=gpu File=${f}`).join('\n')}\n`);
}

function idleNodes(c: SlurmCluster, wrapper: string[]): number {
  try {
    return c.client([...wrapper, 'sinfo', '--noheader', '--states=idle', '--format=%n']).split('\n').filter((l) => l.trim() !== '').length;
  } catch {
    return 0;
  }
}

async function drained(c: SlurmCluster, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (c.leftovers().length > 0) {
    if (Date.now() > end) throw new Error(`job processes still running: ${c.leftovers().join(', ')}`);
    await sleep(100);
  }
}

async function waitUntil(what: string, ready: () => boolean, deadlineMs: number, logs: string): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`Slurm: gave up waiting for ${what}; logs: ${tails(logs)}`);
    await sleep(200);
  }
}

function tails(logs: string): string {
  return readdirSafe(logs)
    .map((f) => `\n--- ${f}\n${readFileSync(join(logs, f), 'utf8').split('\n').slice(-15).join('\n')}`)
    .join('');
}

/** Processes whose environment holds `marker` (children inherit it: daemons, slurmstepd, tasks). */
function processesWith(marker: string): number[] {
  return readdirSafe('/proc')
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(isRunning);
}

function parentOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return 0;
  }
}

async function stop(d: ChildProcess): Promise<void> {
  if (d.exitCode !== null || d.signalCode !== null) return;
  const exited = new Promise((resolve) => d.once('exit', resolve));
  d.kill('SIGTERM');
  if ((await Promise.race([exited, sleep(10_000, 'late')])) === 'late') d.kill('SIGKILL');
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}
