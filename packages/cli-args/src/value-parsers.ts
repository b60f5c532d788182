// Value parsers for commander options, shared by rwp-launch, rwp-train and the benchmarks so that
// a flag of the same kind accepts the same text everywhere. A bad value throws commander's
// InvalidArgumentError: commander names the option and exits with a usage error.
import { InvalidArgumentError } from 'commander';

/** Digits only (no sign, exponent or fraction) and at least `min`. */
export function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };
}

export function port(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port number between 1 and 65535');
  return n;
}

/** A finite number > 0, fractions allowed (seconds, rates). */
export function positiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

/** A repeatable `--set key=value`: checks the form and collects the values in order. */
export function keyValue(text: string, previous: string[] | undefined): string[] {
  if (!/^[^=\s]+=/.test(text)) throw new InvalidArgumentError('expected key=value');
  return [...(previous ?? []), text];
}
