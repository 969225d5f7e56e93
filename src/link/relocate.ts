// Relocation: patch every field of every placed input section with its final value, using the
// psABI formulas (S + A, or S + A − P for the PC-relative kinds) and the ranges of src/obj's
// RELOC_TABLE. Arithmetic is modulo 2^64, as on the machine, then the result must fit the field:
// a higher-half address fits an R_32S field because it sign-extends, as in `movq $sym, %rax`.
// The image keeps no relocations.
import { LINK } from "../diag/codes/link.js";
import { relocFits, relocInfo, type Reloc, type RelocInfo } from "../obj/index.js";
import type { LinkContext } from "./context.js";
import type { OutputSection, Placement } from "./place.js";
import type { Resolver } from "./symbols.js";

const BITS_PER_BYTE = 8;

export function applyRelocations(ctx: LinkContext, placement: Placement, resolver: Resolver): void {
  ctx.objects.forEach((o, obj) =>
    o.sections.forEach((s, sec) => {
      const place = placement.inputs[obj]![sec];
      if (!place || place.out === undefined) return;
      const out = placement.outputs[place.out]!;
      for (const r of s.relocs) relocate(ctx, resolver, out, obj, sec, place, r);
    }),
  );
}

function relocate(
  ctx: LinkContext,
  resolver: Resolver,
  out: OutputSection,
  obj: number,
  sec: number,
  place: { offset: number; addr: bigint },
  r: Reloc,
): void {
  const info = relocInfo(r.type)!;
  const name = symbolName(ctx, obj, r.symbol);
  const target = resolver.ref(obj, r.symbol);
  if (target.kind === "undefined" && !target.weak) {
    return ctx.errorAt(LINK.UNDEFINED, obj, sec, r.offset, `undefined reference to '${name}'`);
  }
  if (target.kind === "discarded") {
    return ctx.errorAt(
      LINK.DISCARDED,
      obj,
      sec,
      r.offset,
      `'${name}' is in section ${target.section}, which the layout discards`,
    );
  }
  // gABI: an undefined weak symbol has the value 0.
  const S = target.kind === "defined" ? target.value : 0n;
  const P = place.addr + BigInt(r.offset);
  const value = relocValue(info, S, r.addend, P);
  if (!relocFits(info, value)) {
    return ctx.errorAt(
      LINK.TRUNCATED,
      obj,
      sec,
      r.offset,
      `relocation truncated to fit: ${info.name} against '${name}' (value ${hex(value)} does not fit ${describeRange(info)})`,
    );
  }
  writeField(out.data, place.offset + r.offset, info.size, value);
}

/** S + A (− P), wrapped to 64 bits and read as the field's range reads it. */
export function relocValue(info: RelocInfo, S: bigint, A: bigint, P: bigint): bigint {
  const raw = S + A - (info.pcRelative ? P : 0n);
  return info.range === "unsigned" ? BigInt.asUintN(64, raw) : BigInt.asIntN(64, raw);
}

function writeField(data: Uint8Array, at: number, size: number, value: bigint): void {
  let v = BigInt.asUintN(size * BITS_PER_BYTE, value);
  for (let i = 0; i < size; i++) {
    data[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function symbolName(ctx: LinkContext, obj: number, sym: number): string {
  const o = ctx.objects[obj]!;
  const s = o.symbols[sym]!;
  if (s.type === "section" && typeof s.section === "number")
    return o.sections[s.section]?.name ?? s.name;
  return s.name;
}

function describeRange(info: RelocInfo): string {
  const bits = info.size * BITS_PER_BYTE;
  if (info.range === "any") return `${bits} bits`;
  return `a ${info.range} ${bits}-bit field`;
}

function hex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}
