// The assembler's syntax tree for one logical line of source, produced by the CST visitor
// (./parser) and consumed by the statement processor (./assembler). Positions are Spans relative
// to the start of the line's text, so a parsed line does not depend on where the text came from
// and can be cached by its text; the processor maps spans to source Locs.
import type { Register } from "../isa/registers.js";

/** [start, end) character offsets into the line text. */
export interface Span {
  start: number;
  end: number;
}

/** GNU as binary operators (GNU as precedence, not C's: see ./expr.ts). */
export type BinaryOp =
  | "*" | "/" | "%" | "<<" | ">>"
  | "|" | "&" | "^" | "!"
  | "+" | "-" | "==" | "!=" | "<>" | "<" | ">" | "<=" | ">="
  | "&&" | "||"; // prettier-ignore

export type Expr =
  | { kind: "num"; value: bigint; span: Span }
  | { kind: "sym"; name: string; span: Span }
  /** Numeric local label reference: `1b` (dir "b") or `771f` (dir "f"). */
  | { kind: "localref"; label: string; dir: "b" | "f"; span: Span }
  /** The location counter `.`. */
  | { kind: "dot"; span: Span }
  | { kind: "unary"; op: "-" | "~" | "!" | "+"; arg: Expr; span: Span }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; span: Span }
  /** A register inside an expression, as in `.if \base == %rsp`. */
  | { kind: "reg"; reg: Register; span: Span };

export interface MemoryOperand {
  kind: "mem";
  seg?: Register;
  disp?: Expr;
  base?: Register; // may be %rip
  index?: Register;
  scale: 1 | 2 | 4 | 8;
  span: Span;
}

export type Operand =
  | { kind: "reg"; reg: Register; span: Span }
  | { kind: "imm"; expr: Expr; span: Span }
  /** Memory, including a bare expression (`foo`, `%gs:sym+8`): an absolute reference in AT&T. */
  | MemoryOperand
  /** `*%rax` or `*mem`: the target of an indirect jmp/call. */
  | {
      kind: "indirect";
      target: { kind: "reg"; reg: Register; span: Span } | MemoryOperand;
      span: Span;
    };

/** An argument of a data or symbol directive. */
export type DirectiveArg =
  | { kind: "expr"; expr: Expr; span: Span }
  | { kind: "string"; value: string; span: Span } // escapes already decoded, as bytes (latin1)
  | { kind: "type"; name: string; span: Span } // @function, %object... (name without the sigil)
  | { kind: "empty"; span: Span }; // an omitted argument, as in `.p2align 4,,15`

export type Statement =
  | { kind: "label"; name: string; span: Span } // `foo:`, `.Lx:`, `1:`
  | { kind: "assign"; name: string; expr: Expr; span: Span } // `name = expr` (also `. = expr`)
  | {
      kind: "directive";
      name: string; // lower-case, with the dot: ".long"
      /**
       * Comma-separated arguments when the text after the name parses as such; otherwise
       * undefined with the reason in argsError, and the processor uses `rest` (e.g. `.ifc a,b`).
       */
      args?: DirectiveArg[];
      argsError?: ParseError;
      /** The raw text after the directive name, for directives with their own syntax. */
      rest: string;
      restSpan: Span;
      span: Span;
    }
  | {
      kind: "insn";
      prefixes: { name: string; span: Span }[]; // lock, rep, repe, repz, repne, repnz
      mnemonic: string; // lower-case, as written (with suffix)
      mnemonicSpan: Span;
      operands: Operand[];
      span: Span;
    };

/** A syntax error found while parsing one line. */
export interface ParseError {
  code: string;
  message: string;
  span: Span;
}

export interface ParsedLine {
  statements: Statement[];
  errors: ParseError[];
}

/** What a non-constant term of an expression is relative to. */
export type ValueBase =
  | { kind: "section"; section: number } // a location in a section (offset in `addend`)
  | { kind: "undef"; name: string }; // a symbol not defined (yet, or in this file)

/**
 * The value of an expression, in GNU as's terms: a constant, plus at most one added base and at
 * most one subtracted base. `foo + 4` (foo in .text at 0x10) is {addend 0x14, add .text};
 * `1b - .` across sections is {add .text, sub .altinstructions} and becomes a PC-relative
 * relocation; a difference of two locations in one section folds to a constant.
 */
export interface Value {
  addend: bigint;
  add?: ValueBase;
  sub?: ValueBase;
  /** Set when the expression is a bare register (only comparisons may use it). */
  reg?: Register;
}

export interface EvalContext {
  /** A symbol's value: defined → section/abs value; not defined → {add: undef}. */
  symbol(name: string, span: Span): Value;
  /** A numeric local label reference `1b`/`1f`. */
  localRef(label: string, dir: "b" | "f", span: Span): Value;
  /** The location counter. */
  dot(span: Span): Value;
  /** Optional: receives evaluator warnings (e.g. W2101 shift count out of range). */
  warn?(code: string, message: string, span: Span): void;
}

export interface EvalError {
  error: string;
  code: string;
  span: Span;
}
