// Which Vulkan drivers give Dawn an adapter, asked in a child process: Dawn, the Vulkan loader and
// the drivers write warnings straight to file descriptor 2 while they look (mesa's lavapipe is
// refused with a source path of Dawn's build machine, Intel's and Radeon's drivers find no device),
// and a user's terminal is no place for them. The child's stderr is read here and kept as one
// short note per driver.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeAdapter, summarizeAdapter, type AdapterInfoLike, type AdapterSummary } from './adapter-info.js';

export interface DriverProbe {
  /** The driver's manifest (an ICD JSON file). */
  driver: string;
  /** The adapter Dawn takes with this driver alone, if any. */
  adapter?: AdapterSummary;
  /** Every adapter Dawn lists with this driver alone (a vendor's driver lists each GPU). */
  devices: string[];
  /** Why there is no adapter: Dawn's or the loader's first message, or "no device". */
  note?: string;
}

const CHILD = fileURLToPath(new URL('./probe-drivers-child.js', import.meta.url));
const MARKER = /^@@rwp-probe (\d+)$/;
// Loader lines that only restate that a driver found nothing.
const RESTATED = /Failed to detect any valid GPUs|vkEnumeratePhysicalDevices$|Found no drivers|vkCreateInstance failed/;
const PROBE_TIMEOUT_MS = 60_000;

interface ChildLine {
  index: number;
  info: AdapterInfoLike | null;
  devices: string[];
}

/** The first thing worth saying about a driver from what it and Dawn printed. */
function noteFrom(lines: string[]): string {
  for (const line of lines) {
    const m = /^(?:Warning|Error|error): (.*)$/.exec(line.trim());
    if (m && !RESTATED.test(m[1])) return m[1].replace(/^Loader Message: /, '').replace(/\.$/, '');
  }
  return 'no device';
}

/** One child for the drivers not yet probed; a driver that kills the child is noted, and the rest probed again. */
function probeSome(drivers: string[], env: NodeJS.ProcessEnv): Promise<{ done: DriverProbe[]; crashed?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, ...drivers], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: PROBE_TIMEOUT_MS });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('close', (code, signal) => {
      const said = new Map<number, string[]>();
      let current = -1;
      for (const line of err.split('\n')) {
        const m = MARKER.exec(line);
        if (m) said.set((current = Number(m[1])), []);
        else if (current >= 0 && line.trim() !== '') said.get(current)!.push(line);
      }
      const done: DriverProbe[] = [];
      for (const line of out.split('\n').filter((l) => l.startsWith('{'))) {
        const r = JSON.parse(line) as ChildLine;
        const probe: DriverProbe = { driver: drivers[r.index], devices: r.devices };
        if (r.info) probe.adapter = summarizeAdapter(r.info);
        else probe.note = noteFrom(said.get(r.index) ?? []);
        done.push(probe);
      }
      const ended = code === 0 && done.length === drivers.length;
      resolve(ended ? { done } : { done, crashed: signal ?? `exit code ${code}` });
    });
  });
}

/** Each driver as Dawn sees it on its own, in the order given. */
export async function probeDrivers(drivers: string[], env: NodeJS.ProcessEnv = process.env): Promise<DriverProbe[]> {
  const probes: DriverProbe[] = [];
  let rest = drivers;
  while (rest.length > 0) {
    const { done, crashed } = await probeSome(rest, env);
    probes.push(...done);
    rest = rest.slice(done.length);
    if (crashed !== undefined && rest.length > 0) {
      probes.push({ driver: rest[0], devices: [], note: `the probe of this driver ended by ${crashed}` });
      rest = rest.slice(1);
    }
  }
  return probes;
}

export type DriverChoice =
  | { ok: true; drivers: string[]; devices: string[]; software: boolean }
  | { ok: false; reason: string; adapter?: AdapterSummary };

/** "lvp_icd.x86_64.json: Vulkan shaderUniform*ArrayDynamicIndexing required, intel_icd.x86_64.json: no device". */
export function describeProbes(probes: DriverProbe[]): string {
  return probes
    .map((p) => `${basename(p.driver)}: ${p.adapter ? describeAdapter(p.adapter) : p.note ?? 'no device'}`)
    .join(', ');
}

/**
 * The drivers a worker should see: those with a hardware adapter where there is one, so that GPU
 * index i is the i-th GPU whatever software drivers are installed beside it; else, where software
 * is allowed, those with a software adapter (SwiftShader standing in for GPUs in tests). `hint`
 * ends the reason when there is no adapter at all.
 */
export function chooseDrivers(probes: DriverProbe[], allowSoftware: boolean, hint?: string): DriverChoice {
  const usable = probes.filter((p) => p.adapter !== undefined);
  const hardware = usable.filter((p) => !p.adapter!.software);
  const take = hardware.length > 0 ? hardware : allowSoftware ? usable : [];
  if (take.length > 0) {
    return { ok: true, drivers: take.map((p) => p.driver), devices: take.flatMap((p) => p.devices), software: hardware.length === 0 };
  }
  const others = probes.filter((p) => p.adapter === undefined);
  const seen = others.length > 0 ? ` (other drivers: ${describeProbes(others)})` : '';
  if (usable.length > 0) return { ok: false, reason: `only a software adapter (${describeAdapter(usable[0].adapter!)})${seen}`, adapter: usable[0].adapter };
  return { ok: false, reason: `Dawn found no adapter (${describeProbes(probes)})${hint ? ` - ${hint}` : ''}` };
}
