// Section placement: evaluate the layout over the input sections. Each kept input section goes to
// the first output section whose patterns match its name (script order, as ld); input sections
// follow each other in command-line order, each at its own alignment. Sections no pattern matches
// (orphans) become output sections of their own name, placed page-aligned after the last output
// section of the same kind (exec, ro, rw, bss) — ld's orphan rule. Non-alloc sections are dropped,
// except the alternatives tables, which the boot builder patches from the image.
import { LINK } from "../diag/codes/link.js";
import type { Loc } from "../diag/index.js";
import type { Section } from "../obj/index.js";
import type { LinkContext } from "./context.js";
import type { LayoutExpr, LayoutSpec, LayoutStmt } from "./layout-spec.js";

/** Sections kept even when an object marks them non-alloc: the image must carry them. */
export const KEEP_SECTIONS: ReadonlySet<string> = new Set([
  ".altinstructions",
  ".altinstr_replacement",
]);
/** Orphan output sections start on a page so each can get its own permissions. */
export const ORPHAN_ALIGN = 4096n;
const ADDRESS_LIMIT = 1n << 64n;

export type SectionKind = "exec" | "ro" | "rw" | "bss";
/** Where an orphan of each kind goes: after the last output section of the first kind present. */
const ORPHAN_AFTER: Record<SectionKind, SectionKind[]> = {
  exec: ["exec"],
  ro: ["ro", "exec"],
  rw: ["rw", "ro", "exec"],
  bss: ["bss", "rw", "ro", "exec"],
};

export interface InputRef {
  obj: number;
  sec: number;
}

export interface OutputSection {
  name: string;
  addr: bigint;
  paddr: bigint;
  size: number;
  align: number;
  write: boolean;
  exec: boolean;
  /** Every input is nobits: the section has no file bytes. */
  nobits: boolean;
  /** The contents (zeros where nobits inputs are); empty when `nobits`. */
  data: Uint8Array;
  inputs: InputRef[];
}

export interface InputPlace {
  /** Index into Placement.outputs; undefined for an empty section whose output was dropped. */
  out: number | undefined;
  offset: number;
  /** The virtual address of the input section's first byte. */
  addr: bigint;
}

export interface LayoutSymbol {
  name: string;
  value: bigint;
  /** Index into Placement.outputs, or "abs" when the value is in no output section. */
  section: number | "abs";
  loc: Loc;
}

export interface Placement {
  /** Non-empty output sections, in address order. */
  outputs: OutputSection[];
  /** [object][section] → where it went; undefined when discarded. */
  inputs: (InputPlace | undefined)[][];
  symbols: LayoutSymbol[];
}

interface PendingOutput {
  name: string;
  inputs: InputRef[];
}

export function kindOf(sections: readonly Section[]): SectionKind {
  if (sections.some((s) => s.exec)) return "exec";
  if (sections.every((s) => s.type === "nobits")) return "bss";
  return sections.some((s) => s.write) ? "rw" : "ro";
}

/** A glob (`*`, `?`, `[...]`) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (const c of glob) {
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[" || c === "]") re += c;
    else re += c.replace(/[\\^$.|+(){}]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export function place(ctx: LinkContext, layout: LayoutSpec): Placement | undefined {
  const stmts = layout.statements;
  const matchers = stmts.map((s) => (s.kind === "output" ? s.patterns.map(globToRegExp) : []));
  const names = stmts.map((s) => (s.kind === "output" ? s.name : ""));
  const outputIndex = new Map(
    stmts.flatMap((s, i) => (s.kind === "output" ? [[s.name, i] as const] : [])),
  );
  const byStmt = new Map<number, PendingOutput>();
  const joins = new Map<number, PendingOutput>();
  const orphans = new Map<string, PendingOutput>();
  ctx.objects.forEach((o, obj) =>
    o.sections.forEach((s, sec) => {
      if (!s.alloc && !KEEP_SECTIONS.has(s.name)) return;
      const i = matchers.findIndex((m) => m.some((re) => re.test(s.name)));
      const joined = outputIndex.get(s.name);
      let target: PendingOutput;
      if (i >= 0) target = pending(byStmt, i, names[i]!);
      // An orphan named like a layout output section joins it, at its end, as in ld.
      else if (joined !== undefined) target = pending(joins, joined, s.name);
      else target = pending(orphans, s.name, s.name);
      target.inputs.push({ obj, sec });
    }),
  );
  for (const [i, p] of joins) pending(byStmt, i, names[i]!).inputs.push(...p.inputs);
  const after = placeOrphans(ctx, stmts, byStmt, orphans);
  return new Evaluator(ctx).run(stmts, byStmt, after);
}

function pending<K>(map: Map<K, PendingOutput>, key: K, name: string): PendingOutput {
  let p = map.get(key);
  if (!p) map.set(key, (p = { name, inputs: [] }));
  return p;
}

/** For each statement index, the orphan outputs that follow it (key -1: after everything). */
function placeOrphans(
  ctx: LinkContext,
  stmts: readonly LayoutStmt[],
  byStmt: Map<number, PendingOutput>,
  orphans: Map<string, PendingOutput>,
): Map<number, PendingOutput[]> {
  const lastOfKind = new Map<SectionKind, number>();
  stmts.forEach((_, i) => {
    const p = byStmt.get(i);
    if (p && p.inputs.length > 0) lastOfKind.set(kindOf(sectionsOf(ctx, p)), i);
  });
  const after = new Map<number, PendingOutput[]>();
  for (const p of orphans.values()) {
    const kind = kindOf(sectionsOf(ctx, p));
    const anchor =
      ORPHAN_AFTER[kind].map((k) => lastOfKind.get(k)).find((i) => i !== undefined) ?? -1;
    let list = after.get(anchor);
    if (!list) after.set(anchor, (list = []));
    list.push(p);
  }
  return after;
}

function sectionsOf(ctx: LinkContext, p: PendingOutput): Section[] {
  return p.inputs.map((r) => ctx.objects[r.obj]!.sections[r.sec]!);
}

function alignUp(value: bigint, align: bigint): bigint {
  return (value + align - 1n) & -align;
}

/** Walks the statements with the location counter, building output sections and symbols. */
class Evaluator {
  private dot = 0n;
  /** Virtual minus physical address, set by `at`. */
  private delta = 0n;
  private outputs: OutputSection[] = [];
  private inputs: (InputPlace | undefined)[][];
  private values = new Map<string, bigint>();
  private symbols: { name: string; value: bigint; loc: Loc; outputsBefore: number }[] = [];
  private ok = true;

  constructor(private readonly ctx: LinkContext) {
    this.inputs = ctx.objects.map((o) => o.sections.map(() => undefined));
  }

  run(
    stmts: readonly LayoutStmt[],
    byStmt: Map<number, PendingOutput>,
    after: Map<number, PendingOutput[]>,
  ): Placement | undefined {
    const origin: Loc = { file: 0, start: 0, end: 0 };
    stmts.forEach((s, i) => {
      if (!this.ok) return;
      this.statement(s, byStmt.get(i));
      for (const p of after.get(i) ?? []) this.orphan(p, s.loc);
    });
    for (const p of after.get(-1) ?? []) this.orphan(p, origin);
    if (!this.ok) return undefined;
    return {
      outputs: this.outputs,
      inputs: this.inputs,
      symbols: this.symbols.map((s) => this.attach(s)),
    };
  }

  private statement(s: LayoutStmt, p: PendingOutput | undefined): void {
    switch (s.kind) {
      case "set-dot": {
        const v = this.eval(s.expr);
        if (v === undefined) return;
        if (v < this.dot) {
          return this.fail(
            LINK.DOT_BACKWARDS,
            s.loc,
            `location counter moved backwards from 0x${this.dot.toString(16)} to 0x${v.toString(16)}`,
          );
        }
        this.dot = v;
        return;
      }
      case "align":
        return this.setDot(alignUp(this.dot, s.align), s.loc);
      case "at": {
        const v = this.eval(s.expr);
        if (v !== undefined) this.delta = this.dot - v;
        return;
      }
      case "assign": {
        const v = this.eval(s.expr);
        if (v === undefined) return;
        this.values.set(s.name, v);
        this.symbols.push({
          name: s.name,
          value: v,
          loc: s.loc,
          outputsBefore: this.outputs.length,
        });
        return;
      }
      case "output":
        if (p) this.output(p, s.loc);
    }
  }

  private orphan(p: PendingOutput, loc: Loc): void {
    this.setDot(alignUp(this.dot, ORPHAN_ALIGN), loc);
    this.output(p, loc);
  }

  private output(p: PendingOutput, loc: Loc): void {
    if (!this.ok) return;
    const sections = sectionsOf(this.ctx, p);
    if (sections.every((s) => s.size === 0)) {
      // ld drops empty output sections; labels in them keep the location counter's value.
      for (const r of p.inputs)
        this.inputs[r.obj]![r.sec] = { out: undefined, offset: 0, addr: this.dot };
      return;
    }
    const align = sections.reduce((a, s) => Math.max(a, s.align), 1);
    const addr = alignUp(this.dot, BigInt(align));
    const index = this.outputs.length;
    let size = 0;
    for (const r of p.inputs) {
      const s = this.ctx.objects[r.obj]!.sections[r.sec]!;
      const offset = Number(alignUp(BigInt(size), BigInt(s.align)));
      this.inputs[r.obj]![r.sec] = { out: index, offset, addr: addr + BigInt(offset) };
      size = offset + s.size;
    }
    const nobits = sections.every((s) => s.type === "nobits");
    const out: OutputSection = {
      name: p.name,
      addr,
      paddr: addr - this.delta,
      size,
      align,
      write: sections.some((s) => s.write),
      exec: sections.some((s) => s.exec),
      nobits,
      data: nobits ? new Uint8Array() : this.contents(p.inputs, size),
      inputs: p.inputs,
    };
    if (out.paddr < 0n || out.paddr + BigInt(size) > ADDRESS_LIMIT) {
      return this.fail(
        LINK.ADDRESS_RANGE,
        loc,
        `output section ${p.name} has physical address ${out.paddr < 0n ? "-" : ""}0x${(out.paddr < 0n ? -out.paddr : out.paddr).toString(16)}, outside the 64-bit address space`,
      );
    }
    this.outputs.push(out);
    this.setDot(addr + BigInt(size), loc);
  }

  private contents(inputs: readonly InputRef[], size: number): Uint8Array {
    const data = new Uint8Array(size);
    for (const r of inputs) {
      const s = this.ctx.objects[r.obj]!.sections[r.sec]!;
      if (s.type !== "nobits") data.set(s.data, this.inputs[r.obj]![r.sec]!.offset);
    }
    return data;
  }

  private setDot(v: bigint, loc: Loc): void {
    // The end of the last section may be exactly 2^64; nothing can be placed past it.
    if (v > ADDRESS_LIMIT)
      return this.fail(
        LINK.ADDRESS_RANGE,
        loc,
        `location counter 0x${v.toString(16)} is past the end of the 64-bit address space`,
      );
    this.dot = v;
  }

  private eval(e: LayoutExpr): bigint | undefined {
    const v = this.value(e);
    if (v >= 0n && v < ADDRESS_LIMIT) return v;
    this.fail(
      LINK.ADDRESS_RANGE,
      e.loc,
      `value ${v < 0n ? "-" : ""}0x${(v < 0n ? -v : v).toString(16)} is outside the 64-bit address space`,
    );
    return undefined;
  }

  private value(e: LayoutExpr): bigint {
    switch (e.kind) {
      case "num":
        return e.value;
      case "dot":
        return this.dot;
      case "sym":
        // The parser only accepts symbols assigned earlier; one whose value failed is 0 here.
        return this.values.get(e.name) ?? 0n;
      case "bin": {
        const l = this.value(e.left);
        const r = this.value(e.right);
        return e.op === "+" ? l + r : l - r;
      }
    }
  }

  /** A layout symbol belongs to the output section it lies in, just before or just after it. */
  private attach(s: {
    name: string;
    value: bigint;
    loc: Loc;
    outputsBefore: number;
  }): LayoutSymbol {
    const prev = this.outputs[s.outputsBefore - 1];
    const next = this.outputs[s.outputsBefore];
    let section: number | "abs" = "abs";
    if (prev && s.value >= prev.addr && s.value <= prev.addr + BigInt(prev.size))
      section = s.outputsBefore - 1;
    else if (next && s.value === next.addr) section = s.outputsBefore;
    return { name: s.name, value: s.value, section, loc: s.loc };
  }

  private fail(code: string, loc: Loc, message: string): void {
    this.ok = false;
    this.ctx.error(code, message, loc);
  }
}
