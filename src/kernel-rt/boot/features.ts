// The kernel's feature words (Linux's X86_FEATURE_* numbers, word*32 + bit, as
// include/asm/cpufeatures.h defines them; a test checks the two agree) and the set a boot uses:
// what the machine has, minus what the configuration turns off, plus X86_FEATURE_PTI when PTI
// is on. The same set patches the ALTERNATIVE sites and fills boot_cpu_data.x86_capability.
import type { Features } from "../../vm/index.js";

export const X86_FEATURE = {
  FPU: 0 * 32 + 0,
  PSE: 0 * 32 + 3,
  TSC: 0 * 32 + 4,
  MSR: 0 * 32 + 5,
  PAE: 0 * 32 + 6,
  APIC: 0 * 32 + 9,
  PGE: 0 * 32 + 13,
  CMOV: 0 * 32 + 15,
  SYSCALL: 1 * 32 + 11,
  NX: 1 * 32 + 20,
  GBPAGES: 1 * 32 + 26,
  RDTSCP: 1 * 32 + 27,
  LM: 1 * 32 + 29,
  ALWAYS: 3 * 32 + 21,
  PCID: 4 * 32 + 17,
  X2APIC: 4 * 32 + 21,
  PTI: 7 * 32 + 11,
  FSGSBASE: 9 * 32 + 0,
  SMEP: 9 * 32 + 7,
  INVPCID: 9 * 32 + 10,
  SMAP: 9 * 32 + 20,
  RDPID: 16 * 32 + 22,
} as const;

/** NCAPINTS: 32-bit capability words (Linux v5.10). */
export const NCAPINTS = 19;

/** What the kernel is told to use. */
export interface KernelFeatureChoice {
  pti: boolean;
  pcid: boolean;
}

/** The X86_FEATURE_* numbers this boot has. */
export function bootFeatures(machine: Features, choice: KernelFeatureChoice): Set<number> {
  const f = X86_FEATURE;
  const out = new Set<number>([f.FPU, f.PSE, f.TSC, f.MSR, f.PAE, f.APIC, f.CMOV, f.LM, f.ALWAYS]);
  const add = (on: boolean, bit: number): void => void (on && out.add(bit));
  add(machine.pge, f.PGE);
  add(machine.syscall, f.SYSCALL);
  add(machine.nx, f.NX);
  add(machine.gbpages, f.GBPAGES);
  add(machine.rdtscp, f.RDTSCP);
  add(machine.x2apic, f.X2APIC);
  add(machine.pcid && choice.pcid, f.PCID);
  add(machine.invpcid && choice.pcid, f.INVPCID);
  add(machine.rdpid, f.RDPID);
  add(machine.fsgsbase, f.FSGSBASE);
  add(machine.smep, f.SMEP);
  add(machine.smap, f.SMAP);
  add(choice.pti, f.PTI);
  return out;
}

/** boot_cpu_data.x86_capability as NCAPINTS words. */
export function capabilityWords(features: Set<number>): number[] {
  const words = new Array<number>(NCAPINTS).fill(0);
  for (const bit of features) words[bit >> 5] = (words[bit >> 5]! | (1 << (bit & 31))) >>> 0;
  return words;
}
