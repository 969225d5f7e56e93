// The output image: placed output sections become the image's sections (with sh_addr), one PT_LOAD
// segment each (R, plus W and X from the inputs; .bss as memsz > filesz), symbols with their final
// addresses, and every object's line table rebased onto the output sections. `.L` labels and
// section symbols are left out; locals of every object are kept (they name code in traces), behind
// the object's STT_FILE symbol (its compilation unit).
import { LINK } from "../diag/codes/link.js";
import type { LineEntry, ObjectFile, Section, Segment, Symbol } from "../obj/index.js";
import { sortLines } from "../obj/index.js";
import type { LinkContext } from "./context.js";
import type { OutputSection, Placement } from "./place.js";
import type { SymbolTable } from "./resolve.js";
import type { Resolver } from "./symbols.js";

/** The page size segments are aligned to (SDM Vol. 3A 4.5: 4-KByte pages). */
export const PAGE_SIZE = 4096n;
/** gas's local-label prefixes: `.L` names and the internal names of numeric labels (`1:`). */
const LOCAL_LABEL = /^(\.L|\u0001)/;

export function buildImage(
  ctx: LinkContext,
  placement: Placement,
  table: SymbolTable,
  resolver: Resolver,
  name: string,
  entry: bigint,
): ObjectFile {
  checkOverlap(ctx, placement.outputs);
  return {
    kind: "exec",
    name,
    sections: placement.outputs.map(outputSection),
    symbols: [...localSymbols(ctx, resolver), ...globalSymbols(ctx, table, resolver)],
    lines: rebaseLines(ctx, placement),
    entry,
    segments: placement.outputs.map(segment),
  };
}

function outputSection(o: OutputSection): Section {
  return {
    name: o.name,
    type: o.nobits ? "nobits" : "progbits",
    alloc: true,
    write: o.write,
    exec: o.exec,
    align: o.align,
    data: o.data,
    size: o.size,
    addr: o.addr,
    relocs: [],
  };
}

function segment(o: OutputSection): Segment {
  const align = BigInt(o.align) > PAGE_SIZE ? BigInt(o.align) : PAGE_SIZE;
  return {
    vaddr: o.addr,
    paddr: o.paddr,
    data: o.data,
    memSize: BigInt(o.size),
    read: true,
    write: o.write,
    exec: o.exec,
    align,
  };
}

/** Virtual addresses only grow through the layout; `at` can still make physical ranges collide. */
function checkOverlap(ctx: LinkContext, outs: readonly OutputSection[]): void {
  const sorted = [...outs].sort((a, b) => (a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.paddr + BigInt(a.size) > b.paddr) {
      ctx.error(
        LINK.OVERLAP,
        `output sections ${a.name} and ${b.name} overlap in physical memory (0x${a.paddr.toString(16)}+0x${a.size.toString(16)} and 0x${b.paddr.toString(16)})`,
      );
    }
  }
}

/**
 * Each object's locals behind its STT_FILE symbol, as ld keeps them, so that a local's unit is the
 * FILE symbol before it (obj/units.ts). An object without one gets one named after the object.
 */
function localSymbols(ctx: LinkContext, resolver: Resolver): Symbol[] {
  const out: Symbol[] = [];
  ctx.objects.forEach((o, obj) => {
    const start = out.length;
    o.symbols.forEach((s, i) => {
      if (s.binding !== "local" || s.type === "section" || LOCAL_LABEL.test(s.name)) return;
      const r = resolver.local(obj, i);
      if (r.kind === "defined") out.push({ ...s, section: r.section, value: r.value });
    });
    if (out.length > start && out[start]!.type !== "file") out.splice(start, 0, fileSymbol(o.name));
  });
  return out;
}

function fileSymbol(name: string): Symbol {
  return { name, section: "abs", value: 0n, size: 0n, binding: "local", type: "file", visibility: "default" }; // prettier-ignore
}

function globalSymbols(ctx: LinkContext, table: SymbolTable, resolver: Resolver): Symbol[] {
  const out: Symbol[] = [];
  for (const g of resolver.globals.values()) {
    const base: Symbol = g.from ?? {
      name: g.name,
      section: "abs",
      value: 0n,
      size: 0n,
      binding: "global",
      type: "notype",
      visibility: "default",
    };
    // A weak definition that won stays weak in the image, as ld keeps it.
    out.push({ ...base, name: g.name, section: g.resolved.section, value: g.resolved.value });
  }
  // Undefined weak references stay in the image as undefined weak symbols of value 0 (gABI).
  for (const name of table.undefinedRefs) {
    if (resolver.globals.has(name) || table.defs.has(name) || !onlyWeakRefs(ctx, name)) continue;
    out.push({
      name,
      section: "undef",
      value: 0n,
      size: 0n,
      binding: "weak",
      type: "notype",
      visibility: "default",
    });
  }
  return out;
}

function onlyWeakRefs(ctx: LinkContext, name: string): boolean {
  return ctx.objects.every((o) =>
    o.symbols.every((s) => s.name !== name || s.binding !== "global"),
  );
}

function rebaseLines(ctx: LinkContext, placement: Placement): LineEntry[] {
  const out: LineEntry[] = [];
  ctx.objects.forEach((o, obj) => {
    for (const e of o.lines) {
      const place = placement.inputs[obj]![e.section];
      if (!place || place.out === undefined) continue;
      out.push({ ...e, section: place.out, offset: place.offset + e.offset });
    }
  });
  return sortLines(out);
}
