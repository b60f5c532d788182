// Value parsers shared by the benchmarks' command lines.
import { InvalidArgumentError } from 'commander';

export function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };
}

export function positiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

export function keyValue(text: string, previous: string[] | undefined): string[] {
  if (!/^[^=\s]+=/.test(text)) throw new InvalidArgumentError('expected key=value');
  return [...(previous ?? []), text];
}
