/**
 * A CLI failure with its exit code: 2 for invalid input, 1 for anything else that went wrong, 128 + signal
 * for a command stopped by Ctrl-C or SIGTERM (see interrupt.ts).
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}
