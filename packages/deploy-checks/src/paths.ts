/**
 * Replaces container paths in command-line arguments by host ones: `/app/x` -> `<root>/x`, both
 * as a whole argument and as the value of `key=/app/x`. Longest prefixes first.
 */
export function mapPaths(args: readonly string[], map: Readonly<Record<string, string>>): string[] {
  const prefixes = Object.keys(map).sort((a, b) => b.length - a.length);
  const mapOne = (p: string): string => {
    for (const from of prefixes) {
      if (p === from || p.startsWith(from + '/')) return map[from] + p.slice(from.length);
    }
    return p;
  };
  return args.map((a) => {
    const eq = a.indexOf('=');
    return eq > 0 && !a.startsWith('-') ? `${a.slice(0, eq + 1)}${mapOne(a.slice(eq + 1))}` : mapOne(a);
  });
}
