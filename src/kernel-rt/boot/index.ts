// The boot builder's public surface: the layout, bootKernel and what it returns.
export * from "./layout.js";
export { bootKernel, DEFAULT_TICK, type BootOptions, type BootedKernel, type CpuInfo, type KernelConfig } from "./boot.js"; // prettier-ignore
export type { BootRegion, BootFlags } from "./context.js";
export type { TaskInfo, UserProgram, PgdPair } from "./tasks.js";
export { X86_FEATURE, NCAPINTS, bootFeatures } from "./features.js";
export { applyAlternatives, type AltSite } from "./alternatives.js";
export { traceImage } from "./regions.js";
export { KERNEL_CS, KERNEL_DS, USER_CS, USER_DS, SYSCALL_MASK } from "./cpu-tables.js";
