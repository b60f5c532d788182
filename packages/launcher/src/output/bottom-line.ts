/** Erases the terminal line the cursor is on and returns to its start. */
const ERASE = '\r\x1b[2K';

/**
 * Keeps one line at the bottom of a terminal: text printed through it scrolls up above the line,
 * which is drawn again after it. Each change is one write, so a reader never sees half of one.
 */
export class BottomLine {
  private line = '';

  constructor(private readonly write: (s: string) => void) {}

  /** `text` ends with a newline. */
  print(text: string): void {
    this.write(this.line === '' ? text : ERASE + text + this.line);
  }

  set(line: string): void {
    this.write(ERASE + line);
    this.line = line;
  }

  clear(): void {
    if (this.line !== '') this.write(ERASE);
    this.line = '';
  }
}
