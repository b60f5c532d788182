/**
 * The message of the last error a worker logged (a JSON line of pino level 50 or more) among its
 * last lines, so the launcher's failure line says why, not only how, the worker ended.
 */
export function lastWorkerError(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    let record: unknown;
    try {
      record = JSON.parse(lines[i]);
    } catch {
      continue;
    }
    const { level, msg } = (record ?? {}) as { level?: unknown; msg?: unknown };
    if (typeof level === 'number' && level >= 50 && typeof msg === 'string') return msg;
  }
  return undefined;
}
