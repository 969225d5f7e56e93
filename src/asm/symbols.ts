// The symbol table of one assembly: labels (a location in a section), equated symbols
// (`.set`/`.equ`/`=`, re-assignable), and attributes from `.globl/.weak/.local/.hidden/.type/
// .size`. `.L` labels and numeric local labels are kept here too but never reach the object.
import type { Loc } from "../diag/index.js";
import type { Expr } from "./ast.js";
import type { AsmSection } from "./sections.js";
import type { SymbolType } from "../obj/index.js";

export interface AsmSymbol {
  name: string;
  /** Where it is defined: a label, an equate, or nothing yet (referenced or declared only). */
  def?:
    | { kind: "label"; sec: AsmSection; frag: number; off: number }
    | { kind: "equ"; expr: Expr; constant?: bigint };
  /** First reference, for diagnostics about undefined symbols. */
  refLoc?: Loc;
  binding?: "global" | "weak" | "local";
  hidden: boolean;
  type?: SymbolType;
  size?: { expr: Expr; loc: Loc };
  /** Defined with `.equiv` or a label: may not be redefined. */
  fixed: boolean;
}

/** Prefix of internal names: numeric label instances and `.` captured in expressions. */
export const INTERNAL = "\u0001";

export class SymbolTable {
  readonly map = new Map<string, AsmSymbol>();
  /** Numeric local labels: label → number of definitions so far. */
  private readonly numeric = new Map<string, number>();
  /**
   * The last name looked up and its entry: a symbolic operand is looked up by the binder and
   * again by the evaluator with the same string, and fresh slices make every Map probe cost.
   */
  private lastName: string | undefined;
  private lastSym: AsmSymbol | undefined;
  /**
   * Symbols given an equate value so far (`=`, `.set`, `.equ`, `.equiv`): while there are none,
   * no name can stand for a value, which ./insn-recipe.ts checks for every name it reuses.
   */
  equates = 0;

  get(name: string): AsmSymbol | undefined {
    if (name === this.lastName) return this.lastSym;
    const s = this.map.get(name);
    this.lastName = name;
    this.lastSym = s;
    return s;
  }

  /** The entry for `name`, created (undefined) if needed. */
  intern(name: string): AsmSymbol {
    let s = this.map.get(name);
    if (!s) {
      // Every field from the start: fields added later would move to a separately allocated
      // property array, and a large file has tens of thousands of symbols (labels above all).
      s = { name, def: undefined, refLoc: undefined, binding: undefined, hidden: false, type: undefined, size: undefined, fixed: false }; // prettier-ignore
      this.map.set(name, s);
      // A remembered miss for this name is now stale.
      if (name === this.lastName) this.lastSym = s;
    }
    return s;
  }

  /** Name of the instance a reference `Nb`/`Nf` means at this point (undefined: no such `Nb`). */
  numericRef(label: string, dir: "b" | "f"): string | undefined {
    const n = this.numeric.get(label) ?? 0;
    if (dir === "b") return n === 0 ? undefined : numericName(label, n);
    return numericName(label, n + 1);
  }

  /** Define the next instance of numeric label `label`; returns its internal name. */
  defineNumeric(label: string): string {
    const n = (this.numeric.get(label) ?? 0) + 1;
    this.numeric.set(label, n);
    return numericName(label, n);
  }
}

function numericName(label: string, n: number): string {
  return `${INTERNAL}${label}${INTERNAL}${n}`;
}

/** True for names that never reach the object's symbol table. */
export function isLocalName(name: string): boolean {
  return name.startsWith(".L") || name.startsWith(INTERNAL);
}

/** Readable form of an internal numeric label name (`1b`-style diagnostics). */
export function displayName(name: string): string {
  if (!name.startsWith(INTERNAL)) return name;
  const parts = name.split(INTERNAL);
  return parts[1] ?? name;
}
