import { readString } from './env/env-values.js';
import { WORKER_ENV } from './env/names.js';
import { ProcessGroupEnvError } from './errors.js';

/** Ports first to last, both included: where the ring's data sockets listen, so a firewall can be opened for them. */
export interface PortRange {
  first: number;
  last: number;
}

/** "LO-HI" (or a single port) as a PortRange; throws an Error saying what is wrong. */
export function parsePortRange(text: string): PortRange {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new Error(`expected LO-HI, two ports between 1 and 65535 (e.g. 40000-40031), got "${text}"`);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  for (const p of [first, last]) {
    if (p < 1 || p > 65535) throw new Error(`${p} is not a port between 1 and 65535 (in "${text}")`);
  }
  if (last < first) throw new Error(`the range "${text}" runs backwards`);
  return { first, last };
}

export function formatPortRange(r: PortRange): string {
  return `${r.first}-${r.last}`;
}

/** RWP_DATA_PORTS, or null when it is unset; a malformed value is a ProcessGroupEnvError. */
export function dataPortsFromEnv(env: NodeJS.ProcessEnv = process.env): PortRange | null {
  const text = readString(env, WORKER_ENV.dataPorts);
  if (text === undefined) return null;
  try {
    return parsePortRange(text);
  } catch (e) {
    throw new ProcessGroupEnvError(WORKER_ENV.dataPorts, (e as Error).message);
  }
}
