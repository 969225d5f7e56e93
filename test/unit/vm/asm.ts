// Test helper: build bytecode from (form name, operands) lists with src/isa's encoder, wrap it in an
// ET_EXEC image linked at 1 MiB, and boot it with flat64.
import { encode, formByName } from "../../../src/isa/index.js";
import type { OperandValue } from "../../../src/isa/index.js";
import type { ObjectFile } from "../../../src/obj/types.js";
import { createMachine, FLAT64_IMAGE_BASE } from "../../../src/vm/index.js";
import type { Machine, MachineOptions } from "../../../src/vm/index.js";

export type Insn = [name: string, ...ops: OperandValue[]] | { label: string };

export const r = (num: number): OperandValue => ({ kind: "reg", num });
export const i = (v: number | bigint): OperandValue => ({ kind: "imm", value: BigInt(v) });
export const f: OperandValue = { kind: "fixed" };
export const m = (base: number, disp = 0, index = 0x1f, scaleLog2 = 0, seg = 0): OperandValue => ({
  kind: "mem",
  mem: { seg, base, index, scaleLog2, disp },
});
/** A rel32 to a label, resolved by asm(). */
export const to = (label: string): OperandValue =>
  ({ kind: "rel", value: 0, label }) as unknown as OperandValue;

/** Encode a program; labels resolve rel operands (two passes). */
export function asm(prog: Insn[], prefix: Record<number, number> = {}): Uint8Array {
  const out = new Uint8Array(65536);
  const labels = new Map<string, number>();
  let len = 0;
  for (let pass = 0; pass < 2; pass++) {
    let at = 0;
    prog.forEach((ins, k) => {
      if (!Array.isArray(ins)) {
        labels.set(ins.label, at);
        return;
      }
      const [name, ...ops] = ins;
      const form = formByName(name);
      if (form === undefined) throw new Error(`no form ${name}`);
      const fixed = ops.map((o) => (o.kind === "rel" ? { kind: "rel" as const, value: 0 } : o));
      const n = encode(form, prefix[k] ?? 0, fixed, out, at);
      const relIdx = ops.findIndex((o) => o.kind === "rel");
      if (relIdx >= 0) {
        const target = labels.get((ops[relIdx] as unknown as { label: string }).label) ?? 0;
        const ops2 = ops.map((o) =>
          o.kind === "rel" ? { kind: "rel" as const, value: target - (at + n) } : o,
        );
        encode(form, prefix[k] ?? 0, ops2, out, at);
      }
      at += n;
    });
    len = at;
  }
  return out.slice(0, len);
}

export function image(code: Uint8Array, bssSize = 0): ObjectFile {
  const base = BigInt(FLAT64_IMAGE_BASE);
  return {
    kind: "exec",
    name: "<test>",
    sections: [],
    symbols: [],
    lines: [],
    entry: base,
    segments: [
      {
        vaddr: base,
        paddr: base,
        data: code,
        memSize: BigInt(code.length + bssSize),
        read: true,
        write: true,
        exec: true,
        align: 4096n,
      },
    ],
  };
}

/** Boot a program with flat64; returns the machine (not yet run). */
export function boot(
  prog: Insn[],
  opts: MachineOptions = {},
  prefix: Record<number, number> = {},
): Machine {
  const mc = createMachine({ maxInsns: 1_000_000, ...opts });
  const problems = mc.loadFlat64(image(asm(prog, prefix), 0x10000));
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join("\n"));
  return mc;
}
