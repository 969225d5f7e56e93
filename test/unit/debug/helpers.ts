// Debug targets for the debugger's tests: a bare program from test/system on flat64, and the
// model kernel booted with user programs (optionally patched), as the CLI builds them.
import { DiagnosticBag } from "../../../src/diag/index.js";
import { bootKernel } from "../../../src/kernel-rt/index.js";
import type { KernelConfig } from "../../../src/kernel-rt/index.js";
import { createMachine } from "../../../src/vm/index.js";
import type { MachineOptions } from "../../../src/vm/index.js";
import { Debugger, DebugEvents } from "../../../src/debug/index.js";
import { buildSystem } from "../../system/run.js";
import { PATCH1, patchedKernel, program } from "../kernel-rt/helpers.js";

export { PATCH1 };

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

/** A debugger over the model kernel running `users` (the PTI pairs, per-CPU areas, tasks known). */
export function kernelDebugger(
  users: string[],
  config: KernelConfig,
  patches: string[] = [],
  machine: MachineOptions = {},
): Debugger {
  // prettier-ignore
  const k = patchedKernel(patches);
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
