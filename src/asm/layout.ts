// Layout and fixups. Variable parts (`.skip` counts known only later, alignment after them,
// `.org`) are sized by iterating to a fixed point over the variable parts only — their counts
// may depend on labels defined later, even in other sections (the kernel's ALTERNATIVE pads
// old code with `.skip -(((144f-143f)-(141b-140b)) > 0) * ...`). Then every fixup becomes a
// constant written in place or a relocation, following gas's choices for ELF x86-64.
import { ASM } from "../diag/codes/asm.js";
import type { Value } from "./ast.js";
import type { Assembler } from "./assembler.js";
import { MAX_SECTION_SIZE, type AsmSection, type Fixup, type VarPart } from "./sections.js";
import { displayName, isLocalName } from "./symbols.js";
import {
  R_16,
  R_32,
  R_32S,
  R_64,
  R_8,
  R_PC16,
  R_PC32,
  R_PC64,
  R_PC8,
  type Reloc,
  type RelocType,
} from "../obj/index.js";

/** Sizes rarely need more than a few passes; past this the layout oscillates. */
const MAX_PASSES = 100;

/**
 * What a relocation is against, before the symbol table is numbered: a section index, a symbol
 * name, or ABS_TARGET, gas's `*ABS*` (a branch to an absolute address).
 */
export type RelocTarget = number | string;
/** The nameless absolute symbol (no real name can be empty). */
export const ABS_TARGET = "";

/**
 * A section's relocations, final but for their symbol: ./emit.ts numbers the symbols and sets
 * `relocs[i].symbol` from `targets[i]`.
 */
export class SectionRelocs {
  readonly relocs: Reloc[] = [];
  readonly targets: RelocTarget[] = [];

  constructor(private readonly s: AsmSection) {}

  /** A relocation of the field at `f` (its address is final: layout is done). */
  add(f: Fixup, type: RelocType, target: RelocTarget, addend: bigint): void {
    this.relocs.push({ offset: this.s.addr(f.frag, f.off), type, symbol: 0, addend });
    this.targets.push(target);
  }
}

/** Size every variable part; returns false (after a diagnostic) if sizes do not settle. */
export function relax(a: Assembler): boolean {
  const varSections = a.sections.filter((s) => !s.exact);
  if (varSections.length === 0) return true;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const s of varSections) if (relaxSection(a, s, false)) changed = true;
    if (!changed) {
      for (const s of varSections) relaxSection(a, s, true);
      return true;
    }
  }
  const loc = varSections[0]!.vars[0]!.loc;
  a.diags.error(ASM.NO_CONVERGENCE, loc, `section sizes do not settle after ${MAX_PASSES} passes`);
  return false;
}

/** One pass over a section: recompute fragment addresses and part sizes. */
function relaxSection(a: Assembler, s: AsmSection, report: boolean): boolean {
  let changed = false;
  let addr = 0;
  const n = s.vars.length;
  for (let k = 0; k <= n; k++) {
    if (s.fragAddr[k] !== addr) changed = true;
    s.fragAddr[k] = addr;
    if (k === n) break;
    addr += s.fragStart[k + 1]! - s.fragStart[k]!;
    const part = s.vars[k]!;
    let size = partSize(a, s, part, addr, report);
    if (addr + size > MAX_SECTION_SIZE) {
      if (report) a.tooLarge(part.loc, s);
      size = 0;
    }
    if (size !== part.size) {
      part.size = size;
      changed = true;
    }
    addr += size;
  }
  return changed;
}

function partSize(
  a: Assembler,
  s: AsmSection,
  part: VarPart,
  addr: number,
  report: boolean,
): number {
  if (part.kind === "align") {
    const pad = (part.align - (addr % part.align)) % part.align;
    return pad > part.maxSkip ? 0 : pad;
  }
  const expr = part.kind === "skip" ? part.count : part.target;
  const v = a.evaluator.run(expr);
  if ("error" in v) {
    if (report) a.evalError(v, part.loc);
    return 0;
  }
  if (part.kind === "skip") {
    if (v.add || v.sub) {
      if (report) notConstant(a, part, v);
      return 0;
    }
    return v.addend > 0n ? Number(v.addend) * part.unit : 0;
  }
  if (v.sub || (v.add && !(v.add.kind === "section" && v.add.section === s.index))) {
    if (report) notConstant(a, part, v);
    return 0;
  }
  const size = Number(v.addend) - addr;
  if (size < 0) {
    if (report)
      a.diags.error(
        ASM.DOT_BACKWARDS,
        part.loc,
        `attempt to move .org backwards (by ${-size} bytes)`,
      );
    return 0;
  }
  return size;
}

function notConstant(a: Assembler, part: VarPart, v: Value): void {
  const name = v.add?.kind === "undef" ? ` ('${displayName(v.add.name)}' is not defined)` : "";
  a.diags.error(ASM.NOT_CONSTANT, part.loc, `size is not a constant${name}`);
}

// ---- fixups -------------------------------------------------------------------------------------

export function resolveFixups(a: Assembler): Map<AsmSection, SectionRelocs> {
  const out = new Map<AsmSection, SectionRelocs>();
  a.evaluator.laidOut = true;
  for (const s of a.sections) {
    const relocs = new SectionRelocs(s);
    for (const f of s.fixups) if (!resolveName(a, s, f, relocs)) resolve(a, s, f, relocs);
    out.set(s, relocs);
  }
  return out;
}

/**
 * The common fixups — a lone name that is a label, a global or an undefined symbol (branches,
 * calls, RIP-relative and `.quad sym` fields: nearly all of compiler output's) — resolved
 * straight from the symbol table, without the evaluator's Value objects and second
 * (relocation-mode) run. The outcome is what `resolve` gives for them; anything else (equates,
 * which may be constants, `.`, undefined local names, which need a diagnostic) returns false
 * and goes to `resolve`.
 */
function resolveName(a: Assembler, s: AsmSection, f: Fixup, relocs: SectionRelocs): boolean {
  const e = f.expr;
  if (e.kind !== "sym") return false;
  const name = e.name;
  const sym = a.symbols.get(name);
  const def = sym?.def;
  if (def?.kind === "equ") return false;
  if (def === undefined || sym!.binding === "global" || sym!.binding === "weak") {
    // Relocation mode keeps these symbolic. An undefined local name is an error, and `.` in an
    // expression (a binder place, never in the table) is a local name too.
    if (isLocalName(name)) return false;
    if (f.pcrel) relocs.add(f, R_PC32, name, -BigInt(f.end - f.off));
    else relocs.add(f, absType(f), name, 0n);
    return true;
  }
  const addr = def.sec.addr(def.frag, def.off);
  if (!f.pcrel) {
    relocs.add(f, absType(f), def.sec.index, BigInt(addr));
    return true;
  }
  if (def.sec !== s) {
    // end − P: both in the fixup's fragment, so the difference of their buffer offsets.
    relocs.add(f, R_PC32, def.sec.index, BigInt(addr - (f.end - f.off)));
    return true;
  }
  const v = addr - s.addr(f.frag, f.end);
  if (f.width === REL32_BYTES && v >= -REL32_SPAN && v < REL32_SPAN) s.putU32(f.off, v);
  else write(a, s, f, BigInt(v));
  return true;
}

/** A 32-bit signed field: its size and the bound of its range. */
const REL32_BYTES = 4;
const REL32_SPAN = 0x8000_0000;

function resolve(a: Assembler, s: AsmSection, f: Fixup, relocs: SectionRelocs): void {
  if (f.pcrel) {
    const v = a.evaluator.run(f.expr, true);
    if ("error" in v) return a.evalError(v, f.loc);
    if (undefinedLocal(a, v, f)) return;
    if (v.sub) return cannot(a, f, "a difference of symbols");
    // end − P: both in the fixup's fragment, so the difference of their buffer offsets.
    const toEnd = BigInt(f.end - f.off);
    if (!v.add) {
      // `16(%rip)`: a constant displacement from the next instruction, as written.
      if (f.role !== "rel") return write(a, s, f, v.addend);
      // `jmp 0x1000`: gas emits R_X86_64_PC32 against *ABS* (the linker resolves it).
      return relocs.add(f, R_PC32, ABS_TARGET, v.addend - toEnd);
    }
    if (v.add.kind === "section" && v.add.section === s.index)
      return write(a, s, f, v.addend - BigInt(s.addr(f.frag, f.end)));
    return relocs.add(f, R_PC32, target(v.add), v.addend - toEnd);
  }
  const v = a.evaluator.run(f.expr, false);
  if ("error" in v) return a.evalError(v, f.loc);
  if (!v.add && !v.sub) return write(a, s, f, v.addend);
  const r = a.evaluator.run(f.expr, true);
  if ("error" in r) return;
  if (undefinedLocal(a, r, f)) return;
  if (r.add && !r.sub) return relocs.add(f, absType(f), target(r.add), r.addend);
  if (r.add && r.sub?.kind === "section" && r.sub.section === s.index)
    return relocs.add(f, pcType(f), target(r.add), r.addend + BigInt(s.addr(f.frag, f.off)));
  cannot(a, f, "a difference of symbols in different sections");
}

function undefinedLocal(a: Assembler, v: Value, f: Fixup): boolean {
  return undefinedLocalBase(a, v.add, f) || undefinedLocalBase(a, v.sub, f);
}

function undefinedLocalBase(a: Assembler, b: Value["add"], f: Fixup): boolean {
  if (b?.kind !== "undef" || !isLocalName(b.name)) return false;
  const shown = displayName(b.name);
  const what = b.name.startsWith(".L")
    ? `undefined local symbol '${shown}'`
    : `undefined local label '${shown}f'`;
  a.diags.error(ASM.UNDEFINED_LOCAL, f.loc, what);
  return true;
}

function target(b: NonNullable<Value["add"]>): RelocTarget {
  return b.kind === "section" ? b.section : b.name;
}

function absType(f: Fixup): RelocType {
  switch (f.width) {
    case 8: return R_64;
    case 4: return f.signed ? R_32S : R_32;
    case 2: return R_16;
    default: return R_8;
  } // prettier-ignore
}

function pcType(f: Fixup): RelocType {
  switch (f.width) {
    case 8: return R_PC64;
    case 4: return R_PC32;
    case 2: return R_PC16;
    default: return R_PC8;
  } // prettier-ignore
}

function cannot(a: Assembler, f: Fixup, what: string): void {
  a.diags.error(ASM.CANNOT_RESOLVE, f.loc, `can't resolve ${what} to a value or a relocation`);
}

/** Write a resolved constant, with gas's range rules for the field. */
function write(a: Assembler, s: AsmSection, f: Fixup, v: bigint): void {
  const bits = BigInt(f.width * 8);
  const hex = (x: bigint) => `0x${BigInt.asUintN(64, x).toString(16)}`;
  if (f.width < 8) {
    if (f.role === "rel" || f.pcrel || f.role === "disp" || f.signed) {
      if (v < -(1n << (bits - 1n)) || v >= 1n << (bits - 1n)) {
        const what =
          f.role === "rel" ? "branch target" : f.role === "disp" ? "displacement" : "value";
        a.diags.error(
          ASM.OUT_OF_RANGE,
          f.loc,
          `${what} ${hex(v)} out of range of signed ${bits}bit field`,
        );
      }
    } else if (v >= 1n << bits || v <= -(1n << bits)) {
      const msg =
        f.role === "data"
          ? `value ${hex(v)} truncated to 0x${BigInt.asUintN(f.width * 8, v).toString(16)}`
          : `${hex(v)} shortened to 0x${BigInt.asUintN(f.width * 8, v).toString(16)}`;
      a.diags.warning(f.role === "data" ? ASM.TRUNCATED : ASM.SHORTENED, f.loc, msg);
    }
  }
  s.put(f.off, f.width, v);
}
