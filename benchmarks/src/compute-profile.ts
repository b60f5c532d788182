// Where a training step's time goes, by kernel: every kernel of a backend wrapped with a timer
// for a few steps. Each kernel's total is its least over those steps (on a shared machine the
// least is the best estimate of the work itself); CPU time is the process's, which leaves out
// the time the OS gives other processes.
import * as tf from '@tensorflow/tfjs-core';

interface Totals {
  calls: number;
  wall: number;
  cpu: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Lines of text: per kernel, calls per step and ms per step, biggest first. */
export async function profileSteps(backendName: string, step: () => Promise<void>, steps = 3): Promise<string[]> {
  const configs = tf.getKernelsForBackend(backendName);
  const perStep: Map<string, Totals>[] = [];
  let current = new Map<string, Totals>();
  for (const config of configs) {
    const { kernelName, kernelFunc } = config;
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const w = performance.now();
        const c = cpuMs();
        const out = kernelFunc(args);
        const t = current.get(kernelName) ?? { calls: 0, wall: 0, cpu: 0 };
        t.calls += 1;
        t.wall += performance.now() - w;
        t.cpu += cpuMs() - c;
        current.set(kernelName, t);
        return out;
      },
    });
  }
  const stepWall: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      current = new Map();
      const w = performance.now();
      await step();
      stepWall.push(performance.now() - w);
      perStep.push(current);
    }
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  const names = new Set(perStep.flatMap((m) => [...m.keys()]));
  const rows = [...names].map((name) => {
    const all = perStep.map((m) => m.get(name) ?? { calls: 0, wall: 0, cpu: 0 });
    return { name, calls: all[0].calls, wall: Math.min(...all.map((t) => t.wall)), cpu: Math.min(...all.map((t) => t.cpu)) };
  });
  rows.sort((a, b) => b.wall - a.wall);
  const fastest = Math.min(...stepWall);
  const inKernels = rows.reduce((s, r) => s + r.wall, 0);
  const line = (name: string, calls: string, wall: number, cpu: string) =>
    `    ${name.padEnd(22)} ${calls.padStart(6)} ${wall.toFixed(1).padStart(8)} ms ${((100 * wall) / fastest).toFixed(1).padStart(5)}%  ${cpu.padStart(8)}`;
  const big = rows.filter((r) => r.wall >= 0.005 * fastest);
  const small = rows.filter((r) => r.wall < 0.005 * fastest);
  return [
    `  ${backendName} profile: least of ${steps} steps (fastest step ${fastest.toFixed(1)} ms); kernel, calls, wall ms and share, CPU ms`,
    ...big.map((r) => line(r.name, String(r.calls), r.wall, `${r.cpu.toFixed(1)} ms`)),
    line('(other kernels)', '', small.reduce((s, r) => s + r.wall, 0), ''),
    line('(outside kernels)', '', fastest - inKernels, ''),
  ];
}
