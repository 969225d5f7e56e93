// The model kernel's memory layout: THE one source of truth. The boot builder places and maps
// everything by these constants, the kernel link layout is written from them, and guest code
// sees them through the generated header `<asm/entrylab-layout.h>` (layoutHeader()), which the
// kernel build hands to cpp as a virtual include. Values are Linux v5.10's x86-64 4-level ones
// (Documentation/x86/x86_64/mm.rst); the physical placement is entrylab's own.
//
//   virtual                                  what
//   0x0000000000300000                       USER_SHARED_PAGE: one frame shared by every task
//                                            (user, RW, NX; futex words live there)
//   0x0000000000400000                       user text (the program's image, below the heap)
//   0x0000008000000000-0x0000008040000000    USER_HEAP_START-END: demand-zero heap area (its own
//                                            PGD slot: its first fault builds every level)
//   0x00007fffff7ff000-0x00007fffffffb000    the stack's demand-zero area (USER_STACK_LIMIT up)
//   0x00007fffffffb000-0x00007ffffffff000    user stack (USER_STACK_PAGES), RSP starts at the top
//   0x00007ffffffff000                       TASK_SIZE_MAX: the last user page stays unmapped
//   0xffff888000000000                       PAGE_OFFSET: direct map of all RAM (2 MiB pages)
//   0xfffffe0000000000                       CPU_ENTRY_AREA_BASE: the read-only IDT page, then
//                                            one struct cpu_entry_area per CPU (below)
//   0xffffffff80000000                       __START_KERNEL_map: kernel image = this + physical
//   0xffffffff81000000                       __START_KERNEL: kernel text (physical 16 MiB)
//   0x0 (link address only)                  .data..percpu: per-CPU symbols are offsets
//
//   struct cpu_entry_area (one per CPU, CEA_SIZE bytes, page offsets):
//   0x0000 gdt            GDT page, mapped read-only
//   0x1000 entry_stack    the trampoline stack: TSS.sp0 = its top
//   0x2000 tss            the TSS the CPU uses (same frame as the CPU's cpu_tss_rw)
//   0x3000 DF guard  0x4000 DF stack  0x5000 NMI guard  0x6000 NMI stack  0x7000 top guard
//
//   physical
//   0x00000000-0x00100000   left empty (the PC's first MiB)
//   0x00800000              .data..percpu template (the image's load address for it)
//   0x01000000              kernel image (CONFIG_PHYSICAL_START), segments in link order
//   after the image         frame allocator (page tables, stacks, per-CPU areas, user memory)
//   after the boot's frames the guest page pool, [page_pool_start, page_pool_end): free frames the
//                           kernel's get_zeroed_page() hands out (demand-zero user pages, tables)

export const PAGE_SIZE = 0x1000;
export const PAGE_SHIFT = 12;
export const PMD_SIZE = 0x200000;
export const PGD_PAIR_SIZE = 2 * PAGE_SIZE;

/** Kernel virtual addresses (bigint: they do not fit a double's integer range exactly as unsigned). */
export const START_KERNEL_MAP = 0xffffffff80000000n;
export const START_KERNEL = 0xffffffff81000000n;
export const PAGE_OFFSET = 0xffff888000000000n;
export const CPU_ENTRY_AREA_BASE = 0xfffffe0000000000n;
export const CPU_ENTRY_AREA_RO_IDT = CPU_ENTRY_AREA_BASE;
export const CPU_ENTRY_AREA_PER_CPU = CPU_ENTRY_AREA_BASE + BigInt(PAGE_SIZE);

/** Offsets in struct cpu_entry_area (see the table above). */
export const CEA_GDT = 0x0000;
export const CEA_ENTRY_STACK = 0x1000;
export const CEA_TSS = 0x2000;
export const CEA_DF_GUARD = 0x3000;
export const CEA_DF_STACK = 0x4000;
export const CEA_NMI_GUARD = 0x5000;
export const CEA_NMI_STACK = 0x6000;
export const CEA_TOP_GUARD = 0x7000;
export const CEA_SIZE = 0x8000;

/** User space. */
export const TASK_SIZE_MAX = 0x00007ffffffff000n;
export const USER_TEXT_START = 0x400000n;
export const USER_STACK_TOP = TASK_SIZE_MAX;
export const USER_STACK_PAGES = 4;
/** The page every task maps at the same address (user, RW, NX), backed by one shared frame. */
export const USER_SHARED_PAGE = 0x300000n;
/** The demand-zero heap area [USER_HEAP_START, USER_HEAP_END): 1 GiB in PGD slot 1. */
export const USER_HEAP_START = 0x0000008000000000n;
export const USER_HEAP_END = USER_HEAP_START + 0x40000000n;
/** Stack growth: the stack area is [USER_STACK_LIMIT, USER_STACK_TOP), 8 MiB (RLIMIT_STACK's default). */
export const USER_STACK_SIZE_MAX = 0x800000n;
export const USER_STACK_LIMIT = USER_STACK_TOP - USER_STACK_SIZE_MAX;

/** Physical placement. */
export const PHYS_PERCPU_TEMPLATE = 0x800000;
export const PHYSICAL_START = 0x1000000;

/** Per task and per CPU. */
export const THREAD_SIZE = 4 * PAGE_SIZE;
export const EXCEPTION_STKSZ = PAGE_SIZE;
/** CPUs the kernel is built for (NR_CPUS) and boot tasks it can take. */
export const NR_CPUS = 32;
export const MAX_BOOT_TASKS = 64;
/** IST slots (Linux IST_INDEX_*): the IDT gate's IST field is the index + 1. */
export const IST_INDEX_DF = 0;
export const IST_INDEX_NMI = 1;

/** The cpu_entry_area of `cpu`. */
export function ceaBase(cpu: number): bigint {
  return CPU_ENTRY_AREA_PER_CPU + BigInt(cpu * CEA_SIZE);
}

/** The direct-map address of a physical address (__va). */
export function va(phys: number): bigint {
  return PAGE_OFFSET + BigInt(phys);
}

/** The kernel-image address of a physical address in the image (__START_KERNEL_map + pa). */
export function kernelImageVa(phys: number): bigint {
  return START_KERNEL_MAP + BigInt(phys);
}

function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** The names and values the generated header defines, in order. */
export function layoutDefines(): [name: string, value: string, comment: string][] {
  const ul = (v: bigint | number): string => `_AC(${hex(v)}, UL)`;
  return [
    ["__START_KERNEL_map", ul(START_KERNEL_MAP), "kernel image = this + physical"],
    ["__START_KERNEL", ul(START_KERNEL), "kernel text"],
    ["__PHYSICAL_START", ul(PHYSICAL_START), "physical address of the kernel text"],
    ["__PAGE_OFFSET", ul(PAGE_OFFSET), "direct map of all RAM"],
    ["PAGE_OFFSET", "__PAGE_OFFSET", ""],
    ["CPU_ENTRY_AREA_BASE", ul(CPU_ENTRY_AREA_BASE), "read-only IDT, then per-CPU areas"],
    ["CPU_ENTRY_AREA_RO_IDT", "CPU_ENTRY_AREA_BASE", ""],
    ["CPU_ENTRY_AREA_PER_CPU", ul(CPU_ENTRY_AREA_PER_CPU), ""],
    ["CPU_ENTRY_AREA_SIZE", ul(CEA_SIZE), "sizeof(struct cpu_entry_area)"],
    ["CEA_GDT", ul(CEA_GDT), "offsets in struct cpu_entry_area"],
    ["CEA_ENTRY_STACK", ul(CEA_ENTRY_STACK), ""],
    ["CEA_TSS", ul(CEA_TSS), ""],
    ["CEA_DF_STACK", ul(CEA_DF_STACK), ""],
    ["CEA_NMI_STACK", ul(CEA_NMI_STACK), ""],
    ["PHYS_PERCPU_TEMPLATE", ul(PHYS_PERCPU_TEMPLATE), "load address of .data..percpu"],
    ["USER_TEXT_START", ul(USER_TEXT_START), "user programs are linked here"],
    ["USER_STACK_TOP", ul(USER_STACK_TOP), "initial user RSP"],
    ["USER_STACK_PAGES", String(USER_STACK_PAGES), ""],
    ["USER_SHARED_PAGE", ul(USER_SHARED_PAGE), "one frame shared by every task (RW, NX)"],
    ["USER_HEAP_START", ul(USER_HEAP_START), "demand-zero heap area"],
    ["USER_HEAP_END", ul(USER_HEAP_END), ""],
    ["USER_STACK_LIMIT", ul(USER_STACK_LIMIT), "the stack may grow down to here by faults"],
    ["LAYOUT_THREAD_SIZE", ul(THREAD_SIZE), "kernel stack of a task"],
    ["NR_CPUS", String(NR_CPUS), ""],
    ["MAX_BOOT_TASKS", String(MAX_BOOT_TASKS), ""],
    ["IST_INDEX_DF", String(IST_INDEX_DF), "TSS.ist[] slot of #DF (gate IST field = index + 1)"],
    ["IST_INDEX_NMI", String(IST_INDEX_NMI), ""],
  ];
}

export const LAYOUT_HEADER_NAME = "asm/entrylab-layout.h";

/** The generated header, `<asm/entrylab-layout.h>`: valid in C and in assembly. */
export function layoutHeader(): string {
  const lines = [
    "/*",
    " * asm/entrylab-layout.h - the model kernel's memory layout.",
    " *",
    " * DO NOT MODIFY: generated from src/kernel-rt/boot/layout.ts by the kernel build.",
    " */",
    "#ifndef _ASM_ENTRYLAB_LAYOUT_H",
    "#define _ASM_ENTRYLAB_LAYOUT_H",
    "",
    "#include <linux/const.h>",
    "",
  ];
  for (const [name, value, comment] of layoutDefines())
    lines.push(`#define ${name}\t${value}${comment ? `\t/* ${comment} */` : ""}`);
  lines.push("", "#endif /* _ASM_ENTRYLAB_LAYOUT_H */", "");
  return lines.join("\n");
}

/**
 * The kernel's link layout (docs/linker.md's language): .data..percpu linked at 0 (so per-CPU
 * symbols are offsets, as Linux links it) and loaded at PHYS_PERCPU_TEMPLATE; then the image at
 * __START_KERNEL, loaded at __PHYSICAL_START, each output section on its own pages so the boot
 * builder can map it with its own rights; .entry.text alone on its pages (PTI clones exactly those).
 */
export function kernelLayoutText(): string {
  return `\
# the model kernel (src/kernel-rt/boot/layout.ts)
entry startup_64
at ${hex(PHYS_PERCPU_TEMPLATE)}
__per_cpu_start = .
.data..percpu : .data..percpu..first .data..percpu..page_aligned .data..percpu .data..percpu.*
__per_cpu_end = .
. = ${hex(START_KERNEL)}
at ${hex(PHYSICAL_START)}
_text = .
.text : .text .text.* .noinstr.text
align 4K
__entry_text_start = .
.entry.text : .entry.text
align 4K
__entry_text_end = .
.altinstr_replacement : .altinstr_replacement
align 4K
_etext = .
.rodata : .rodata .rodata.*
align 4K
__alt_instructions = .
.altinstructions : .altinstructions
__alt_instructions_end = .
align 4K
.data : .data .data.*
align 4K
__bss_start = .
.bss : .bss .bss.*
align 4K
_end = .
`;
}

/** The link layout of a user program: text at USER_TEXT_START, each section on its own pages. */
export function userLayoutText(): string {
  return `\
# a user program of the model kernel (src/kernel-rt/boot/layout.ts)
entry _start
. = ${hex(USER_TEXT_START)}
.text : .text .text.*
align 4K
.rodata : .rodata .rodata.*
align 4K
.data : .data .data.*
align 4K
.bss : .bss .bss.*
`;
}
