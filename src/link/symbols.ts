// Symbol values once the layout is placed: the address of every definition, the symbols the layout
// assigns, and the ones the linker provides — ld's PROVIDE rule: defined only when an object refers
// to them and nothing defines them — `__start_SEC`/`__stop_SEC` for each output section whose name
// is a C identifier, `__bss_start` and `_end`.
import { LINK } from "../diag/codes/link.js";
import type { Loc } from "../diag/index.js";
import type { Symbol } from "../obj/index.js";
import type { LinkContext } from "./context.js";
import type { Placement } from "./place.js";
import type { SymbolTable } from "./resolve.js";

export type Resolved =
  /** `section` is an index into Placement.outputs, or "abs". */
  | { kind: "defined"; value: bigint; section: number | "abs" }
  | { kind: "undefined"; weak: boolean }
  /** Defined in an input section the layout dropped. */
  | { kind: "discarded"; section: string };

/** A global the image defines: from an object, the layout, or provided by the linker. */
export interface ImageGlobal {
  name: string;
  resolved: Resolved & { kind: "defined" };
  /** The defining object's symbol (for type, size, binding); undefined for linker symbols. */
  from?: Symbol;
  loc?: Loc;
}

const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class Resolver {
  /** Every defined global, by name, in output order: object definitions, then the layout's, then provided ones. */
  readonly globals = new Map<string, ImageGlobal>();

  constructor(
    private readonly ctx: LinkContext,
    private readonly table: SymbolTable,
    private readonly placement: Placement,
  ) {
    for (const [name, def] of table.defs) {
      const r = this.local(def.obj, def.sym);
      if (r.kind === "defined")
        this.globals.set(name, {
          name,
          resolved: r,
          from: ctx.objects[def.obj]!.symbols[def.sym]!,
        });
    }
    this.layoutSymbols();
    this.provide();
  }

  /** The value of symbol `sym` of object `obj` as the image sees it (globals by name). */
  ref(obj: number, sym: number): Resolved {
    const s = this.ctx.objects[obj]!.symbols[sym]!;
    if (s.binding === "local") return this.local(obj, sym);
    const g = this.globals.get(s.name);
    if (g) return g.resolved;
    const def = this.table.defs.get(s.name);
    if (def) return this.local(def.obj, def.sym); // a definition in a discarded section
    return { kind: "undefined", weak: s.binding === "weak" };
  }

  /** The value of an object's own definition of a symbol. */
  local(obj: number, sym: number): Resolved {
    const s = this.ctx.objects[obj]!.symbols[sym]!;
    if (s.section === "abs") return { kind: "defined", value: s.value, section: "abs" };
    if (s.section === "undef") return { kind: "undefined", weak: s.binding === "weak" };
    const place = this.placement.inputs[obj]![s.section];
    if (!place)
      return { kind: "discarded", section: this.ctx.objects[obj]!.sections[s.section]!.name };
    return {
      kind: "defined",
      value: BigInt.asUintN(64, place.addr + s.value),
      section: place.out ?? "abs",
    };
  }

  private layoutSymbols(): void {
    for (const s of this.placement.symbols) {
      const def = this.table.defs.get(s.name);
      if (def && !def.weak) {
        this.ctx.error(
          LINK.LAYOUT_SYMBOL_DEFINED,
          `symbol '${s.name}' is assigned by the layout and defined by ${this.ctx.describeDefinition(def.obj, def.sym)}`,
          s.loc,
        );
        continue;
      }
      // A weak definition in an object yields to the layout's, as to any strong one.
      this.globals.delete(s.name);
      this.globals.set(s.name, {
        name: s.name,
        resolved: { kind: "defined", value: s.value, section: s.section },
        loc: s.loc,
      });
    }
  }

  private provide(): void {
    const outs = this.placement.outputs;
    const end = outs.reduce(
      (m, o) => (o.addr + BigInt(o.size) > m ? o.addr + BigInt(o.size) : m),
      0n,
    );
    const last = outs.length - 1;
    const bss = outs.findIndex((o) => o.nobits);
    const candidates = new Map<string, Resolved & { kind: "defined" }>();
    outs.forEach((o, i) => {
      if (!C_IDENTIFIER.test(o.name)) return;
      candidates.set(`__start_${o.name}`, { kind: "defined", value: o.addr, section: i });
      candidates.set(`__stop_${o.name}`, {
        kind: "defined",
        value: o.addr + BigInt(o.size),
        section: i,
      });
    });
    candidates.set("_end", { kind: "defined", value: end, section: last >= 0 ? last : "abs" });
    candidates.set(
      "__bss_start",
      bss >= 0
        ? { kind: "defined", value: outs[bss]!.addr, section: bss }
        : { kind: "defined", value: end, section: last >= 0 ? last : "abs" },
    );
    for (const name of this.table.undefinedRefs) {
      const c = candidates.get(name);
      if (c && !this.globals.has(name) && !this.table.defs.has(name))
        this.globals.set(name, { name, resolved: c });
    }
  }
}
