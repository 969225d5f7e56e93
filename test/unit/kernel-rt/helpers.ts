// Shared by the kernel-rt tests: build the kernel and user programs once per process from the
// repository's files, boot them, and run.
import { readFileSync } from "node:fs";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import {
  bootKernel,
  buildKernel,
  buildUserProgram,
  traceImage,
} from "../../../src/kernel-rt/index.js";
import type { BootedKernel, KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import type { Machine, MachineOptions, RunResult } from "../../../src/vm/index.js";
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";

export const host: Host = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, "latin1");
    } catch {
      return undefined;
    }
  },
};

const PATCHES = "programs/patches";
/** The PTI series (programs/patches), applied in order. */
export const PATCH1 = `${PATCHES}/0001-x86-pti-switch-cr3-in-c-on-the-syscall-path.patch`;
export const PATCH2 = `${PATCHES}/0002-x86-pti-switch-cr3-in-c-on-the-idtentry-paths.patch`;
export const PATCH3 = `${PATCHES}/0003-x86-pti-give-each-task-a-pti-stack.patch`;
export const PATCH4 = `${PATCHES}/0004-x86-pti-run-the-system-call-on-the-entry-stack-wrong.patch`;
export const PTI_ON: KernelConfig = { pti: true, pcid: true };

export interface Design {
  name: string;
  patches: string[];
  config: KernelConfig;
}
/**
 * The designs a workload must run on: PTI off, PTI with the CR3 switch in assembly (mainline),
 * in C (patches 1-2, the step the reviewers agreed on), and with the per-task PTI stack (1-3).
 */
export const DESIGNS: readonly Design[] = [
  { name: "PTI off", patches: [], config: { pti: false, pcid: false } },
  { name: "PTI on", patches: [], config: PTI_ON },
  { name: "patches 1-2", patches: [PATCH1, PATCH2], config: PTI_ON },
  { name: "patches 1-3", patches: [PATCH1, PATCH2, PATCH3], config: PTI_ON },
];

let kernel: KernelBuild | undefined;
const programs = new Map<string, ObjectFile>();

function check(diags: DiagnosticBag, sources: SourceManager): void {
  if (diags.hasErrors) throw new Error(renderDiagnostics(diags.items, sources));
}

export function theKernel(): KernelBuild {
  if (kernel) return kernel;
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  kernel = buildKernel({ host, sources, diags });
  check(diags, sources);
  return kernel!;
}

const patched = new Map<string, KernelBuild>();

/** The kernel with the patch files `patches` applied in order (the repository's paths), built once. */
export function patchedKernel(patches: string[]): KernelBuild {
  if (patches.length === 0) return theKernel();
  const key = patches.join();
  const hit = patched.get(key);
  if (hit) return hit;
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const k = buildKernel({ host, sources, diags, patches: patches.map((name) => ({ name, text: readFileSync(name, "latin1") })) }); // prettier-ignore
  check(diags, sources);
  patched.set(key, k!);
  return k!;
}

/**
 * A user program: a name in programs/user (built once), or a test's own `.S` file, read as
 * `dir/name` through `testHost` and built each time.
 */
export function userImage(name: string, dir: string, testHost: Host): ObjectFile {
  if (!name.endsWith(".S")) return program(name);
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const image = buildUserProgram(`${dir}/${name}`, { host: testHost, sources, diags });
  check(diags, sources);
  return image!;
}

export function program(name: string): ObjectFile {
  const hit = programs.get(name);
  if (hit) return hit;
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const image = buildUserProgram(name, { host, sources, diags });
  check(diags, sources);
  programs.set(name, image!);
  return image!;
}

/** A kernel symbol's address as the CPU model holds addresses: a signed double. */
export function kernelSym(kernel: KernelBuild, name: string): number {
  const s = kernel.image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return Number(BigInt.asIntN(64, s.value));
}

/** A kernel variable (8 bytes) in the guest memory of a machine booted from `kernel`. */
export function kernelVar(kernel: KernelBuild, boot: BootedKernel, name: string): bigint {
  const v = kernel.image.symbols.find((s) => s.name === name)!.value;
  const seg = kernel.image.segments.find((s) => v >= s.vaddr && v < s.vaddr + s.memSize)!;
  const pa = Number(seg.paddr + (v - seg.vaddr));
  const mem = boot.machine.mem;
  return (BigInt(mem.read32(pa + 4) >>> 0) << 32n) | BigInt(mem.read32(pa) >>> 0);
}

export interface Booted {
  boot: BootedKernel;
  output: () => string;
}

export function boot(names: string[], config: KernelConfig, machine: MachineOptions = {}): Booted {
  return bootKernelWith(theKernel(), names, config, machine);
}

/** Boot `k` with the user programs `names`, their output collected as text; throws on a boot error. */
export function bootKernelWith(
  k: KernelBuild,
  names: string[],
  config: KernelConfig,
  machine: MachineOptions = {},
): Booted {
  const diags = new DiagnosticBag();
  let out = "";
  const users = names.map((name) => ({ name, image: program(name) }));
  const b = bootKernel(k, users, config, {
    diags,
    machine: { maxInsns: 2_000_000, ...machine, output: (bytes) => (out += new TextDecoder().decode(bytes)) }, // prettier-ignore
  });
  if (!b) throw new Error(diags.items.map((d) => `${d.code} ${d.message}`).join("\n"));
  return { boot: b, output: () => out };
}

/** A kernel booted with a trace recorder on its machine (`bootRecorded`). */
export interface RecordedBoot {
  k: KernelBuild;
  b: BootedKernel;
  m: Machine;
  output: () => string;
  records: readonly TraceRecord[];
}

/** As `bootKernelWith`, with a trace recorder at `level` on the machine. */
export function bootRecorded(
  k: KernelBuild,
  names: string[],
  config: KernelConfig,
  machine: MachineOptions,
  level: "system" | "insn" = "system",
): RecordedBoot {
  const rec = new TraceRecorder({ image: traceImage(k.image, []), level });
  const v = bootKernelWith(k, names, config, { ...machine, events: rec });
  rec.addRegions(v.boot.regions);
  return { k, b: v.boot, m: v.boot.machine, output: v.output, records: rec.records };
}

export function run(
  names: string[],
  config: KernelConfig,
  machine: MachineOptions = {},
): { result: RunResult; output: string; boot: BootedKernel } {
  // prettier-ignore
  const b = boot(names, config, machine);
  const result = b.boot.machine.run();
  return { result, output: b.output(), boot: b.boot };
}
