// torchvision's side of bench:data: its DataLoader over the same folder with the same training
// transforms (RandomResizedCrop, flip, ToTensor, Normalize), timed like rwp's side.
import { spawnSync } from 'node:child_process';

const HINT = 'apt-get install -y python3-torchvision libopenblas0-openmp';

// One epoch of train/, images per second from the first batch to the last (worker start-up left
// out on both sides). One thread per worker process, as rwp's workers use one libvips thread.
const SCRIPT = `
import gc, json, resource, sys, time, torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms
torch.set_num_threads(1)
root, workers, batch, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = transforms.Compose([transforms.RandomResizedCrop(size), transforms.RandomHorizontalFlip(), transforms.ToTensor(),
                        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
loader = DataLoader(datasets.ImageFolder(root, t), batch_size=batch, shuffle=True, num_workers=workers, drop_last=True,
                    worker_init_fn=lambda _: torch.set_num_threads(1))
def cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime
c0 = cpu(resource.RUSAGE_SELF)
n, total, t0 = 0, 0, None
for x, y in loader:
    total += x.shape[0]
    if t0 is None:
        t0 = time.perf_counter()
    else:
        n += x.shape[0]
seconds = time.perf_counter() - t0
del loader, x, y
gc.collect()  # joins the worker processes, so their CPU time is counted as the children's
cpu_s = cpu(resource.RUSAGE_SELF) - c0 + cpu(resource.RUSAGE_CHILDREN)
print(json.dumps({"images": n, "seconds": seconds, "cpu_ms_per_image": 1000 * cpu_s / total}))
`;

/** Why torchvision cannot run with this python, or null when it can. */
export function torchvisionUnavailable(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import torchvision'], { encoding: 'utf8' });
  if (r.status === 0) return null;
  return `${python} cannot import torchvision (${HINT}): ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`;
}

/** Images per second of torchvision's DataLoader over trainDir, and CPU milliseconds per image of its processes (start-up of the workers included). */
export function torchvisionPipeline(python: string, trainDir: string, workers: number, batch: number, size: number): { imagesPerS: number; cpuMsPerImage: number } {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  const r = spawnSync(python, ['-c', SCRIPT, trainDir, String(workers), String(batch), String(size)], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`torchvision DataLoader failed (exit ${r.status}): ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`);
  const { images, seconds, cpu_ms_per_image } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { images: number; seconds: number; cpu_ms_per_image: number };
  return { imagesPerS: images / seconds, cpuMsPerImage: cpu_ms_per_image };
}
