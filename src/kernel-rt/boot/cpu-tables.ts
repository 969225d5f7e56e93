// The descriptor tables and the CPU state of a booted kernel: the IDT (one read-only page at
// CPU_ENTRY_AREA_RO_IDT), each CPU's GDT (Linux's selectors, asm/segment.h, plus its TSS
// descriptor), its TSS fields (sp0, sp1, IST) in its cpu_tss_rw, and the registers every CPU
// starts with: CR0/CR3/CR4/EFER, GDTR/IDTR/TR, STAR/LSTAR/SFMASK, GS base.
//
//   64-bit interrupt gate (SDM 6.14.1, figure 6-8), 16 bytes:
//   dword 0  selector[31:16] | offset[15:0]
//   dword 1  offset[31:16] | P | DPL | 0 | type (0xE) | 00000 | IST[2:0]
//   dword 2  offset[63:32]            dword 3  reserved
//
//   64-bit TSS descriptor (SDM 8.2.3, figure 8-4), 16 bytes:
//   dword 0  base[15:0] | limit[15:0]
//   dword 1  base[31:24] | G | 00 | AVL | limit[19:16] | P | DPL | 0 | type | base[23:16]
//   dword 2  base[63:32]              dword 3  reserved
import { RDI, RSP, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from "../../isa/registers.js";
import type { Cpu } from "../../vm/index.js";
import {
  CR0_ET,
  CR0_MP,
  CR0_NE,
  CR0_PE,
  CR0_PG,
  CR0_WP,
  CR4_FSGSBASE,
  CR4_PAE,
  CR4_PCIDE,
  CR4_PGE,
  CR4_SMAP,
  CR4_SMEP,
  EFER_LMA,
  EFER_LME,
  EFER_NXE,
  EFER_SCE,
  RFLAGS_FIXED,
  FLAT64_GDT_ENTRIES,
  readDescriptor,
  setSegment,
} from "../../vm/index.js";
import type { BootContext, BootFlags } from "./context.js";
import { linear, TWO32, write64 } from "./image-access.js";
import { CPU_ENTRY_AREA_RO_IDT, IST_INDEX_DF, IST_INDEX_NMI, PAGE_SIZE } from "./layout.js";

/** Linux's selectors (asm/segment.h). */
export const KERNEL_CS = 0x10;
export const KERNEL_DS = 0x18;
export const USER32_CS = 0x23;
export const USER_DS = 0x2b;
export const USER_CS = 0x33;
export const GDT_ENTRY_TSS = 8;
export const GDT_ENTRY_CPUNODE = 15;
const USER_RPL = 3;
/** Descriptor bits of the CPUNODE entry (SDM 3.4.5): S = code/data, type 5, and D in the high dword. */
const DESC_S_CODE_DATA = 0x10;
const CPUNODE_TYPE = 0x5;
const DESC_D = 1 << 22;
export const TSS_SELECTOR = GDT_ENTRY_TSS * 8;
export const GDT_ENTRIES = 16;
export const GDT_SIZE = GDT_ENTRIES * 8;
export const IDT_ENTRIES = 256;
export const GATE_SIZE = 16;
/** Vectors (SDM 6.3.1) with their IST stacks. */
export const X86_TRAP_NMI = 2;
export const X86_TRAP_DF = 8;
export const EXCEPTION_VECTORS = 32;
/** asm/irq_vectors.h and asm/idtentry.h: the external vectors' stubs, IDT_ALIGN bytes each. */
export const FIRST_EXTERNAL_VECTOR = 0x20;
export const IDT_ALIGN = 16;
export const LOCAL_TIMER_VECTOR = 0xec;
export const RESCHEDULE_VECTOR = 0xfd;
export const SPURIOUS_APIC_VECTOR = 0xff;
const GATE_INTERRUPT = 0xe;
const DESC_P = 0x80;
const DPL_SHIFT = 5;
const TSS_TYPE_BUSY = 0xb;
/** SYSCALL clears these RFLAGS bits (Linux: TF DF IF IOPL AC NT). */
export const SYSCALL_MASK = 0x47700;

/**
 * One IDT gate: the stub by symbol, its IST slot (gate field, 0 = none) and its DPL: INT n,
 * INT3 and INTO from CPL 3 need DPL 3, else #GP (SDM 6.12.1.1).
 */
export interface IdtGate {
  vector: number;
  sym: string;
  ist?: number;
  dpl?: number;
}

/**
 * The gates with a stub of their own (asm/idtentry.h; Linux's def_idts and apic_idts). #MC
 * (18) and the reserved vectors 20-31 stay not present: nothing in the model raises them.
 */
export const IDT_GATES: readonly IdtGate[] = [
  { vector: 0, sym: "asm_exc_divide_error" },
  { vector: 1, sym: "asm_exc_debug" },
  { vector: X86_TRAP_NMI, sym: "asm_exc_nmi", ist: IST_INDEX_NMI + 1 },
  { vector: 3, sym: "asm_exc_int3", dpl: 3 },
  { vector: 4, sym: "asm_exc_overflow", dpl: 3 },
  { vector: 5, sym: "asm_exc_bounds" },
  { vector: 6, sym: "asm_exc_invalid_op" },
  { vector: 7, sym: "asm_exc_device_not_available" },
  { vector: X86_TRAP_DF, sym: "asm_exc_double_fault", ist: IST_INDEX_DF + 1 },
  { vector: 9, sym: "asm_exc_coproc_segment_overrun" },
  { vector: 10, sym: "asm_exc_invalid_tss" },
  { vector: 11, sym: "asm_exc_segment_not_present" },
  { vector: 12, sym: "asm_exc_stack_segment" },
  { vector: 13, sym: "asm_exc_general_protection" },
  { vector: 14, sym: "asm_exc_page_fault" },
  { vector: 15, sym: "asm_exc_spurious_interrupt_bug" },
  { vector: 16, sym: "asm_exc_coprocessor_error" },
  { vector: 17, sym: "asm_exc_alignment_check" },
  { vector: 19, sym: "asm_exc_simd_coprocessor_error" },
  { vector: LOCAL_TIMER_VECTOR, sym: "asm_sysvec_apic_timer_interrupt" },
  { vector: RESCHEDULE_VECTOR, sym: "asm_sysvec_reschedule_ipi" },
  { vector: SPURIOUS_APIC_VECTOR, sym: "asm_sysvec_spurious_apic_interrupt" },
];

/** Write one 64-bit interrupt gate (figure 6-8 above). */
function writeGate(
  ctx: BootContext,
  idt: number,
  vector: number,
  target: bigint,
  ist: number,
  dpl: number,
): void {
  // prettier-ignore
  const t = BigInt.asUintN(64, target);
  const lo = Number(t & 0xffffn) | (KERNEL_CS << 16);
  const mid = Number((t >> 16n) & 0xffffn) << 16;
  const attr = ist | (GATE_INTERRUPT << 8) | ((DESC_P | (dpl << DPL_SHIFT)) << 8);
  const ea = idt + vector * GATE_SIZE;
  ctx.mem.write32(ea, lo);
  ctx.mem.write32(ea + 4, mid | attr);
  ctx.mem.write32(ea + 8, Number(t >> 32n) | 0);
  ctx.mem.write32(ea + 12, 0);
}

/**
 * The IDT page: the exception and system-vector stubs by name; every other vector from 32 up
 * goes to its per-vector stub in irq_entries_start, which hands it to common_interrupt.
 */
export function writeIdt(ctx: BootContext, idt: number): void {
  const own = new Set(IDT_GATES.map((g) => g.vector));
  const irqStubs = ctx.sym("irq_entries_start");
  for (let v = FIRST_EXTERNAL_VECTOR; v < IDT_ENTRIES; v++)
    if (!own.has(v)) writeGate(ctx, idt, v, irqStubs + BigInt((v - FIRST_EXTERNAL_VECTOR) * IDT_ALIGN), 0, 0); // prettier-ignore
  for (const g of IDT_GATES) writeGate(ctx, idt, g.vector, ctx.sym(g.sym), g.ist ?? 0, g.dpl ?? 0);
}

/**
 * A CPU's GDT page: the flat descriptors of asm/segment.h, a busy TSS descriptor and the CPUNODE
 * segment, whose limit holds the CPU number for LSL (Linux's setup_getcpu).
 */
export function writeGdt(
  ctx: BootContext,
  gdt: number,
  tssBase: bigint,
  tssSize: number,
  cpu: number,
): void {
  FLAT64_GDT_ENTRIES.forEach(([lo, hi], i) => {
    ctx.mem.write32(gdt + i * 8, lo);
    ctx.mem.write32(gdt + i * 8 + 4, hi);
  });
  const [lo, hi] = cpunodeDescriptor(cpu);
  ctx.mem.write32(gdt + GDT_ENTRY_CPUNODE * 8, lo);
  ctx.mem.write32(gdt + GDT_ENTRY_CPUNODE * 8 + 4, hi);
  const b = BigInt.asUintN(64, tssBase);
  const base = Number(b & 0xffffffffn);
  const ea = gdt + GDT_ENTRY_TSS * 8;
  ctx.mem.write32(ea, ((base & 0xffff) << 16) | (tssSize - 1));
  // Busy: TR is loaded with it (LTR would set the bit, SDM vol. 2 LTR).
  ctx.mem.write32(ea + 4, (base & 0xff000000) | ((DESC_P | TSS_TYPE_BUSY) << 8) | ((base >>> 16) & 0xff)); // prettier-ignore
  ctx.mem.write32(ea + 8, Number(b >> 32n) | 0);
  ctx.mem.write32(ea + 12, 0);
}

/**
 * The CPUNODE descriptor as setup_getcpu writes it: base 0, limit = cpu | node << 12 (one node
 * here), read-only expand-down data (type 5, accessed), DPL 3 so that user mode's LSL sees it too,
 * present, D set. Nothing loads it into a segment register; LSL only reads its limit.
 */
export function cpunodeDescriptor(cpu: number): [number, number] {
  const limit = cpu; // | node << VDSO_CPUNODE_BITS, node 0
  const attr = DESC_P | (USER_RPL << DPL_SHIFT) | DESC_S_CODE_DATA | CPUNODE_TYPE;
  return [limit & 0xffff, ((limit >>> 16) & 0xf) << 16 | (attr << 8) | DESC_D]; // prettier-ignore
}

export interface TssStacks {
  sp0: bigint;
  sp1: bigint;
  df: bigint;
  nmi: bigint;
}

/** The TSS fields of a CPU's cpu_tss_rw copy (physical address `tss`). */
export function writeTss(ctx: BootContext, tss: number, s: TssStacks): void {
  write64(ctx.mem, tss + ctx.off("TSS_sp0"), s.sp0);
  write64(ctx.mem, tss + ctx.off("TSS_sp1"), s.sp1);
  write64(ctx.mem, tss + ctx.off("TSS_ist") + IST_INDEX_DF * 8, s.df);
  write64(ctx.mem, tss + ctx.off("TSS_ist") + IST_INDEX_NMI * 8, s.nmi);
  // An I/O bitmap offset past the limit: no bitmap (SDM 19.5.2), so CPL 3 port I/O faults.
  ctx.mem.write16(tss + ctx.off("TSS_io_bitmap_base"), ctx.off("TSS_size"));
}

export function cr4Of(f: BootFlags): number {
  return (CR4_PAE | (f.pge ? CR4_PGE : 0) | (f.pcid ? CR4_PCIDE : 0) | (f.smep ? CR4_SMEP : 0) | (f.smap ? CR4_SMAP : 0) | (f.fsgsbase ? CR4_FSGSBASE : 0)) >>> 0; // prettier-ignore
}

export interface CpuStart {
  cr3: number;
  gdt: bigint;
  tss: bigint;
  tssSize: number;
  gsBase: bigint;
  rsp: bigint;
  rip: bigint;
  lstar: bigint;
}

/** Put one CPU in the state the kernel expects at startup_64 (docs/kernel.md "Boot state"). */
export function loadCpu(c: Cpu, f: BootFlags, s: CpuStart): void {
  c.cr0 = (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG) >>> 0;
  c.cr4 = cr4Of(f);
  c.cr3 = s.cr3;
  c.efer = EFER_SCE | EFER_LME | EFER_LMA | (f.nx ? EFER_NXE : 0);
  c.rflags = RFLAGS_FIXED;
  c.gdtrBase = linear(s.gdt);
  c.gdtrLimit = GDT_SIZE - 1;
  c.idtrBase = linear(CPU_ENTRY_AREA_RO_IDT);
  c.idtrLimit = IDT_ENTRIES * GATE_SIZE - 1;
  c.trSel = TSS_SELECTOR;
  c.trBase = linear(s.tss);
  c.trLimit = s.tssSize - 1;
  // MSR_STAR: SYSCALL loads CS/SS from 47:32, SYSRET from 63:48 (+16 CS, +8 SS), SDM vol. 2.
  c.starLo = 0;
  c.starHi = (USER32_CS << 16) | KERNEL_CS;
  c.lstar = linear(s.lstar);
  c.sfmask = SYSCALL_MASK;
  c.kernelGsBase = 0;
  // Linux's setup_getcpu: IA32_TSC_AUX := cpu | node << VDSO_CPUNODE_BITS (one node here), where
  // RDPID and RDTSCP read it; paranoid_entry's GET_PERCPU_BASE relies on it.
  if (c.features.rdtscp || c.features.rdpid) c.tscAux = c.id;
  c.modeChanged();
  c.tlb.flushAll("load");
  c.cpl = 0;
  setSegment(c, SEG_CS, KERNEL_CS, readDescriptor(c, KERNEL_CS));
  for (const seg of [SEG_DS, SEG_ES, SEG_SS])
    setSegment(c, seg, KERNEL_DS, readDescriptor(c, KERNEL_DS));
  setSegment(c, SEG_FS, 0, undefined);
  setSegment(c, SEG_GS, 0, undefined);
  c.segBase[SEG_GS] = linear(s.gsBase);
  c.accessClassChanged();
  c.rlo.fill(0);
  c.rhi.fill(0);
  c.setRegFromNumber(RSP, linear(s.rsp));
  c.setRegFromNumber(RDI, c.id);
  c.rip = linear(s.rip);
  c.halted = false;
}

export { PAGE_SIZE, TWO32 };
