// Expression binding and evaluation for the driver. Binding fixes, at the point an expression is
// written, what its names mean there: `1b`/`1f` become the numeric label instance they refer to,
// `.` becomes the current location, and equated symbols are replaced by their value in effect
// (gas re-assignable `.set`). A bound expression can then be evaluated again as layout changes.
import type { EvalContext, Expr, Span, Value } from "./ast.js";
import type { AsmSection } from "./sections.js";
import { INTERNAL, type SymbolTable } from "./symbols.js";
import { evaluate } from "./expr.js";

/** A location captured by `.` in an expression. */
export interface Place {
  sec: AsmSection;
  frag: number;
  off: number;
}

const PLACE_PREFIX = `${INTERNAL}.`;
/** Equates referring to equates: a deeper chain is a cycle. */
const MAX_EQU_DEPTH = 64;

export class Binder {
  readonly places: Place[] = [];
  /** Set by bind() when a `Nb` reference has no earlier definition: the label. */
  missingBackRef: { label: string; span: Span } | undefined;

  constructor(private readonly symbols: SymbolTable) {}

  /** True when evaluation does not depend on names or `.` (a pure constant expression). */
  static isPure(e: Expr): boolean {
    switch (e.kind) {
      case "num":
      case "reg":
        return true;
      case "unary":
        return Binder.isPure(e.arg);
      case "binary":
        return Binder.isPure(e.left) && Binder.isPure(e.right);
      default:
        return false;
    }
  }

  bind(e: Expr, here: () => Place): Expr {
    switch (e.kind) {
      case "num":
      case "reg":
        return e;
      case "dot": {
        this.places.push(here());
        return { kind: "sym", name: `${PLACE_PREFIX}${this.places.length - 1}`, span: e.span };
      }
      case "localref": {
        const name = this.symbols.numericRef(e.label, e.dir);
        if (name === undefined) {
          this.missingBackRef = { label: e.label, span: e.span };
          return { kind: "num", value: 0n, span: e.span };
        }
        return { kind: "sym", name, span: e.span };
      }
      case "sym": {
        const def = this.symbols.get(e.name)?.def;
        if (def?.kind !== "equ") return e;
        if (def.constant !== undefined) return { kind: "num", value: def.constant, span: e.span };
        return def.expr;
      }
      case "unary": {
        const arg = this.bind(e.arg, here);
        return arg === e.arg ? e : { ...e, arg };
      }
      case "binary": {
        const left = this.bind(e.left, here);
        const right = this.bind(e.right, here);
        return left === e.left && right === e.right ? e : { ...e, left, right };
      }
    }
  }

  place(name: string): Place | undefined {
    return name.startsWith(PLACE_PREFIX)
      ? this.places[Number(name.slice(PLACE_PREFIX.length))]
      : undefined;
  }
}

/**
 * Evaluates bound expressions. In "value" mode every defined label is a section location; in
 * "reloc" mode global and weak labels stay symbolic (a relocation names them, as gas does).
 * `final` turns false when the result depends on an undefined symbol or an address estimate.
 */
export class Evaluator implements EvalContext {
  reloc = false;
  final = true;
  /** After layout every address is exact: fragments past a variable part no longer count. */
  laidOut = false;
  /** Undefined names met (for diagnostics). */
  undefinedName: string | undefined;
  private depth = 0;
  /** Receives evaluator warnings while a statement is processed (unset during layout). */
  warnSink: ((code: string, message: string, span: Span) => void) | undefined;

  constructor(
    private readonly symbols: SymbolTable,
    private readonly binder: Binder,
    private readonly current: () => Place,
  ) {}

  run(e: Expr, reloc = false): ReturnType<typeof evaluate> {
    this.reloc = reloc;
    this.final = true;
    this.undefinedName = undefined;
    this.depth = 0;
    return evaluate(e, this);
  }

  symbol(name: string): Value {
    const p = this.binder.place(name);
    if (p) return this.location(p.sec, p.frag, p.off);
    const s = this.symbols.get(name);
    const def = s?.def;
    if (def?.kind === "label") {
      if (this.reloc && (s!.binding === "global" || s!.binding === "weak")) {
        return { addend: 0n, add: { kind: "undef", name } };
      }
      return this.location(def.sec, def.frag, def.off);
    }
    if (def?.kind === "equ") {
      if (def.constant !== undefined) return { addend: def.constant };
      if (this.depth >= MAX_EQU_DEPTH) return this.undef(name);
      this.depth++;
      const v = evaluate(def.expr, this);
      this.depth--;
      return "error" in v ? this.undef(name) : v;
    }
    return this.undef(name);
  }

  warn(code: string, message: string, span: Span): void {
    this.warnSink?.(code, message, span);
  }

  localRef(label: string, dir: "b" | "f"): Value {
    const name = this.symbols.numericRef(label, dir);
    return name === undefined ? this.undef(`${label}${dir}`) : this.symbol(name);
  }

  dot(): Value {
    const p = this.current();
    return this.location(p.sec, p.frag, p.off);
  }

  private location(sec: AsmSection, frag: number, off: number): Value {
    if (frag > 0 && !this.laidOut) this.final = false;
    return { addend: BigInt(sec.addr(frag, off)), add: { kind: "section", section: sec.index } };
  }

  private undef(name: string): Value {
    this.final = false;
    this.undefinedName ??= name;
    return { addend: 0n, add: { kind: "undef", name } };
  }
}
