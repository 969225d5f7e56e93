// bootKernel: the `kernel` boot protocol. From a built kernel image and user programs it makes a
// machine in the state a booted Linux kernel is in just before it runs its first task (what is
// mapped and why: docs/kernel.md):
//   1. the image's segments at their physical addresses;
//   2. swapper's PGD pair: the direct map (2 MiB pages), the kernel image by segments with their
//      rights, the read-only IDT and one cpu_entry_area per CPU (GDT, entry stack, TSS, #DF and
//      NMI stacks, guard pages unmapped); under PTI its user PGD maps exactly what PTI clones:
//      .entry.text, the cpu_entry_area and each CPU's cpu_tss_rw page;
//   3. per CPU: a per-CPU area (a copy of .data..percpu, its address the GS base), TSS fields,
//      cpu_tlbstate, GDT, an idle stack, and the registers (boot/cpu-tables.ts);
//   4. one task per user program (boot/tasks.ts), listed in boot_tasks[];
//   5. the ALTERNATIVE sites patched for this boot's features.
// Every structure it writes is named in `regions` for traces.
import type { DiagnosticBag } from "../../diag/index.js";
import { COMMAND_LINE } from "../../diag/index.js";
import { KERNEL } from "../../diag/codes/kernel.js";
import type { ObjectFile } from "../../obj/index.js";
import { createMachine, type Machine, type MachineOptions } from "../../vm/index.js";
import type { KernelBuild } from "../build.js";
import { applyAlternatives, rel32Branch, setRel32, type AltSite } from "./alternatives.js";
import { BootContext, BootError, type BootFlags, type BootRegion } from "./context.js";
import { cr4Of, loadCpu, writeGdt, writeIdt, writeTss } from "./cpu-tables.js";
import { bootFeatures, capabilityWords, X86_FEATURE } from "./features.js";
import { alignUp, FrameAllocator } from "./frames.js";
import { imagePhys, loadSegments, read64, write64 } from "./image-access.js";
import {
  LEVEL_PGD,
  PageTableBuilder,
  pgdIndex,
  TableOutOfMemory,
  type PteFlags,
} from "./paging.js";
import {
  buildTask,
  INIT_MM_CTX_ID,
  reserveMemMap,
  reservePagePool,
  type PgdPair,
  type TaskInfo,
  type UserProgram,
} from "./tasks.js";
import {
  CEA_DF_STACK,
  CEA_ENTRY_STACK,
  CEA_GDT,
  CEA_NMI_STACK,
  CEA_TSS,
  CPU_ENTRY_AREA_RO_IDT,
  EXCEPTION_STKSZ,
  MAX_BOOT_TASKS,
  NR_CPUS,
  PAGE_OFFSET,
  PAGE_SIZE,
  PGD_PAIR_SIZE,
  PMD_SIZE,
  START_KERNEL_MAP,
  THREAD_SIZE,
  ceaBase,
  va,
} from "./layout.js";

/** The default tick: 100,000 instructions (≈ 1 ms at the 100 M instructions/s a slow core runs). */
export const DEFAULT_TICK = 100_000;

export interface KernelConfig {
  /** Page-table isolation (X86_FEATURE_PTI): the ALTERNATIVE CR3 switches and the PGD pairs. */
  pti: boolean;
  /** Use PCIDs when the machine has them. */
  pcid: boolean;
  /**
   * Instructions per timer tick: each CPU's APIC timer period (time.c's tick_period, HZ = 1000,
   * so a tick stands for 1 ms). 0 = no timer. Default DEFAULT_TICK.
   */
  tick?: number;
  /**
   * Run exc_nmi_int3 instead of exc_nmi, which takes one #BP after the handler (traps.c), so that
   * its IRET unblocks NMIs inside the NMI handler: the case asm_exc_nmi's nested-NMI protection
   * is for. Off by default.
   */
  nmiInt3?: boolean;
  /** Frames in the guest page pool (get_zeroed_page); default every frame the boot leaves. */
  pagePool?: number;
}

export interface BootOptions {
  diags: DiagnosticBag;
  /** The machine (CPUs, memory, features, TLB, events...). */
  machine?: MachineOptions;
}

export interface CpuInfo {
  cpu: number;
  /** GS base: the CPU's per-CPU area (this_cpu_off). */
  percpu: bigint;
  cea: bigint;
}

export interface BootedKernel {
  machine: Machine;
  regions: BootRegion[];
  tasks: TaskInfo[];
  cpus: CpuInfo[];
  /** swapper's (init_mm's) PGD pair, physical. */
  swapper: PgdPair;
  flags: BootFlags;
  /** X86_FEATURE_* numbers of this boot. */
  features: Set<number>;
  alternatives: AltSite[];
  /** The guest page pool, [start, end) physical (boot/tasks.ts reservePagePool). */
  pagePool: { start: number; end: number };
}

/** Boot the kernel with one task per user program; undefined (with diagnostics) on failure. */
export function bootKernel(
  kernel: KernelBuild,
  users: UserProgram[],
  config: KernelConfig,
  opts: BootOptions,
): BootedKernel | undefined {
  // prettier-ignore
  const cpus = opts.machine?.cpus ?? 1;
  if (users.length === 0) return fail(opts.diags, KERNEL.NO_TASKS, "no user program to run (give one with --user)"); // prettier-ignore
  if (users.length > MAX_BOOT_TASKS) return fail(opts.diags, KERNEL.BAD_CONFIG, `${users.length} user tasks: the kernel takes at most ${MAX_BOOT_TASKS}`); // prettier-ignore
  if (cpus > NR_CPUS) return fail(opts.diags, KERNEL.BAD_CONFIG, `${cpus} CPUs: the kernel is built for at most ${NR_CPUS}`); // prettier-ignore
  const machine = createMachine(opts.machine);
  try {
    return boot(machine, kernel, users, config, cpus);
  } catch (e) {
    if (e instanceof BootError) return fail(opts.diags, e.code, e.message);
    if (e instanceof TableOutOfMemory) return fail(opts.diags, KERNEL.OUT_OF_MEMORY, "guest memory is too small for the page tables (see --mem)"); // prettier-ignore
    throw e;
  }
}

function fail(diags: DiagnosticBag, code: string, message: string): undefined {
  diags.error(code, COMMAND_LINE, message);
  return undefined;
}

function boot(
  machine: Machine,
  kernel: KernelBuild,
  users: UserProgram[],
  config: KernelConfig,
  cpus: number,
): BootedKernel {
  // prettier-ignore
  const image = kernel.image;
  const mem = machine.mem;
  const hw = machine.cpu.features;
  const flags: BootFlags = { pti: config.pti, pcid: config.pcid && hw.pcid, pge: hw.pge, nx: hw.nx, smep: hw.smep, smap: hw.smap, fsgsbase: hw.fsgsbase }; // prettier-ignore
  const features = bootFeatures(hw, config);
  const imageEnd = Math.max(...image.segments.map((s) => Number(s.paddr + s.memSize)));
  if (imageEnd > mem.size) throw new BootError(KERNEL.OUT_OF_MEMORY, `guest memory (0x${mem.size.toString(16)} bytes) cannot hold the kernel image (up to 0x${imageEnd.toString(16)}; see --mem)`); // prettier-ignore
  loadSegments(mem, image);
  const frames = new FrameAllocator(mem, alignUp(imageEnd, PMD_SIZE), mem.size);
  const ctx = new BootContext(mem, frames, new PageTableBuilder(mem, frames, "page table"), image, kernel.offsets, flags, features); // prettier-ignore
  const swapper = buildSwapper(ctx);
  const cpuInfo = Array.from({ length: cpus }, (_, cpu) => setupCpu(ctx, swapper, cpu));
  writeBootData(ctx, swapper);
  if (flags.pti) cloneForPti(ctx, swapper, cpuInfo);
  const tasks = users.map((u, i) => buildTask(ctx, swapper, u, i, cpus));
  write64(mem, ctx.symPhys("nr_boot_tasks"), BigInt(tasks.length));
  write64(mem, ctx.symPhys("nr_cpu_ids"), BigInt(cpus));
  write64(mem, ctx.symPhys("tick_period"), BigInt(config.tick ?? DEFAULT_TICK));
  if (config.nmiInt3 === true) retargetNmiHandler(ctx);
  reserveMemMap(ctx, mem.size);
  const pagePool = reservePagePool(ctx, config.pagePool);
  const alternatives = applyAlternatives(image, mem, features);
  const lstar = ctx.sym("entry_SYSCALL_64");
  const rip = ctx.sym("startup_64");
  const cr3 = swapper.kernel + (flags.pcid ? 1 : 0); // init_mm: ASID 0, kernel PCID 1
  machine.cpus.forEach((c, cpu) => {
    const info = cpuInfo[cpu]!;
    loadCpu(c, flags, { cr3, gdt: info.cea + BigInt(CEA_GDT), tss: info.cea + BigInt(CEA_TSS), tssSize: ctx.off("TSS_size"), gsBase: info.percpu, rsp: info.idleTop, rip, lstar }); // prettier-ignore
  });
  for (const b of machine.caches) b.clear();
  return { machine, regions: ctx.regions, tasks, cpus: cpuInfo.map(({ cpu, percpu, cea }) => ({ cpu, percpu, cea })), swapper, flags, features, alternatives, pagePool }; // prettier-ignore
}

/** Global pages (with PGE): the PTI clones always; the rest only without PTI (docs/kernel.md). */
function globalPolicy(f: BootFlags): { clone: boolean; text: boolean; data: boolean } {
  // pti_kernel_image_global_ok(): with PCIDs the kernel image is not global under PTI.
  return { clone: f.pge, text: f.pge && (!f.pti || !f.pcid), data: f.pge && !f.pti };
}

/** swapper's PGD pair with the kernel half of the kernel PGD: direct map, image, IDT page. */
function buildSwapper(ctx: BootContext): PgdPair {
  const pa = ctx.alloc("PGD pair of swapper", 2, PGD_PAIR_SIZE, false);
  const swapper = { kernel: pa, user: pa + PAGE_SIZE };
  ctx.region("kernel PGD of swapper", va(pa), PAGE_SIZE);
  ctx.region("user PGD of swapper", va(pa + PAGE_SIZE), PAGE_SIZE);
  const g = globalPolicy(ctx.flags);
  const nx = ctx.flags.nx;
  const ram = ctx.mem.size - (ctx.mem.size % PAGE_SIZE);
  ctx.pt.mapLarge(swapper.kernel, PAGE_OFFSET, 0, ram, {
    rw: true,
    user: false,
    nx,
    global: g.data,
  });
  const [entryStart, entryEnd] = [ctx.sym("__entry_text_start"), ctx.sym("__entry_text_end")];
  for (const s of ctx.image.segments) {
    if (s.vaddr < START_KERNEL_MAP) continue; // .data..percpu: a template, copied per CPU
    const entry = s.vaddr >= entryStart && s.vaddr < entryEnd;
    const size = alignUp(Number(s.memSize), PAGE_SIZE);
    const global = entry ? g.clone : s.exec ? g.text : g.data;
    ctx.pt.mapRange(swapper.kernel, s.vaddr, Number(s.paddr), size, { rw: s.write, user: false, nx: !s.exec && nx, global }); // prettier-ignore
  }
  const idt = ctx.alloc("IDT", 1, PAGE_SIZE, false);
  ctx.region("IDT", CPU_ENTRY_AREA_RO_IDT, PAGE_SIZE);
  ctx.pt.map4k(swapper.kernel, CPU_ENTRY_AREA_RO_IDT, idt, { rw: false, user: false, nx, global: g.clone }); // prettier-ignore
  writeIdt(ctx, idt);
  return swapper;
}

interface CpuSetup extends CpuInfo {
  percpuPhys: number;
  idleTop: bigint;
}

/** One CPU's per-CPU area, cpu_entry_area, TSS, GDT and idle stack. */
function setupCpu(ctx: BootContext, swapper: PgdPair, cpu: number): CpuSetup {
  const tmpl = ctx.image.sections.find((s) => s.name === ".data..percpu");
  const size = alignUp(tmpl?.size ?? PAGE_SIZE, PAGE_SIZE);
  const percpuPhys = ctx.alloc(`per-CPU area of CPU ${cpu}`, size / PAGE_SIZE);
  if (tmpl) ctx.mem.load(percpuPhys, tmpl.data);
  const percpu = va(percpuPhys);
  const pc = (name: string, plus = 0): number => percpuPhys + Number(ctx.sym(name)) + plus;
  write64(ctx.mem, pc("this_cpu_off"), percpu);
  write64(ctx.mem, pc("cpu_number"), BigInt(cpu));
  const cea = ceaBase(cpu);
  const g = globalPolicy(ctx.flags);
  const ro: PteFlags = { rw: false, user: false, nx: ctx.flags.nx, global: g.clone };
  const rw: PteFlags = { ...ro, rw: true };
  const map = (name: string, off: number, pa: number, f: PteFlags): void => {
    ctx.pt.map4k(swapper.kernel, cea + BigInt(off), pa, f);
    ctx.region(`${name} of CPU ${cpu}`, cea + BigInt(off), PAGE_SIZE);
  };
  const gdt = ctx.alloc(`GDT of CPU ${cpu}`, 1, PAGE_SIZE, false);
  map("GDT", CEA_GDT, gdt, ro);
  map("entry stack", CEA_ENTRY_STACK, ctx.alloc(`entry stack of CPU ${cpu}`, 1, PAGE_SIZE, false), rw); // prettier-ignore
  map("TSS", CEA_TSS, pc("cpu_tss_rw"), ro);
  map("#DF stack", CEA_DF_STACK, ctx.alloc(`#DF stack of CPU ${cpu}`, 1, PAGE_SIZE, false), rw);
  map("NMI stack", CEA_NMI_STACK, ctx.alloc(`NMI stack of CPU ${cpu}`, 1, PAGE_SIZE, false), rw);
  const idle = ctx.alloc(`idle stack of CPU ${cpu}`, THREAD_SIZE / PAGE_SIZE, THREAD_SIZE);
  const idleTop = va(idle + THREAD_SIZE);
  const top = (off: number): bigint => cea + BigInt(off + EXCEPTION_STKSZ);
  writeTss(ctx, pc("cpu_tss_rw"), { sp0: top(CEA_ENTRY_STACK), sp1: idleTop, df: top(CEA_DF_STACK), nmi: top(CEA_NMI_STACK) }); // prettier-ignore
  writeGdt(ctx, gdt, cea + BigInt(CEA_TSS), ctx.off("TSS_size"), cpu);
  const ts = pc("cpu_tlbstate");
  write64(ctx.mem, ts + ctx.off("TLB_STATE_loaded_mm"), ctx.sym("init_mm"));
  write64(ctx.mem, ts + ctx.off("TLB_STATE_cr4"), BigInt(cr4Of(ctx.flags)));
  write64(ctx.mem, ts + ctx.off("TLB_STATE_ctxs"), INIT_MM_CTX_ID);
  return { cpu, percpu, cea, percpuPhys, idleTop };
}

/** Bytes read to decode a call site: more than a `call rel32` takes (callJd: 6). */
const MAX_INSN_BYTES = 16;

/**
 * KernelConfig.nmiInt3: point each `call exc_nmi` of asm_exc_nmi (the 0-terminated address list
 * nmi_handler_calls, entry_64.S) at exc_nmi_int3, as Linux's static_call updates a call site: the
 * image runs the same instructions without the option.
 */
function retargetNmiHandler(ctx: BootContext): void {
  const [from, to] = [ctx.sym("exc_nmi"), ctx.sym("exc_nmi_int3")];
  for (let at = ctx.symPhys("nmi_handler_calls"); ; at += 8) {
    const site = read64(ctx.mem, at);
    if (site === 0n) return;
    const pa = imagePhys(ctx.image, site);
    const bytes = pa === undefined ? new Uint8Array(0) : ctx.mem.u8.slice(pa, pa + MAX_INSN_BYTES);
    const call = rel32Branch(bytes);
    const rel = (target: bigint): bigint => target - (site + BigInt(call?.insn.length ?? 0));
    if (pa === undefined || call?.insn.form.name !== "callJd" || call.rel !== rel(from))
      throw new BootError(KERNEL.BAD_CONFIG, `nmi_handler_calls: no 'call exc_nmi' at 0x${BigInt.asUintN(64, site).toString(16)}`); // prettier-ignore
    setRel32(bytes, call.insn, rel(to));
    ctx.mem.load(pa, bytes.subarray(0, call.insn.length));
  }
}

/** init_mm and boot_cpu_data. */
function writeBootData(ctx: BootContext, swapper: PgdPair): void {
  write64(ctx.mem, ctx.symPhys("init_mm", ctx.off("MM_pgd")), va(swapper.kernel));
  write64(ctx.mem, ctx.symPhys("init_mm", ctx.off("MM_ctx_id")), INIT_MM_CTX_ID);
  capabilityWords(ctx.features).forEach((w, i) =>
    ctx.mem.write32(ctx.symPhys("boot_cpu_data", ctx.off("CPUINFO_x86_capability") + i * 4), w | 0),
  );
}

/**
 * swapper's user PGD: what PTI clones into every user page table (pti_clone_entry_text,
 * pti_clone_user_shared): the .entry.text pages, the whole cpu_entry_area PGD slot (shared with
 * the kernel PGD), and each CPU's cpu_tss_rw page, which entry_SYSCALL_64 writes (TSS.sp2)
 * before it switches CR3.
 */
function cloneForPti(ctx: BootContext, swapper: PgdPair, cpus: CpuSetup[]): void {
  const g = globalPolicy(ctx.flags);
  const [start, end] = [ctx.sym("__entry_text_start"), ctx.sym("__entry_text_end")];
  for (let a = start; a < end; a += BigInt(PAGE_SIZE))
    ctx.pt.map4k(swapper.user, a, imagePhys(ctx.image, a)!, { rw: false, user: false, nx: false, global: g.clone }); // prettier-ignore
  const slot = pgdIndex(CPU_ENTRY_AREA_RO_IDT, LEVEL_PGD);
  ctx.pt.writeEntry(swapper.user, slot, ...ctx.pt.readEntry(swapper.kernel, slot));
  const tss = Number(ctx.sym("cpu_tss_rw"));
  for (const c of cpus)
    ctx.pt.map4k(swapper.user, c.percpu + BigInt(tss), c.percpuPhys + tss, { rw: true, user: false, nx: ctx.flags.nx, global: false }); // prettier-ignore
}

export { X86_FEATURE };
export type { ObjectFile };
