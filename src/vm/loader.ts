// The flat64 boot protocol (docs/machine.md "flat64"): load an ET_EXEC image's PT_LOAD segments at
// their physical addresses (zero-filling memsz past filesz) and set up the state a multiboot loader
// plus a long-mode trampoline would leave: CPL 0, long mode, paging on with an identity map of the
// first 1 GiB in 2 MiB pages, a Linux-like GDT, interrupts off, no IDT, RSP at FLAT64_STACK_TOP.
//
//   physical layout below 1 MiB:
//   0x00000800  GDT (7 entries)          0x00001000  PML4     0x00002000  PDPT
//   0x00003000  PD (512 × 2 MiB, covers 0–1 GiB)            0x00080000  initial RSP (grows down)
//   0x00100000  the image (linked from 1 MiB)
import type { Diagnostic } from "../diag/index.js";
import type { ObjectFile } from "../obj/types.js";
import { RSP, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from "../isa/registers.js";
import type { Cpu } from "./cpu.js";
import {
  CR0_ET,
  CR0_MP,
  CR0_NE,
  CR0_PE,
  CR0_PG,
  CR0_WP,
  CR4_PAE,
  EFER_LMA,
  EFER_LME,
  RFLAGS_FIXED,
} from "./cpu.js";
import type { PhysMem } from "./mmu/phys.js";
import { PTE_P, PTE_PS, PTE_RW } from "./mmu/walk.js";
import { readDescriptor, setSegment } from "./sys/descriptors.js";

export const FLAT64_GDT = 0x800;
export const FLAT64_PML4 = 0x1000;
export const FLAT64_PDPT = 0x2000;
export const FLAT64_PD = 0x3000;
export const FLAT64_STACK_TOP = 0x80000;
/** CPU n starts with RSP = FLAT64_STACK_TOP - n * FLAT64_CPU_STACK_SIZE (every CPU starts at the entry). */
export const FLAT64_CPU_STACK_SIZE = 0x2000;
/** Boot structures and the stack live in [0, FLAT64_RESERVED_END): image segments must not. */
export const FLAT64_RESERVED_END = 0x80000;
export const FLAT64_IMAGE_BASE = 0x100000;
export const KERNEL_CS = 0x10;
export const KERNEL_DS = 0x18;
export const USER_DS = 0x2b;
export const USER_CS = 0x33;
const TWO_MIB = 0x200000;
const PD_ENTRIES = 512;
/** The boot identity map covers [0, 1 GiB): the only addresses RIP can reach at the first fetch. */
export const FLAT64_IDENTITY_END = PD_ENTRIES * TWO_MIB;

/**
 * GDT descriptors as [low dword, high dword], laid out like Linux's (arch/x86 GDT_ENTRY_*):
 * 0 null, 1 kernel 32-bit CS (0x08), 2 kernel CS (0x10), 3 kernel DS (0x18), 4 user 32-bit CS
 * (0x23), 5 user DS (0x2b), 6 user CS (0x33). Flat: base 0, limit 0xfffff with G=1.
 */
export const FLAT64_GDT_ENTRIES: readonly [number, number][] = [
  [0, 0],
  [0x0000ffff, 0x00cf9b00], // kernel 32-bit code: P DPL0 S type=B (code, readable, accessed), D, G
  [0x0000ffff, 0x00af9b00], // kernel 64-bit code: L=1
  [0x0000ffff, 0x00cf9300], // kernel data: type=3 (data, writable, accessed)
  [0x0000ffff, 0x00cffb00], // user 32-bit code: DPL3
  [0x0000ffff, 0x00cff300], // user data: DPL3
  [0x0000ffff, 0x00affb00], // user 64-bit code: DPL3, L=1
];

function diag(code: string, message: string): Diagnostic {
  return { severity: "error", code, message };
}

/** Check an image for flat64; returns the problems (empty when it can be loaded). */
export function checkFlat64(image: ObjectFile, memSize: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (image.kind !== "exec")
    return [diag("E7001", `${image.name}: not an executable image (ET_EXEC)`)];
  const spans = image.segments.map((s) => ({
    start: Number(s.paddr),
    end: Number(s.paddr + s.memSize),
    s,
  }));
  for (const sp of spans) {
    if (sp.start < 0 || sp.end > memSize) {
      out.push(
        diag(
          "E7002",
          `${image.name}: segment at 0x${sp.start.toString(16)}–0x${sp.end.toString(16)} does not fit in guest memory (0x${memSize.toString(16)} bytes; see --mem)`,
        ),
      );
    } else if (sp.start < FLAT64_RESERVED_END && sp.end > 0) {
      out.push(
        diag(
          "E7005",
          `${image.name}: segment at 0x${sp.start.toString(16)} overlaps the flat64 boot structures below 0x${FLAT64_RESERVED_END.toString(16)}`,
        ),
      );
    }
  }
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end)
      out.push(
        diag(
          "E7003",
          `${image.name}: segments at 0x${sorted[i - 1]!.start.toString(16)} and 0x${sorted[i]!.start.toString(16)} overlap`,
        ),
      );
  }
  // In bigint: a high-half address loses its low bits as a double.
  const entry = image.entry;
  const home = image.segments.find((s) => entry >= s.vaddr && entry < s.vaddr + s.memSize);
  if (!home) {
    out.push(
      diag(
        "E7004",
        `${image.name}: entry point 0x${entry.toString(16)} is outside every loadable segment`,
      ),
    );
  } else {
    const unreachable = entryUnreachable(home.vaddr, home.paddr, entry);
    if (unreachable) out.push(diag("E7007", `${image.name}: entry point 0x${entry.toString(16)} ${unreachable}`)); // prettier-ignore
  }
  return out;
}

/**
 * Why the first fetch at e_entry would not reach the entry's bytes, if it would not. The boot page
 * tables identity-map [0, 1 GiB) (linear = physical, SDM 4.5), and the segment is copied to
 * p_paddr, so the entry must lie below 1 GiB in a segment with p_vaddr = p_paddr; elsewhere the
 * fetch is a #PF (no IDT: triple fault) or runs whatever bytes sit at that physical address.
 */
function entryUnreachable(vaddr: bigint, paddr: bigint, entry: bigint): string | undefined {
  if (entry >= BigInt(FLAT64_IDENTITY_END))
    return `is above the flat64 identity map (0–0x${FLAT64_IDENTITY_END.toString(16)}): the first instruction fetch would fault`;
  if (vaddr !== paddr)
    return `is in a segment linked at 0x${vaddr.toString(16)} but loaded at 0x${paddr.toString(16)}: flat64 starts with an identity map, so the entry's segment needs p_vaddr = p_paddr`;
  return undefined;
}

/** Write the GDT and the identity-map page tables. */
function buildBootStructures(mem: PhysMem): void {
  FLAT64_GDT_ENTRIES.forEach(([lo, hi], i) => {
    mem.write32(FLAT64_GDT + i * 8, lo);
    mem.write32(FLAT64_GDT + i * 8 + 4, hi);
  });
  mem.write32(FLAT64_PML4, FLAT64_PDPT | PTE_P | PTE_RW);
  mem.write32(FLAT64_PDPT, FLAT64_PD | PTE_P | PTE_RW);
  for (let i = 0; i < PD_ENTRIES; i++)
    mem.write32(FLAT64_PD + i * 8, i * TWO_MIB + (PTE_P | PTE_RW | PTE_PS));
}

/** Load the image and set the flat64 initial state. Call checkFlat64 first. */
export function loadFlat64Image(c: Cpu, mem: PhysMem, image: ObjectFile): void {
  for (const s of image.segments) {
    const pa = Number(s.paddr);
    mem.load(pa, s.data);
    const bss = Number(s.memSize) - s.data.length;
    if (bss > 0) mem.fill(pa + s.data.length, bss, 0);
  }
  buildBootStructures(mem);
  c.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG | 0;
  c.cr4 = CR4_PAE;
  c.cr3 = FLAT64_PML4;
  c.efer = EFER_LME | EFER_LMA;
  c.rflags = RFLAGS_FIXED;
  c.gdtrBase = FLAT64_GDT;
  c.gdtrLimit = FLAT64_GDT_ENTRIES.length * 8 - 1;
  c.idtrBase = 0;
  c.idtrLimit = 0;
  c.modeChanged();
  c.tlb.flushAll("load");
  c.cpl = 0;
  setSegment(c, SEG_CS, KERNEL_CS, readDescriptor(c, KERNEL_CS));
  for (const seg of [SEG_DS, SEG_ES, SEG_SS])
    setSegment(c, seg, KERNEL_DS, readDescriptor(c, KERNEL_DS));
  setSegment(c, SEG_FS, 0, undefined);
  setSegment(c, SEG_GS, 0, undefined);
  c.accessClassChanged();
  c.rlo.fill(0);
  c.rhi.fill(0);
  c.setRegFromNumber(RSP, FLAT64_STACK_TOP - c.id * FLAT64_CPU_STACK_SIZE);
  c.rip = Number(image.entry);
  c.halted = false;
}
