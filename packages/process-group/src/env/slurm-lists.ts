// Parsers for Slurm's compressed list formats.

/** Splits on commas that are not inside brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** "01-03,07" -> ["01","02","03","07"], keeping the zero padding of each range's first number. */
function expandRanges(spec: string): string[] {
  const out: string[] = [];
  for (const range of spec.split(',')) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(range);
    if (!m) throw new Error(`bad range "${range}"`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`range "${range}" runs backwards`);
    const width = m[1].length;
    for (let n = lo; n <= hi; n++) out.push(String(n).padStart(width, '0'));
  }
  return out;
}

function expandHost(item: string): string[] {
  const open = item.indexOf('[');
  if (open < 0) {
    if (item.includes(']')) throw new Error(`unbalanced "]" in "${item}"`);
    return [item];
  }
  const close = item.indexOf(']', open);
  if (close < 0) throw new Error(`unbalanced "[" in "${item}"`);
  const prefix = item.slice(0, open);
  const rest = expandHost(item.slice(close + 1));
  const hosts: string[] = [];
  for (const n of expandRanges(item.slice(open + 1, close))) {
    for (const tail of rest) hosts.push(prefix + n + tail);
  }
  return hosts;
}

/**
 * Expands a Slurm host list such as "gpu[01-03,07],cpu5" into host names, in order.
 * Throws a plain Error describing the syntax problem.
 */
export function expandHostList(list: string): string[] {
  const hosts: string[] = [];
  for (const item of splitTopLevel(list.trim())) {
    if (item === '') throw new Error('empty host name');
    hosts.push(...expandHost(item));
  }
  return hosts;
}

/** Expands a Slurm task-count list such as "4(x2),3" into one count per node: [4, 4, 3]. */
export function expandTaskCounts(list: string): number[] {
  const counts: number[] = [];
  for (const item of list.trim().split(',')) {
    const m = /^([0-9]+)(?:\(x([0-9]+)\))?$/.exec(item.trim());
    if (!m) throw new Error(`bad task count "${item}"`);
    const repeat = m[2] === undefined ? 1 : Number(m[2]);
    for (let i = 0; i < repeat; i++) counts.push(Number(m[1]));
  }
  return counts;
}
