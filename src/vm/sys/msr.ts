// Model-specific registers the subset models (SDM vol. 4): EFER, STAR, LSTAR, CSTAR, SFMASK,
// FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC, TSC_AUX. Unknown MSRs → #GP(0) (SDM vol. 2 RDMSR).
import { RAX, RDX, SEG_FS, SEG_GS } from "../../isa/registers.js";
import type { Cpu } from "../cpu.js";
import { EFER_LMA, EFER_LME, EFER_NXE, EFER_SCE, TWO32 } from "../cpu.js";
import { VEC_GP } from "../fault.js";
import { MSR_APIC_BASE, X2APIC_MSR_FIRST, X2APIC_MSR_LAST } from "./apic.js";

/** SDM 10.12.1.2: x2APIC registers are MSRs 0x800–0x8FF; without x2APIC they do not exist (#GP). */
function isApicMsr(c: Cpu, msr: number): boolean {
  if (msr !== MSR_APIC_BASE && (msr < X2APIC_MSR_FIRST || msr > X2APIC_MSR_LAST)) return false;
  if (!c.features.x2apic) c.raise(VEC_GP, 0);
  return true;
}

export const MSR_TSC = 0x10;
export const MSR_EFER = 0xc0000080;
export const MSR_STAR = 0xc0000081;
export const MSR_LSTAR = 0xc0000082;
export const MSR_CSTAR = 0xc0000083;
export const MSR_SFMASK = 0xc0000084;
export const MSR_FS_BASE = 0xc0000100;
export const MSR_GS_BASE = 0xc0000101;
export const MSR_KERNEL_GS_BASE = 0xc0000102;
export const MSR_TSC_AUX = 0xc0000103;
const EFER_WRITABLE = EFER_SCE | EFER_LME | EFER_NXE;

function split(v: number): [number, number] {
  return [v >>> 0, Math.floor(v / TWO32) >>> 0];
}

/** IA32_TSC_AUX exists when RDTSCP or RDPID does (SDM vol. 4, table 2-2); otherwise #GP(0). */
function checkTscAux(c: Cpu): void {
  if (!c.features.rdtscp && !c.features.rdpid) c.raise(VEC_GP, 0);
}

export function readMsr(c: Cpu, msr: number): void {
  let lo: number;
  let hi = 0;
  if (isApicMsr(c, msr)) [lo, hi] = msr === MSR_APIC_BASE ? c.apic.baseMsr() : c.apic.read(msr);
  else switch (msr) {
    case MSR_TSC: [lo, hi] = split(c.icount + c.tscOffset); break;
    case MSR_EFER: lo = c.efer; break;
    case MSR_STAR: lo = c.starLo; hi = c.starHi; break;
    case MSR_LSTAR: [lo, hi] = split(c.lstar); break;
    case MSR_CSTAR: [lo, hi] = split(c.cstar); break;
    case MSR_SFMASK: lo = c.sfmask; break;
    case MSR_FS_BASE: [lo, hi] = split(c.segBase[SEG_FS]!); break;
    case MSR_GS_BASE: [lo, hi] = split(c.segBase[SEG_GS]!); break;
    case MSR_KERNEL_GS_BASE: [lo, hi] = split(c.kernelGsBase); break;
    case MSR_TSC_AUX: checkTscAux(c); lo = c.tscAux; break;
    default: c.raise(VEC_GP, 0);
  } // prettier-ignore
  c.rlo[RAX] = lo;
  c.rhi[RAX] = 0;
  c.rlo[RDX] = hi;
  c.rhi[RDX] = 0;
}

/** A 64-bit MSR value that must be canonical (SDM vol. 2 WRMSR: #GP(0) otherwise). */
function canonical(c: Cpu, lo: number, hi: number): number {
  const h = hi | 0;
  if (h >> 15 !== h >> 31) c.raise(VEC_GP, 0);
  return h * TWO32 + lo;
}

export function writeMsr(c: Cpu, msr: number, lo: number, hi: number): void {
  if (isApicMsr(c, msr)) {
    if (msr !== MSR_APIC_BASE) c.apic.write(msr, lo, hi); // the base MSR's writes are ignored
    return;
  }
  switch (msr) {
    case MSR_TSC: c.tscOffset = hi * TWO32 + lo - c.icount; break;
    case MSR_EFER:
      // SDM vol. 4 IA32_EFER: reserved bits, or NXE/SCE on a CPU without NX/SYSCALL → #GP(0).
      if ((lo & ~(EFER_WRITABLE | EFER_LMA)) !== 0 || hi !== 0) c.raise(VEC_GP, 0);
      if (((lo & EFER_NXE) !== 0 && !c.features.nx) || ((lo & EFER_SCE) !== 0 && !c.features.syscall)) c.raise(VEC_GP, 0);
      c.efer = (lo & EFER_WRITABLE) | (c.efer & EFER_LMA);
      c.modeChanged();
      break;
    case MSR_STAR: c.starLo = lo; c.starHi = hi; break;
    case MSR_LSTAR: c.lstar = canonical(c, lo, hi); break;
    case MSR_CSTAR: c.cstar = canonical(c, lo, hi); break;
    case MSR_SFMASK: c.sfmask = lo; break;
    case MSR_FS_BASE: c.segBase[SEG_FS] = canonical(c, lo, hi); break;
    case MSR_GS_BASE: c.segBase[SEG_GS] = canonical(c, lo, hi); break;
    case MSR_KERNEL_GS_BASE: c.kernelGsBase = canonical(c, lo, hi); break;
    case MSR_TSC_AUX: checkTscAux(c); c.tscAux = lo; break;
    default: c.raise(VEC_GP, 0);
  } // prettier-ignore
}
