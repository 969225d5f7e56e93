// The cpp stage's public types (CppLine, CppResult, CppOptions) and its internal token type.
// The preprocessor turns one source file into a list of output lines; every column of every
// line can be traced back to a Loc (through includes and macro expansions) with locAt.
import type { DiagnosticBag, Host, Loc, SourceManager } from "../diag/index.js";

export interface CppLine {
  /** One logical output line, no newline. */
  text: string;
  /** Location of the start of this line in its source file (include chain only). */
  origin: Loc;
  /**
   * Maps a column of `text` (0-based) to the Loc it came from: verbatim text and macro
   * arguments map to their exact offset; text produced by a macro body maps to the
   * outermost invocation site, with the expansions (innermost first) in loc.chain.
   */
  locAt(col: number): Loc;
}

export interface CppResult {
  lines: CppLine[];
  /** Files read (the main file first), for dependency output. */
  files: string[];
  /**
   * Preprocessing stopped at a fatal error — a missing #include, which gcc also treats as fatal
   * ("compilation terminated") — so `lines` is incomplete and must not be compiled.
   */
  fatal: boolean;
}

export type CppDefine = { name: string; value?: string } | { undef: string };

export interface CppOptions {
  /** "asm" for .S (gcc -x assembler-with-cpp), "c" for handler-C. */
  mode: "asm" | "c";
  includePaths: string[];
  /** -D and -U in command-line order. `name` may carry a parameter list: "f(x)". */
  defines: CppDefine[];
  host: Host;
  sources: SourceManager;
  diags: DiagnosticBag;
  /** Default 200, as gcc. */
  maxIncludeDepth?: number;
}

export type TokKind =
  | "ident"
  | "number"
  | "string"
  | "char"
  | "punct"
  | "header" // <file> after #include
  | "other"
  | "placemarker"; // an empty macro argument next to ## (C11 6.10.3.3)

export type { Token } from "./token.js";

export type Mode = CppOptions["mode"];
