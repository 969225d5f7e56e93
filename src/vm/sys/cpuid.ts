// CPUID with a documented default leaf set (docs/machine.md "CPUID"): vendor GenuineIntel, leaf 1
// (APIC/x2APIC, PAE, PGE, TSC, MSR, CX8, CMOV...), leaf 7 (SMEP, SMAP, FSGSBASE, INVPCID),
// 0x80000001 (SYSCALL, NX, 1 GiB pages, LM), 0x80000008 (MAXPHYADDR 46, 48 linear bits).
import { RAX, RBX, RCX, RDX } from "../../isa/registers.js";
import type { Cpu } from "../cpu.js";

const LEAF1_ECX_PCID = 1 << 17;
const LEAF1_ECX_X2APIC = 1 << 21;
const LEAF1_EDX =
  (1 << 0) |
  (1 << 3) |
  (1 << 4) |
  (1 << 5) |
  (1 << 6) |
  (1 << 8) |
  (1 << 9) |
  (1 << 13) |
  (1 << 15); // FPU PSE TSC MSR PAE CX8 APIC PGE CMOV
const LEAF7_EBX_FSGSBASE = 1 << 0;
const LEAF7_EBX_SMEP = 1 << 7;
const LEAF7_EBX_INVPCID = 1 << 10;
const LEAF7_EBX_SMAP = 1 << 20;
const EXT1_EDX = (1 << 11) | (1 << 20) | (1 << 26) | (1 << 27) | (1 << 29); // SYSCALL NX PDPE1GB RDTSCP LM
const MAX_BASIC_LEAF = 7;
const MAX_EXT_LEAF = 0x80000008;
/** "GenuineIntel" in EBX, EDX, ECX. */
const VENDOR = [0x756e6547, 0x49656e69, 0x6c65746e];

function set(c: Cpu, a: number, b: number, cc: number, d: number): void {
  c.rlo[RAX] = a; c.rhi[RAX] = 0;
  c.rlo[RBX] = b; c.rhi[RBX] = 0;
  c.rlo[RCX] = cc; c.rhi[RCX] = 0;
  c.rlo[RDX] = d; c.rhi[RDX] = 0;
} // prettier-ignore

export function cpuid(c: Cpu, leaf: number, sub: number): void {
  switch (leaf) {
    case 0: set(c, MAX_BASIC_LEAF, VENDOR[0]!, VENDOR[2]!, VENDOR[1]!); return;
    case 1: set(c, 0x000906a0, 0, LEAF1_ECX_PCID | LEAF1_ECX_X2APIC, LEAF1_EDX); return;
    case 7:
      if (sub === 0) set(c, 0, LEAF7_EBX_FSGSBASE | LEAF7_EBX_SMEP | LEAF7_EBX_INVPCID | LEAF7_EBX_SMAP, 0, 0);
      else set(c, 0, 0, 0, 0);
      return;
    case 0x80000000: set(c, MAX_EXT_LEAF, 0, 0, 0); return;
    case 0x80000001: set(c, 0, 0, 0, EXT1_EDX); return;
    case 0x80000008: set(c, 46 | (48 << 8), 0, 0, 0); return;
    default: set(c, 0, 0, 0, 0);
  } // prettier-ignore
}
