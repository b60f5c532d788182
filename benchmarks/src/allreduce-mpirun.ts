// How the allreduce benchmark starts its ranks for --backend mpi: one mpirun, which starts them
// all (across the two simulated hosts with --hosts 2, through an rsh agent that enters the other
// host's namespaces, as ssh would on a cluster).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatedHosts } from './simulated-hosts.js';

/** One process the benchmark starts, and what to call it when it fails. */
export interface Launch {
  what: string;
  command: string[];
  env: Record<string, string>;
}

/** mpirun of `nproc` ranks of `script`, `env` passed to every rank (-x: mpirun forwards only those to other hosts). */
export function mpirunLaunch(nproc: number, hosts: SimulatedHosts | null, script: string, env: Record<string, string>): Launch {
  const placement = hosts === null ? [] : twoHostsPlacement(hosts, nproc);
  const exported = Object.keys(env).flatMap((name) => ['-x', name]);
  return {
    what: 'mpirun',
    // --oversubscribe: more ranks than cores is the user's choice, as it is for the ring.
    command: [...(hosts?.on(0) ?? []), 'mpirun', '-np', String(nproc), '--oversubscribe', ...placement, ...exported, process.execPath, script],
    // Open MPI refuses root without both (the benchmark needs root for --hosts 2).
    env: { ...env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' },
  };
}

function twoHostsPlacement(hosts: SimulatedHosts, nproc: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-bench-mpirun-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const agent = join(dir, 'rsh-agent.sh');
  const cases = hosts.addrs.map((addr, i) => `  ${addr}) exec ${hosts.on(i).join(' ')} sh -c "$*" ;;`).join('\n');
  writeFileSync(agent, `#!/bin/sh\nhost=$1; shift\ncase $host in\n${cases}\nesac\nexit 1\n`, { mode: 0o755 });
  const hostfile = join(dir, 'hostfile');
  writeFileSync(hostfile, hosts.addrs.map((a) => `${a} slots=${nproc / hosts.addrs.length}\n`).join(''));
  return ['--hostfile', hostfile, '--mca', 'plm_rsh_agent', agent];
}
