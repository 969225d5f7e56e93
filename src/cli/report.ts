// Printing diagnostics and ending commands with the documented exit statuses.
import { renderDiagnostics, type DiagnosticBag, type SourceManager } from "../diag/index.js";
import { EXIT_INPUT_ERROR, EXIT_IO, EXIT_USAGE, ExitError } from "./exit.js";

export function printDiagnostics(diags: DiagnosticBag, sources: SourceManager): void {
  if (diags.items.length > 0) process.stderr.write(renderDiagnostics(diags.items, sources));
}

/** Print what the bag holds; end the command with status 1 if any of it is an error. */
export function finish(diags: DiagnosticBag, sources: SourceManager): void {
  printDiagnostics(diags, sources);
  if (diags.hasErrors) throw new ExitError(EXIT_INPUT_ERROR);
}

export function usageError(message: string): never {
  process.stderr.write(`entrylab: error[E0001]: ${message}\n`);
  throw new ExitError(EXIT_USAGE);
}

/** A file of the wrong kind for the command (an image where objects are linked): status 2. */
export function inputTypeError(message: string): never {
  process.stderr.write(`entrylab: error[E0004]: ${message}\n`);
  throw new ExitError(EXIT_USAGE);
}

export function ioError(code: "E0002" | "E0003", message: string): never {
  process.stderr.write(`entrylab: error[${code}]: ${message}\n`);
  throw new ExitError(EXIT_IO);
}
