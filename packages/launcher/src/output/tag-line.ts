export type StreamName = 'stdout' | 'stderr';

/**
 * A worker's JSON object with `rank` added; any other line wrapped as an info record so the
 * stream stays one JSON object per line.
 */
export function tagLine(rank: number, stream: StreamName, line: string): Record<string, unknown> {
  if (line.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { ...value, rank };
    } catch {
      // Not JSON after all: wrapped below like any text line.
    }
  }
  return { level: 30, rank, stream, msg: line };
}
