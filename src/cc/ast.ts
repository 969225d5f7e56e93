// The handler-C syntax tree: expression and statement nodes (chibicc's single Node shape, typed
// by the parser as it builds them) and Obj, a variable or function. The parser (./parse*.ts)
// produces it; the code generator (./codegen*.ts) walks it.
import type { Loc } from "../diag/index.js";
import type { Member, Type } from "./types.js";

export type NodeKind =
  // expressions
  | "num" | "var" | "member" | "addr" | "deref" | "neg" | "not" | "bitnot" | "logand" | "logor"
  | "add" | "sub" | "mul" | "div" | "mod" | "bitand" | "bitor" | "bitxor" | "shl" | "shr"
  | "eq" | "ne" | "lt" | "le" | "assign" | "cond" | "comma" | "cast" | "call" | "stmtexpr"
  | "memzero" | "strcopy" | "complit"
  // statements
  | "block" | "if" | "for" | "do" | "switch" | "case" | "return" | "goto" | "label" | "exprstmt"
  | "asm" | "null"; // prettier-ignore

export interface AsmOperand {
  constraint: string;
  /** Symbolic name `[name]`, or "". */
  name: string;
  expr: Node;
  loc: Loc;
}

export interface AsmStmt {
  template: string;
  outputs: AsmOperand[];
  inputs: AsmOperand[];
  clobbers: string[];
}

export class Node {
  type: Type | undefined;
  lhs: Node | undefined;
  rhs: Node | undefined;
  /** if/for/cond: condition, then, else; for: init and inc. */
  cond: Node | undefined;
  then: Node | undefined;
  els: Node | undefined;
  init: Node | undefined;
  inc: Node | undefined;
  /** block, stmtexpr: statements; call: arguments. */
  body: Node[] = [];
  /** num */
  val = 0n;
  /** var */
  obj: Obj | undefined;
  member: Member | undefined;
  /** call: the callee's function type; a direct call also sets obj when lhs is a function name. */
  funcType: Type | undefined;
  /** Labels for break/continue/goto/case targets. */
  brkLabel = "";
  contLabel = "";
  label = "";
  /** goto/label: the C label name. */
  name = "";
  /** switch: its cases; case: the range lo..hi (GNU `case a ... b`). */
  cases: Node[] = [];
  defaultCase: Node | undefined;
  lo = 0n;
  hi = 0n;
  asm: AsmStmt | undefined;
  /** call returning a structure: the caller's buffer for the result (psABI §3.2.3). */
  retBuf: Obj | undefined;

  constructor(
    readonly kind: NodeKind,
    readonly loc: Loc,
  ) {}
}

export interface Relocation {
  offset: number;
  label: string;
  addend: bigint;
}

export interface Obj {
  name: string;
  /** Name in the assembly: the C name, or a unique `name.N` for block-scope statics. */
  asmName: string;
  type: Type;
  loc: Loc;
  isLocal: boolean;
  /** Locals: offset from %rbp (negative). */
  offset: number;
  isFunction: boolean;
  isDefinition: boolean;
  isStatic: boolean;
  isTentative: boolean;
  /** Globals: the bytes of the initialiser and its relocations; undefined → .bss. */
  initData: Uint8Array | undefined;
  relocs: Relocation[];
  section: string;
  align: number;
  /** Functions. */
  params: Obj[];
  locals: Obj[];
  body: Node | undefined;
  stackSize: number;
  attrs: Set<string>;
  /** Functions returning a MEMORY-class structure: the slot saving the hidden %rdi pointer. */
  retPtr: Obj | undefined;
  /** Referenced from code (decides whether a static inline function is emitted). */
  used: boolean;
}

export function newObj(name: string, type: Type, loc: Loc): Obj {
  return {
    name, asmName: name, type, loc, isLocal: false, offset: 0, isFunction: false,
    isDefinition: false, isStatic: false, isTentative: false, initData: undefined, relocs: [],
    section: "", align: type.align, params: [], locals: [], body: undefined, stackSize: 0,
    attrs: new Set(), used: false, retPtr: undefined,
  }; // prettier-ignore
}
