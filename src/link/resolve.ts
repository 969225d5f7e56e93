// Symbol resolution by name, before any address is known: which object defines each global or
// weak symbol, and which names are referenced without a definition. The rules (ELF gABI, as ld
// applies them): a strong (global) definition beats a weak one; of several weak ones the first on
// the command line wins; two strong ones are an error naming both; locals never take part.
// Also checks that each input object is consistent before any pass indexes into it.
import { LINK } from "../diag/codes/link.js";
import { relocInfo, type ObjectFile } from "../obj/index.js";
import type { LinkContext } from "./context.js";

export interface GlobalDef {
  obj: number;
  sym: number;
  weak: boolean;
}

export interface SymbolTable {
  /** The winning definition of each defined global/weak name, in first-definition order. */
  defs: Map<string, GlobalDef>;
  /** Every global/weak name that some object uses without defining, in first-use order. */
  undefinedRefs: Set<string>;
}

export function resolveSymbols(ctx: LinkContext): SymbolTable {
  const table: SymbolTable = { defs: new Map(), undefinedRefs: new Set() };
  ctx.objects.forEach((o, obj) => {
    o.symbols.forEach((s, sym) => {
      if (s.binding === "local") return;
      if (s.section === "undef") table.undefinedRefs.add(s.name);
      else define(ctx, table, { obj, sym, weak: s.binding === "weak" }, s.name);
    });
  });
  return table;
}

function define(ctx: LinkContext, table: SymbolTable, def: GlobalDef, name: string): void {
  const old = table.defs.get(name);
  if (!old || (old.weak && !def.weak)) {
    table.defs.set(name, def);
    return;
  }
  if (old.weak || def.weak) return; // the strong one (or the first weak one) stays
  ctx.error(
    LINK.MULTIPLE_DEFINITION,
    `multiple definition of '${name}': ${ctx.describeDefinition(def.obj, def.sym)} and ${ctx.describeDefinition(old.obj, old.sym)}`,
    undefined,
    [{ message: `first defined in ${ctx.describeDefinition(old.obj, old.sym)}` }],
  );
}

/**
 * Check the cross-references inside each object that later passes rely on: symbol sections,
 * relocation symbols, kinds and offsets. An object from readObject always passes; one built in
 * memory may not, and bad input must become a diagnostic rather than an exception.
 */
export function checkObjects(ctx: LinkContext): void {
  ctx.objects.forEach((o, obj) => {
    if (o.kind !== "rel") ctx.error(LINK.BAD_INPUT, `${o.name}: not a relocatable object`);
    o.symbols.forEach((s) => {
      if (typeof s.section === "number" && !o.sections[s.section]) {
        ctx.error(
          LINK.BAD_INPUT,
          `${o.name}: symbol '${s.name}' in section ${s.section}, which does not exist`,
        );
      }
    });
    o.sections.forEach((_, sec) => checkSection(ctx, o, obj, sec));
  });
}

function checkSection(ctx: LinkContext, o: ObjectFile, obj: number, sec: number): void {
  const s = o.sections[sec]!;
  if (s.type !== "nobits" && s.data.length !== s.size) {
    ctx.error(
      LINK.BAD_INPUT,
      `${o.name}: section ${s.name} has ${s.data.length} bytes but size ${s.size}`,
    );
  }
  if (!Number.isInteger(s.align) || s.align < 1 || (s.align & (s.align - 1)) !== 0) {
    ctx.error(
      LINK.BAD_INPUT,
      `${o.name}: section ${s.name} has alignment ${s.align}, not a power of two`,
    );
  }
  for (const r of s.relocs) {
    const info = relocInfo(r.type);
    const where = ctx.where(obj, sec, r.offset);
    if (!info) ctx.error(LINK.BAD_INPUT, `${where}: unknown relocation type ${r.type}`);
    else if (s.type === "nobits")
      ctx.error(LINK.BAD_INPUT, `${where}: relocation in a section without bytes`);
    else if (r.offset < 0 || r.offset + info.size > s.size) {
      ctx.error(LINK.BAD_INPUT, `${where}: ${info.name} field runs past the end of ${s.name}`);
    }
    if (!o.symbols[r.symbol])
      ctx.error(
        LINK.BAD_INPUT,
        `${where}: relocation against symbol ${r.symbol} of ${o.symbols.length}`,
      );
  }
}
