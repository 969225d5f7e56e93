// CPUID (SDM vol. 2 CPUID) reporting the machine's feature set (./features.ts): vendor GenuineIntel
// or AuthenticAMD, leaf 1 (APIC/x2APIC, PAE, PGE, TSC, MSR, CX8, CMOV, PCID...), leaf 7 (SMEP,
// SMAP, FSGSBASE, INVPCID; ECX RDPID), 0x80000001 (SYSCALL, NX, 1 GiB pages, RDTSCP, LM), 0x80000008
// (MAXPHYADDR, 48 linear bits). A feature turned off by a machine option reads as 0 here.
import { RAX, RBX, RCX, RDX } from "../../isa/registers.js";
import type { Cpu } from "../cpu.js";

const LEAF1_ECX_PCID = 1 << 17;
const LEAF1_ECX_X2APIC = 1 << 21;
const LEAF1_EDX_PGE = 1 << 13;
/** FPU PSE TSC MSR PAE CX8 APIC CMOV (PGE is a feature option). */
const LEAF1_EDX = (1 << 0) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 9) | (1 << 15); // prettier-ignore
const LEAF1_EAX_SIGNATURE = 0x000906a0;
const LEAF7_EBX_FSGSBASE = 1 << 0;
const LEAF7_EBX_SMEP = 1 << 7;
const LEAF7_EBX_INVPCID = 1 << 10;
const LEAF7_EBX_SMAP = 1 << 20;
const LEAF7_ECX_RDPID = 1 << 22;
const EXT1_EDX_SYSCALL = 1 << 11;
const EXT1_EDX_NX = 1 << 20;
const EXT1_EDX_PAGE1GB = 1 << 26;
const EXT1_EDX_RDTSCP = 1 << 27;
const EXT1_EDX_LM = 1 << 29;
const MAX_BASIC_LEAF = 7;
const MAX_EXT_LEAF = 0x80000008;
const LINEAR_ADDRESS_BITS = 48;
/** Vendor strings in EBX, EDX, ECX order. */
const VENDOR_INTEL = [0x756e6547, 0x49656e69, 0x6c65746e]; // "GenuineIntel"
const VENDOR_AMD = [0x68747541, 0x69746e65, 0x444d4163]; // "AuthenticAMD"

function set(c: Cpu, a: number, b: number, cc: number, d: number): void {
  c.rlo[RAX] = a; c.rhi[RAX] = 0;
  c.rlo[RBX] = b; c.rhi[RBX] = 0;
  c.rlo[RCX] = cc; c.rhi[RCX] = 0;
  c.rlo[RDX] = d; c.rhi[RDX] = 0;
} // prettier-ignore

const bit = (on: boolean, b: number): number => (on ? b : 0);

export function cpuid(c: Cpu, leaf: number, sub: number): void {
  const f = c.features;
  const v = c.vendor === "amd" ? VENDOR_AMD : VENDOR_INTEL;
  switch (leaf) {
    case 0: set(c, MAX_BASIC_LEAF, v[0]!, v[2]!, v[1]!); return;
    case 1:
      set(c, LEAF1_EAX_SIGNATURE, 0, bit(f.pcid, LEAF1_ECX_PCID) | bit(f.x2apic, LEAF1_ECX_X2APIC),
        LEAF1_EDX | bit(f.pge, LEAF1_EDX_PGE)); // prettier-ignore
      return;
    case 7: {
      const ebx = bit(f.fsgsbase, LEAF7_EBX_FSGSBASE) | bit(f.smep, LEAF7_EBX_SMEP) |
        bit(f.invpcid, LEAF7_EBX_INVPCID) | bit(f.smap, LEAF7_EBX_SMAP); // prettier-ignore
      const ecx = bit(f.rdpid, LEAF7_ECX_RDPID);
      set(c, 0, sub === 0 ? ebx : 0, sub === 0 ? ecx : 0, 0);
      return;
    }
    case 0x80000000: set(c, MAX_EXT_LEAF, 0, 0, 0); return;
    case 0x80000001:
      set(c, 0, 0, 0, bit(f.syscall, EXT1_EDX_SYSCALL) | bit(f.nx, EXT1_EDX_NX) |
        bit(f.gbpages, EXT1_EDX_PAGE1GB) | bit(f.rdtscp, EXT1_EDX_RDTSCP) | EXT1_EDX_LM); // prettier-ignore
      return;
    case 0x80000008: set(c, c.controls.maxPhysAddr | (LINEAR_ADDRESS_BITS << 8), 0, 0, 0); return;
    default: set(c, 0, 0, 0, 0);
  } // prettier-ignore
}
