// The architectural state as plain JSON (hex strings): what `--state-out` writes and tests compare.
import { GPR64, SEGMENT_REGISTERS } from "../isa/registers.js";
import type { Cpu } from "./cpu.js";
import { TWO32 } from "./cpu.js";
import { readFlags } from "./flags.js";

export interface CpuSnapshot {
  regs: Record<string, string>;
  rip: string;
  rflags: string;
  cpl: number;
  segments: Record<string, { selector: string; base: string }>;
  cr0: string;
  cr2: string;
  cr3: string;
  cr4: string;
  efer: string;
  gdtr: { base: string; limit: string };
  idtr: { base: string; limit: string };
  tr: { selector: string; base: string };
  msrs: Record<string, string>;
  insns: number;
  halted: boolean;
}

function h(v: number): string {
  const hi = Math.floor(v / TWO32) >>> 0;
  return "0x" + hi.toString(16).padStart(8, "0") + (v >>> 0).toString(16).padStart(8, "0");
}
function h32(lo: number, hi: number): string {
  return "0x" + (hi >>> 0).toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}

export function snapshot(c: Cpu): CpuSnapshot {
  const regs: Record<string, string> = {};
  GPR64.forEach((n, i) => (regs[n] = h32(c.rlo[i]!, c.rhi[i]!)));
  const segments: CpuSnapshot["segments"] = {};
  SEGMENT_REGISTERS.forEach(
    (n, i) =>
      (segments[n] = { selector: "0x" + c.segSel[i]!.toString(16), base: h(c.segBase[i]!) }),
  );
  return {
    regs,
    rip: h(c.rip),
    rflags: h(readFlags(c)),
    cpl: c.cpl,
    segments,
    cr0: h(c.cr0 >>> 0),
    cr2: h(c.cr2),
    cr3: h(c.cr3),
    cr4: h(c.cr4 >>> 0),
    efer: h(c.efer),
    gdtr: { base: h(c.gdtrBase), limit: "0x" + c.gdtrLimit.toString(16) },
    idtr: { base: h(c.idtrBase), limit: "0x" + c.idtrLimit.toString(16) },
    tr: { selector: "0x" + c.trSel.toString(16), base: h(c.trBase) },
    msrs: {
      star: h32(c.starLo, c.starHi),
      lstar: h(c.lstar),
      sfmask: h(c.sfmask),
      fs_base: h(c.segBase[4]!),
      gs_base: h(c.segBase[5]!),
      kernel_gs_base: h(c.kernelGsBase),
      tsc: h(c.icount + c.tscOffset),
    },
    insns: c.icount,
    halted: c.halted,
  };
}
