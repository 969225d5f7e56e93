// One Diagnostic type for every stage, and a bag that collects many per run without cascades.
import type { Loc } from "./source.js";
import { CODES } from "./codes/index.js";

export type Severity = "error" | "warning" | "note";

export interface Diagnostic {
  severity: Severity;
  /** Stable code from the code table, e.g. "E2001" or "W3004". */
  code: string;
  message: string;
  /** Absent for diagnostics about the run as a whole. */
  loc?: Loc;
  /** Extra `note:` lines, each optionally pointing somewhere. */
  notes?: { message: string; loc?: Loc }[];
}

/** Thrown by a stage that cannot go on; the bag already holds the reason. */
export class FatalError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  private errorCount = 0;
  /** Lines (file:line) that already hold an error: later errors there are cascades. */
  private erroredLines = new Set<string>();

  constructor(readonly maxErrors = 100) {}

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === "error");
  }

  add(d: Diagnostic): void {
    if (!(d.code in CODES)) throw new Error(`internal: unregistered diagnostic code ${d.code}`);
    if (d.severity === "error") {
      if (this.errorCount >= this.maxErrors) return;
      this.errorCount++;
    }
    this.items.push(d);
  }

  error(code: string, loc: Loc | undefined, message: string, notes?: Diagnostic["notes"]): void {
    this.add({ severity: "error", code, message, loc, notes });
  }

  warning(code: string, loc: Loc | undefined, message: string, notes?: Diagnostic["notes"]): void {
    this.add({ severity: "warning", code, message, loc, notes });
  }

  /**
   * Report an error unless one was already reported on the same line: a second error on a line
   * is nearly always a consequence of the first.
   */
  errorOnce(code: string, loc: Loc, lineKey: string, message: string): void {
    if (this.erroredLines.has(lineKey)) return;
    this.erroredLines.add(lineKey);
    this.error(code, loc, message);
  }

  /** Add an error and stop the stage. */
  fatal(code: string, loc: Loc | undefined, message: string): never {
    const d: Diagnostic = { severity: "error", code, message, loc };
    this.add(d);
    throw new FatalError(d);
  }
}
