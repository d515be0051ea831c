/** A CLI failure with its exit code: 2 for invalid input, 1 for anything else that went wrong. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
  }
}
