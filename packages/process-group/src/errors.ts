/** An environment variable that describes the process group is missing, malformed or inconsistent. */
export class ProcessGroupEnvError extends Error {
  /** The variable at fault. */
  readonly variable: string;

  constructor(variable: string, detail: string) {
    super(`${variable}: ${detail}`);
    this.name = 'ProcessGroupEnvError';
    this.variable = variable;
  }
}
