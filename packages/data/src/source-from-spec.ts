import { FolderSource } from './image-folder.js';
import { ArraySource, type ImageSource, type SourceSpec } from './image-source.js';

/** Rebuilds the source `ImageSource.share()` described, e.g. inside a worker thread. */
export function sourceFromSpec(spec: SourceSpec): ImageSource {
  return spec.kind === 'array'
    ? new ArraySource(spec.height, spec.width, spec.channels, spec.pixels, spec.labels)
    : new FolderSource(spec.files, spec.labels, spec.size);
}
