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
/**
 * Trouble, as diff(1) has it: bad input to a command whose 1 is a result — a guest's status
 * (`kernel run`), "the traces differ" (`trace diff`) — so that no input error reads as one.
 * The same number as a usage error, which is trouble too.
 */
export const EXIT_TROUBLE = EXIT_USAGE;

/** Thrown inside a command to end it with a status after printing what it had to say. */
export class ExitError extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

/**
 * Run `f`, ending with `to` instead when it ends with one of `from`: a command whose statuses
 * mean something else maps the shared helpers' input-error and I/O statuses onto its own.
 */
export function remapExit<T>(from: readonly number[], to: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ExitError && from.includes(e.status)) throw new ExitError(to);
    throw e;
  }
}
