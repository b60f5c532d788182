export type StreamName = 'stdout' | 'stderr';

// pino's levels: what a text line says of itself, else what its stream implies.
const ERROR = 50;
const WARN = 40;
const INFO = 30;
const SAYS_ERROR = /^\s*(error|fatal|panic|segmentation fault|aborted|[a-z]*error:)/i;
const SAYS_WARNING = /^\s*warn(ing)?\b/i;

/** A native library's or a runtime's text line: its level from its first word, else warn on stderr and info on stdout. */
function textLevel(stream: StreamName, line: string): number {
  if (SAYS_ERROR.test(line)) return ERROR;
  if (SAYS_WARNING.test(line)) return WARN;
  return stream === 'stderr' ? WARN : INFO;
}

/**
 * A worker's JSON object with `rank` added; any other line wrapped as a record of the level the
 * line says of itself, so the stream stays one JSON object per line.
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
  return { level: textLevel(stream, line), rank, stream, msg: line };
}
