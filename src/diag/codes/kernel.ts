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
  // Patches (src/kernel-rt/patch.ts): E9010-E9019.
  BAD_PATCH: "E9010",
  HUNK_FAILED: "E9011",
  PATCH_FILE_MISSING: "E9012",
  PATCH_FILE_EXISTS: "E9013",
  PATCH_UNSUPPORTED: "E9014",
  // Scenarios (programs/scenarios/*.json, the CLI's loader): E9020-E9029.
  BAD_SCENARIO_JSON: "E9020",
  BAD_SCENARIO_FIELD: "E9021",
  NO_SCENARIO: "E9022",
} as const;

export const KERNEL_CODES: Readonly<Record<string, string>> = {
  E9001: "user program not found",
  E9002: "user program cannot be loaded at its addresses",
  E9003: "kernel image lacks a symbol the boot builder needs",
  E9004: "guest memory too small for the kernel, its tables and the tasks",
  E9005: "bad kernel configuration",
  E9006: "asm-offsets lacks a value the boot builder needs",
  E9007: "no user task to run",
  E9010: "malformed patch",
  E9011: "patch hunk does not apply: its context or removed lines differ from the file",
  E9012: "patch changes a file that does not exist",
  E9013: "patch creates a file that already exists",
  E9014: "patch uses a feature the applier does not support (rename, copy, binary)",
  E9020: "scenario file is not valid JSON",
  E9021: "bad scenario field",
  E9022: "scenario not found",
};
