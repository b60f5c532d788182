// Markdown pieces of report.md and of the README's results section.

/** A GitHub-flavoured table; `right` marks the columns to right-align (numbers). */
export function markdownTable(head: string[], rows: string[][], right: boolean[] = head.map(() => false)): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(head), `|${right.map((r) => (r ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}

export function markdownImage(alt: string, path: string): string {
  return `![${alt.replace(/[[\]]/g, '')}](${path})`;
}

/** Fixed decimals, or an en dash for a value that does not exist (NaN, null). */
export function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** The same table as plain text for a terminal: the first column left-aligned, the rest right. */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}
