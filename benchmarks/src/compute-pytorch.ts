// The PyTorch side of the compute benchmark: benchmarks/compute_pytorch.py in serve mode, under
// Debian's /usr/bin/python3 by default (the pyenv python first on the PATH here has no torch),
// with every thread pool of PyTorch and OpenBLAS held to the benchmark's thread count; on a GPU
// host, on CUDA.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../compute_pytorch.py', import.meta.url));
const HINT = 'apt-get install -y python3-torch libopenblas0-openmp';

export class PyTorch {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** A running reference, or why there is none. */
  static start(threads: number, device: 'cpu' | 'cuda' = 'cpu', python = '/usr/bin/python3'): PyTorch | string {
    if (python.includes('/') && !existsSync(python)) return `${python} not found (${HINT})`;
    const n = String(threads);
    const child = spawn(python, [SCRIPT, '--threads', n, '--device', device, '--serve'], {
      env: { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n },
    });
    return new PyTorch(child);
  }

  /** Step times in ms of `model` at `batch`, stepping for about `seconds`. */
  async time(model: string, batch: number, seconds: number): Promise<number[]> {
    this.child.stdin.write(`${model} ${batch} ${seconds}\n`);
    const line = await this.lines.next();
    if (line.done) {
      const why = this.stderr.trim().split('\n').pop() ?? 'exited';
      throw new Error(`PyTorch reference failed (${HINT}): ${why}`);
    }
    return JSON.parse(line.value) as number[];
  }

  close(): void {
    this.child.stdin.end();
  }
}
