// System rows of the instruction table (SDM vol. 3A 2.8 and vol. 2 per instruction): the entry
// and exit instructions (syscall, sysretq, iretq, lretq, swapgs), MSRs, descriptor tables, TLB
// invalidation, serialising fences, FS/GS base access and port I/O.
import type { RowSpec } from "./spec.js";
import { row, FLAGS_ALL } from "./spec.js";
import type { OperandKind } from "./types.js";

const S = "system" as const;
const priv = { privileged: true, flow: "system" as const };

function entryRows(): RowSpec[] {
  const always = { suffix: "always" as const };
  return [
    // SWAPGS: #GP(0) unless CPL 0 (SDM vol. 2 "SWAPGS").
    row(S, "swapgs", 0, [], priv),
    // SYSCALL: R11 ← RFLAGS, RFLAGS &= ~IA32_FMASK (SDM vol. 2 "SYSCALL"); #UD unless EFER.SCE.
    row(S, "syscall", 0, [], { read: FLAGS_ALL, written: FLAGS_ALL, flow: "system" }),
    // SYSRET: #GP(0) unless CPL 0; RFLAGS ← R11 (SDM vol. 2 "SYSRET"). Only the 64-bit form.
    row(S, "sysret", 64, [], { ...priv, ...always, written: FLAGS_ALL }),
    // IRETQ pops RFLAGS; LRETQ pops CS:RIP (privilege checks, SDM vol. 2 "IRET", "RET").
    row(S, "iret", 64, [], { ...always, flow: "system", written: FLAGS_ALL }),
    row(S, "lret", 64, [], { ...always, flow: "system" }),
  ];
}

function msrAndTableRows(): RowSpec[] {
  const never = { suffix: "never" as const };
  const rows: RowSpec[] = [
    // RDMSR/WRMSR: #GP(0) unless CPL 0, or for an unknown MSR (SDM vol. 2 "RDMSR").
    row(S, "rdmsr", 0, [], { privileged: true }),
    row(S, "wrmsr", 0, [], priv),
    row(S, "rdtsc", 0, []),
    row(S, "rdtscp", 0, []),
    row(S, "cpuid", 0, []),
    // INVLPG/INVPCID: #GP(0) unless CPL 0; INVPCID #GP(0) for a type > 3 (SDM vol. 2).
    row(S, "invlpg", 0, ["M"], { ...priv, ...never }),
    row(S, "invpcid", 64, ["M", "Gq"], { ...priv, ...never }),
  ];
  // LGDT/LIDT: #GP(0) unless CPL 0; SGDT/SIDT are unprivileged (no UMIP in the model).
  for (const name of ["lgdt", "lidt"]) {
    rows.push(row(S, name, 0, ["M"], { ...priv, ...never, spellings: [`${name}q`] }));
  }
  for (const name of ["sgdt", "sidt"]) {
    rows.push(row(S, name, 0, ["M"], { ...never, spellings: [`${name}q`] }));
  }
  // LTR: #GP(0) unless CPL 0; the descriptor must be an available 64-bit TSS (SDM vol. 2 "LTR").
  rows.push(row(S, "ltr", 16, ["Ew"], { ...priv, ...never, spellings: ["ltrw"] }));
  for (const name of ["lfence", "mfence", "sfence"]) rows.push(row(S, name, 0, []));
  return rows;
}

function baseAndPortRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  // RD/WR{FS,GS}BASE: #UD unless CR4.FSGSBASE (SDM vol. 2 "RDFSBASE"); writes change addressing.
  for (const name of ["rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase"]) {
    const flow = name.startsWith("wr") ? ("system" as const) : ("none" as const);
    rows.push(row(S, name, 32, ["Gd"], { flow, suffix: "never" }));
    rows.push(row(S, name, 64, ["Gq"], { flow, suffix: "never" }));
  }
  // IN/OUT: #GP(0) when CPL > IOPL and the TSS I/O bitmap denies the port (SDM vol. 1, 18.2).
  const accs: [8 | 16 | 32, OperandKind][] = [
    [8, "AL"],
    [16, "AX"],
    [32, "EAX"],
  ];
  for (const port of ["Ib", "DX"] as const) {
    for (const [size, acc] of accs) rows.push(row(S, "in", size, [port, acc], { iopl: true }));
  }
  for (const port of ["Ib", "DX"] as const) {
    for (const [size, acc] of accs) rows.push(row(S, "out", size, [acc, port], { iopl: true }));
  }
  return rows;
}

/** Rows added after the first numbering: appended so that no existing row is renumbered. */
function laterRows(): RowSpec[] {
  // RDPID: r64 ← IA32_TSC_AUX at any CPL; #UD unless CPUID.(EAX=07H,ECX=0):ECX.RDPID (SDM vol. 2
  // "RDPID"). In 64-bit mode the operand is always 64 bits wide.
  return [
    row(S, "rdpid", 64, ["Gq"], { suffix: "never" }),
    // LSL: ZF and the segment limit of the selector in the source's low 16 bits, at any CPL; no
    // fault for a selector it may not see, ZF = 0 instead (SDM vol. 2 "LSL"). Linux writes the
    // source as a 64-bit register (LOAD_CPU_AND_NODE_SEG_LIMIT).
    row(S, "lsl", 64, ["Eq", "Gq"], { suffix: "never" }),
  ];
}

export const SYSTEM_ROWS: readonly RowSpec[] = [
  ...entryRows(),
  ...msrAndTableRows(),
  ...baseAndPortRows(),
  ...laterRows(),
];
