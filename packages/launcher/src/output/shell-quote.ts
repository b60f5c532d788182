/** `s` as one word a POSIX shell reads back unchanged: as is when plain, else in single quotes. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
