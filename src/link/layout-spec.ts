// The layout description: where the linker puts output sections, in the small line-based language
// parsed by ./layout-parse.ts and evaluated by ./place.ts. docs/linker.md describes the language.
// Every statement keeps its location in the layout text so link-time errors can point at it.
import type { Loc } from "../diag/index.js";

export type LayoutExpr =
  | { kind: "num"; value: bigint; loc: Loc }
  /** `.`, the location counter (a virtual address). */
  | { kind: "dot"; loc: Loc }
  /** A symbol assigned earlier in the layout. */
  | { kind: "sym"; name: string; loc: Loc }
  | { kind: "bin"; op: "+" | "-"; left: LayoutExpr; right: LayoutExpr; loc: Loc };

export type LayoutStmt =
  /** `. = EXPR`: move the location counter (never backwards). */
  | { kind: "set-dot"; expr: LayoutExpr; loc: Loc }
  /** `align N`: round the location counter up to a power of two. */
  | { kind: "align"; align: bigint; loc: Loc }
  /** `at EXPR`: the physical address of the current location; later sections keep the offset. */
  | { kind: "at"; expr: LayoutExpr; loc: Loc }
  /** `NAME = EXPR`: define a global symbol. */
  | { kind: "assign"; name: string; expr: LayoutExpr; loc: Loc }
  /** `NAME : PATTERN...`: an output section collecting the input sections the globs match. */
  | { kind: "output"; name: string; patterns: string[]; loc: Loc };

export interface LayoutSpec {
  /** The entry symbol named by an `entry NAME` statement, if any. */
  entry?: string;
  statements: LayoutStmt[];
}
