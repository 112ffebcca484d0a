// Errors that end a command with a clear one-line message and an exit code.

export class CliError extends Error {
  constructor(
    message: string,
    /** 2: the input was wrong (unknown id, bad flag); 1: the command failed. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
