import { FolderSource } from './folder-source.js';
import { ArraySource, type SourceSpec } from './image-source.js';
import type { Source } from './dataset.js';

/** Rebuilds the source `share()` described, e.g. inside a worker thread. */
export function sourceFromSpec(spec: SourceSpec): Source {
  return spec.kind === 'array'
    ? new ArraySource(spec.height, spec.width, spec.channels, spec.pixels, spec.labels)
    : new FolderSource(spec.files, spec.labels, spec.size, spec.evalResize);
}
