// Address spaces and tasks. Each task gets its own mm: an 8 KiB-aligned PGD pair (kernel PGD,
// then the user PGD at +4 KiB: CR3 bit 12), whose kernel halves are copies of swapper's two
// halves (so every address space sees the same kernel, and under PTI the same entry text and
// cpu_entry_area), and whose user half maps the program at USER_TEXT_START (it must end below
// USER_HEAP_START), a stack below USER_STACK_TOP, and USER_SHARED_PAGE: one frame shared by
// every task (user, RW, NX), where tasks keep words they share (futexes). As Linux's pti_set_user_pgtbl() does, a user-half PGD entry is shared by both
// PGDs (same PUD), and the kernel PGD's copy carries NX, so kernel code can never run user pages
// on the kernel page table. The task's kernel stack is built as fork leaves it: the user pt_regs
// at the top, below it an inactive_task_frame that returns into ret_from_fork.
import type { ObjectFile } from "../../obj/index.js";
import { PTE_HI_XD, PTE_P } from "../../vm/index.js";
import { KERNEL } from "../../diag/codes/kernel.js";
import { BootError, type BootContext } from "./context.js";
import { KERNEL_PGD_BOUNDARY, PTRS_PER_TABLE } from "./paging.js";
import { USER_CS, USER_DS } from "./cpu-tables.js";
import { write64 } from "./image-access.js";
import {
  PAGE_SIZE,
  PGD_PAIR_SIZE,
  THREAD_SIZE,
  USER_HEAP_START,
  USER_SHARED_PAGE,
  USER_STACK_PAGES,
  USER_STACK_TOP,
  USER_TEXT_START,
  va,
} from "./layout.js";

/** RFLAGS of a new user task: IF and the fixed bit 1 (SDM vol. 1, 3.4.3). */
export const USER_RFLAGS = 0x202n;
/** One mem_map entry: an int (page_alloc.c). */
const MAPCOUNT_BYTES = 4;
/** init_mm's ctx_id; task mms count up from the next one. */
export const INIT_MM_CTX_ID = 1n;

export interface UserProgram {
  name: string;
  image: ObjectFile;
}

export interface TaskInfo {
  pid: number;
  name: string;
  cpu: number;
  /** Direct-map addresses of the task_struct, the mm and the kernel stack base. */
  task: bigint;
  mm: bigint;
  stack: bigint;
  /** Physical address of the PGD pair (kernel PGD; the user PGD is + 4 KiB). */
  pgd: number;
}

/** The PGD pair of swapper (init_mm): kernel PGD and the user PGD PTI uses for its clones. */
export interface PgdPair {
  kernel: number;
  user: number;
}

/** A new PGD pair whose kernel halves copy swapper's. */
function allocPgdPair(ctx: BootContext, swapper: PgdPair, pid: number): PgdPair {
  const pa = ctx.alloc(`PGD pair of pid ${pid}`, 2, PGD_PAIR_SIZE, false);
  ctx.region(`kernel PGD of pid ${pid}`, va(pa), PAGE_SIZE);
  ctx.region(`user PGD of pid ${pid}`, va(pa + PAGE_SIZE), PAGE_SIZE);
  for (let i = KERNEL_PGD_BOUNDARY; i < PTRS_PER_TABLE; i++) {
    ctx.pt.writeEntry(pa, i, ...ctx.pt.readEntry(swapper.kernel, i));
    ctx.pt.writeEntry(pa + PAGE_SIZE, i, ...ctx.pt.readEntry(swapper.user, i));
  }
  return { kernel: pa, user: pa + PAGE_SIZE };
}

/** Load a user program's segments and its stack into fresh frames mapped in the kernel PGD. */
function mapUserMemory(ctx: BootContext, pgd: PgdPair, prog: UserProgram, pid: number): void {
  for (const s of prog.image.segments) {
    const end = s.vaddr + s.memSize;
    if (s.vaddr < USER_TEXT_START || end > USER_HEAP_START)
      throw new BootError(KERNEL.BAD_USER_PROGRAM, `${prog.name}: segment at 0x${s.vaddr.toString(16)} is outside user space (link it at 0x${USER_TEXT_START.toString(16)})`); // prettier-ignore
    const start = s.vaddr - (s.vaddr % BigInt(PAGE_SIZE));
    const pages = Number((end - start + BigInt(PAGE_SIZE - 1)) / BigInt(PAGE_SIZE));
    const pa = ctx.alloc(`${prog.name} (pid ${pid}) at 0x${s.vaddr.toString(16)}`, pages, PAGE_SIZE, false); // prettier-ignore
    ctx.mem.load(pa + Number(s.vaddr - start), s.data);
    ctx.pt.mapRange(pgd.kernel, start, pa, pages * PAGE_SIZE, { rw: s.write, user: true, nx: !s.exec && ctx.flags.nx, global: false }); // prettier-ignore
  }
  const stackBytes = USER_STACK_PAGES * PAGE_SIZE;
  const stack = ctx.alloc(`user stack of pid ${pid}`, USER_STACK_PAGES, PAGE_SIZE, false);
  const base = USER_STACK_TOP - BigInt(stackBytes);
  ctx.region(`user stack of pid ${pid}`, base, stackBytes, pgd.kernel); // one per mm, same address
  ctx.pt.mapRange(pgd.kernel, base, stack, stackBytes, { rw: true, user: true, nx: ctx.flags.nx, global: false }); // prettier-ignore
  ctx.pt.map4k(pgd.kernel, USER_SHARED_PAGE, sharedPage(ctx), { rw: true, user: true, nx: ctx.flags.nx, global: false }); // prettier-ignore
}

/** A range of user addresses an mm maps, [start, end), page-aligned (struct vm_range). */
export interface VmRange {
  start: bigint;
  end: bigint;
}

/**
 * The ranges mapUserMemory maps (the program's segments, the stack, the shared page), sorted,
 * with touching ones joined: the kernel's fork and exit walk the page tables under them only.
 */
export function userRanges(prog: UserProgram): VmRange[] {
  const page = BigInt(PAGE_SIZE);
  const ranges: VmRange[] = prog.image.segments.map((s) => ({
    start: s.vaddr - (s.vaddr % page),
    end: ((s.vaddr + s.memSize + page - 1n) / page) * page,
  }));
  ranges.push({
    start: USER_STACK_TOP - BigInt(USER_STACK_PAGES * PAGE_SIZE),
    end: USER_STACK_TOP,
  });
  ranges.push({ start: USER_SHARED_PAGE, end: USER_SHARED_PAGE + page });
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const joined: VmRange[] = [];
  for (const r of ranges) {
    const last = joined[joined.length - 1];
    if (last !== undefined && r.start <= last.end) last.end = r.end > last.end ? r.end : last.end;
    else joined.push({ ...r });
  }
  return joined;
}

/**
 * mm->map_count and mm->mmap[] at physical `mm`. Past `max` ranges, the two closest are joined
 * (as the kernel does when its array is full): a wider range costs the walks time, never pages.
 */
function writeVmRanges(ctx: BootContext, mm: number, ranges: VmRange[], max: number): void {
  const r = ranges.map((x) => ({ ...x }));
  while (r.length > max) {
    let best = 0;
    for (let i = 1; i < r.length - 1; i++)
      if (r[i + 1]!.start - r[i]!.end < r[best + 1]!.start - r[best]!.end) best = i;
    r[best]!.end = r[best + 1]!.end;
    r.splice(best + 1, 1);
  }
  write64(ctx.mem, mm + ctx.off("MM_map_count"), BigInt(r.length));
  r.forEach((x, i) => {
    const at = mm + ctx.off("MM_mmap") + i * ctx.off("VM_RANGE_size");
    write64(ctx.mem, at + ctx.off("VM_RANGE_vm_start"), x.start);
    write64(ctx.mem, at + ctx.off("VM_RANGE_vm_end"), x.end);
  });
}

/**
 * mem_map: one int per frame of RAM, the map counts of copy-on-write pages (page_alloc.c). The
 * kernel counts "mappers minus one", so the zeroed frames this takes need no other setup.
 */
export function reserveMemMap(ctx: BootContext, memSize: number): void {
  const frames = Math.floor(memSize / PAGE_SIZE);
  const pages = Math.ceil((frames * MAPCOUNT_BYTES) / PAGE_SIZE);
  const pa = ctx.alloc("mem_map", pages, PAGE_SIZE, false);
  ctx.region("mem_map", va(pa), pages * PAGE_SIZE);
  write64(ctx.mem, ctx.symPhys("mem_map"), va(pa));
  write64(ctx.mem, ctx.symPhys("max_pfn"), BigInt(frames));
}

/**
 * The guest page pool: every frame the boot has not used (or the first `maxPages` of them),
 * mapped by nothing but the direct map, handed to the kernel's get_zeroed_page() through the
 * boot-data variables page_pool_start and page_pool_end (physical addresses). Called last.
 */
export function reservePagePool(
  ctx: BootContext,
  maxPages?: number,
): { start: number; end: number } {
  const pool = ctx.frames.reserveRest("page pool", maxPages);
  ctx.region("page pool", va(pool.start), pool.end - pool.start);
  write64(ctx.mem, ctx.symPhys("page_pool_start"), BigInt(pool.start));
  write64(ctx.mem, ctx.symPhys("page_pool_end"), BigInt(pool.end));
  return pool;
}

/** The one frame behind USER_SHARED_PAGE in every task of a boot (allocated by the first task). */
const sharedFrames = new WeakMap<BootContext, number>();

export function sharedPage(ctx: BootContext): number {
  let pa = sharedFrames.get(ctx);
  if (pa === undefined) {
    pa = ctx.alloc("user shared page", 1, PAGE_SIZE, false);
    ctx.region("user shared page", USER_SHARED_PAGE, PAGE_SIZE);
    sharedFrames.set(ctx, pa);
  }
  return pa;
}

/**
 * Share the user half between the two PGDs (pti_set_user_pgtbl): the user PGD gets each entry,
 * the kernel PGD keeps it with NX. Without PTI only the kernel PGD is used, unchanged.
 */
function shareUserHalf(ctx: BootContext, pgd: PgdPair): void {
  if (!ctx.flags.pti) return;
  for (let i = 0; i < KERNEL_PGD_BOUNDARY; i++) {
    const [lo, hi] = ctx.pt.readEntry(pgd.kernel, i);
    if ((lo & PTE_P) === 0) continue;
    ctx.pt.writeEntry(pgd.user, i, lo, hi);
    if (ctx.flags.nx) ctx.pt.writeEntry(pgd.kernel, i, lo, hi | PTE_HI_XD);
  }
}

/** The kernel stack as fork leaves it; returns thread.sp. */
function buildForkFrame(ctx: BootContext, stack: number, entry: bigint): bigint {
  const top = stack + THREAD_SIZE;
  const regs = top - ctx.off("PTREGS_SIZE");
  const w = (field: string, v: bigint): void => write64(ctx.mem, regs + ctx.off(field), v);
  w("pt_regs_ip", entry);
  w("pt_regs_cs", BigInt(USER_CS));
  w("pt_regs_flags", USER_RFLAGS);
  w("pt_regs_sp", USER_STACK_TOP);
  w("pt_regs_ss", BigInt(USER_DS));
  w("pt_regs_orig_ax", -1n);
  const frame = regs - ctx.off("FRAME_size");
  write64(ctx.mem, frame + ctx.off("FRAME_ret_addr"), ctx.sym("ret_from_fork"));
  return va(frame);
}

/** One task: mm, PGD pair, user memory, kernel stack, task_struct; listed in boot_tasks[i]. */
export function buildTask(
  ctx: BootContext,
  swapper: PgdPair,
  prog: UserProgram,
  index: number,
  cpus: number,
): TaskInfo {
  // prettier-ignore
  const pid = index + 1;
  const cpu = index % cpus;
  const pgd = allocPgdPair(ctx, swapper, pid);
  mapUserMemory(ctx, pgd, prog, pid);
  shareUserHalf(ctx, pgd);
  const stack = ctx.alloc(`kernel stack of pid ${pid}`, THREAD_SIZE / PAGE_SIZE, THREAD_SIZE);
  const sp = buildForkFrame(ctx, stack, prog.image.entry);
  const page = ctx.alloc(`task_struct of pid ${pid}`, 1, PAGE_SIZE, false);
  const mmOff = Math.ceil(ctx.off("TASK_STRUCT_size") / 64) * 64;
  ctx.region(`task_struct of pid ${pid}`, va(page), ctx.off("TASK_STRUCT_size"));
  ctx.region(`mm of pid ${pid}`, va(page + mmOff), ctx.off("MM_STRUCT_size"));
  const t = (field: string, v: bigint): void => write64(ctx.mem, page + ctx.off(field), v);
  t("TASK_state", 0n);
  t("TASK_stack", va(stack));
  t("TASK_threadsp", sp);
  t("TASK_pid", BigInt(pid));
  t("TASK_mm", va(page + mmOff));
  t("TASK_cpu", BigInt(cpu));
  const comm = new TextEncoder().encode(prog.name).slice(0, ctx.off("TASK_COMM_LEN_value") - 1);
  ctx.mem.load(page + ctx.off("TASK_comm"), comm);
  const m = (field: string, v: bigint): void => write64(ctx.mem, page + mmOff + ctx.off(field), v);
  m("MM_pgd", va(pgd.kernel));
  m("MM_ctx_id", INIT_MM_CTX_ID + BigInt(pid));
  writeVmRanges(ctx, page + mmOff, userRanges(prog), ctx.off("NR_VM_RANGES_value"));
  write64(ctx.mem, ctx.symPhys("boot_tasks", index * 8), va(page));
  return { pid, name: prog.name, cpu, task: va(page), mm: va(page + mmOff), stack: va(stack), pgd: pgd.kernel }; // prettier-ignore
}
