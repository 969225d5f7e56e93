// Diagnostic codes of the model kernel's build and boot (E9xxx): code → one-line title. See
// ./index.ts for the ranges. src/kernel-rt names them through KERNEL below.
export const KERNEL = {
  NO_USER_PROGRAM: "E9001",
  BAD_USER_PROGRAM: "E9002",
  MISSING_SYMBOL: "E9003",
  OUT_OF_MEMORY: "E9004",
  BAD_CONFIG: "E9005",
  MISSING_OFFSET: "E9006",
  NO_TASKS: "E9007",
} as const;

export const KERNEL_CODES: Readonly<Record<string, string>> = {
  E9001: "user program not found",
  E9002: "user program cannot be loaded at its addresses",
  E9003: "kernel image lacks a symbol the boot builder needs",
  E9004: "guest memory too small for the kernel, its tables and the tasks",
  E9005: "bad kernel configuration",
  E9006: "asm-offsets lacks a value the boot builder needs",
  E9007: "no user task to run",
};
