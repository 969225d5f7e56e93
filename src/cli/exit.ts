// Exit statuses of the entrylab command, documented in docs/diagnostics.md. A guest run's own
// status (isa-debug-exit) is passed through by `entrylab run`; these are the tool's.
export const EXIT_OK = 0;
/** The input had errors; diagnostics were printed. */
export const EXIT_INPUT_ERROR = 1;
/** The command line was wrong: unknown option, missing argument, bad value, wrong kind of file. */
export const EXIT_USAGE = 2;
/** A file could not be read or written. */
export const EXIT_IO = 3;
/** A bug in entrylab. */
export const EXIT_INTERNAL = 70;

/** Thrown inside a command to end it with a status after printing what it had to say. */
export class ExitError extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}
