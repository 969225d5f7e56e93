// kernel-rt: what a bootable model kernel needs besides the entry code under study — the kernel
// build (./build.ts), the boot builder (./boot) and the flat64 C runtime (./crt).
export * from "./boot/index.js";
export {
  buildKernel,
  buildUserProgram,
  userProgramPath,
  parseOffsets,
  KERNEL_CONFIG,
  ENTRY_SOURCES,
  RUNTIME_SOURCES,
  GENERATED_INCLUDE,
  type KernelBuild,
  type KernelBuildOptions,
} from "./build.js";
export { buildCrt } from "./crt/index.js";
export {
  applyPatches,
  parsePatch,
  patchedHost,
  type AppliedHunk,
  type FileDiff,
  type Hunk,
  type ParsedPatch,
  type PatchContext,
  type PatchResult,
  type PatchText,
} from "./patch.js";
export {
  parseScenario,
  MAX_TICK,
  SCENARIO_MACHINE_KEYS,
  SCENARIO_TRACE_LEVELS,
  SCENARIO_TREES,
  type Scenario,
  type ScenarioMachineKey,
} from "./scenario.js";
