// Debug targets for the debugger's tests: a bare program from test/system on flat64, and the
// model kernel booted with user programs (optionally patched), as the CLI builds them.
import { readFileSync } from "node:fs";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import { bootKernel, buildKernel } from "../../../src/kernel-rt/index.js";
import type { KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import { createMachine } from "../../../src/vm/index.js";
import type { MachineOptions } from "../../../src/vm/index.js";
import { Debugger, DebugEvents } from "../../../src/debug/index.js";
import { buildSystem } from "../../system/run.js";
import { host, program } from "../kernel-rt/helpers.js";

export const PATCH1 = "programs/patches/0001-x86-pti-switch-cr3-in-c-on-the-syscall-path.patch";

/** A debugger over test/system/`file` on flat64. */
export function bareDebugger(
  file: string,
  opts: MachineOptions = {},
  defines: string[] = [],
): Debugger {
  const image = buildSystem(file, defines);
  const events = new DebugEvents();
  const machine = createMachine({ maxInsns: 1_000_000, ...opts, events });
  const problems = machine.loadFlat64(image);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join("; "));
  return new Debugger({ machine, events, images: [image] });
}

const kernels = new Map<string, KernelBuild>();
function kernel(patches: string[]): KernelBuild {
  const key = patches.join();
  const hit = kernels.get(key);
  if (hit) return hit;
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const k = buildKernel({ host, sources, diags, patches: patches.map((name) => ({ name, text: readFileSync(name, "latin1") })) }); // prettier-ignore
  if (diags.hasErrors || !k) throw new Error(renderDiagnostics(diags.items, sources));
  kernels.set(key, k);
  return k;
}

/** A debugger over the model kernel running `users` (the PTI pairs, per-CPU areas, tasks known). */
export function kernelDebugger(
  users: string[],
  config: KernelConfig,
  patches: string[] = [],
  machine: MachineOptions = {},
): Debugger {
  // prettier-ignore
  const k = kernel(patches);
  const events = new DebugEvents();
  const progs = users.map((name) => ({ name, image: program(name) }));
  const diags = new DiagnosticBag();
  const b = bootKernel(k, progs, config, { diags, machine: { maxInsns: 2_000_000, ...machine, events } }); // prettier-ignore
  if (!b) throw new Error(diags.items.map((d) => d.message).join("; "));
  const pgdPairs = [{ kernel: b.swapper.kernel, owner: "swapper" }, ...b.tasks.map((t) => ({ kernel: t.pgd, owner: `pid ${t.pid}` }))]; // prettier-ignore
  return new Debugger({
    machine: b.machine,
    events,
    images: [k.image, ...progs.map((p) => p.image)],
    regions: b.regions,
    pgdPairs: config.pti ? pgdPairs : undefined,
    perCpu: b.cpus.map((c) => c.percpu),
    tasks: b.tasks.map((t) => ({ pid: t.pid, name: t.name, pgd: t.pgd })),
  });
}
