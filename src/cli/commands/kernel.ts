// `entrylab kernel`: build the model kernel (`kernel build -o vmlinux`) and boot it with user
// tasks on the `kernel` boot protocol (`kernel run --user PROG...`), optionally with a patch
// series applied to its tree (`--patch FILE...`) or as a named scenario (`--scenario NAME|FILE`,
// programs/scenarios/*.json; the command line's options override the scenario's). UART goes to stdout;
// the exit status is the guest's isa-debug-exit status ((v << 1) | 1: 1 when every task exited
// with 0) or one of run's RUN_EXIT statuses, as `entrylab run` has it (docs/kernel.md); any
// trouble on entrylab's side — bad input, a missing or unwritable file — is 2, never a guest's.
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { COMMAND_LINE, DiagnosticBag, SourceManager } from "../../diag/index.js";
import { KERNEL } from "../../diag/codes/kernel.js";
import { writeObject, type ObjectFile } from "../../obj/index.js";
import { Symbolizer } from "../../trace/index.js";
import {
  bootKernel,
  buildKernel,
  buildUserProgram,
  DEFAULT_TICK,
  MAX_TICK,
  parseScenario,
  type PatchText,
  type Scenario,
  type BootedKernel,
  type KernelBuild,
  type KernelConfig,
  type UserProgram,
} from "../../kernel-rt/index.js";
import type { EventSink, MachineOptions, RunResult } from "../../vm/index.js";
import { nodeHost, writeOutput } from "../node-host.js";
import { finish, ioError, printDiagnostics, usageError } from "../report.js";
import { EXIT_INPUT_ERROR, EXIT_IO, EXIT_TROUBLE, ExitError, remapExit } from "../exit.js";
import { parseCount, collect } from "../options.js";
import { machineOptions, RUN_EXIT, withInjectOption, type MachineFlags } from "./run.js";
import { AUDIT_TLB_HELP, openTrace, type TraceFile, type TraceFlags } from "./trace.js";
import type { DebugInput } from "./debug.js";

/** The package root (the bundle lives in dist/): the kernel's own sources are read from it. */
export const ROOT = join(fileURLToPath(import.meta.url), "../..");
const DEFAULT_USER = "getpid";
/** The shared helpers' statuses that `kernel` reports as trouble (EXIT_TROUBLE). */
const KERNEL_TROUBLE = [EXIT_INPUT_ERROR, EXIT_IO];
export const SCENARIO_DIR = "programs/scenarios";

export interface KernelRunOptions extends MachineFlags, TraceFlags {
  user: string[];
  patch: string[];
  scenario?: string;
  pti?: string;
  pcid?: string;
  tick?: string;
  nmiInt3?: boolean;
  maxInsns?: string;
}

export function registerKernel(program: Command): void {
  const kernel = program
    .command("kernel")
    .description("build the model kernel and run user tasks on it (docs/kernel.md)");
  kernel
    .command("build")
    .description("build and link the model kernel image")
    .requiredOption("-o, --output <file>", "where to write the image")
    .option(
      "--patch <file>",
      "apply a patch (git format-patch) to the tree first (repeatable, in order)",
      collect,
      [],
    ) // prettier-ignore
    .action((opts: { output: string; patch: string[] }) => buildCommand(opts.output, opts.patch));
  kernelRunOptions(
    kernel
      .command("run")
      .description("boot the model kernel with user tasks and run until they all exit"),
  )
    .option("--trace <file>", "write the run's event trace (docs/trace-format.md)")
    .option(
      "--trace-format <f>",
      "text, jsonl or bin (default: jsonl for *.jsonl, bin for *.elt, else text)",
    )
    .option("--trace-level <l>", "system (default), paging or insn")
    .option("--audit-tlb", AUDIT_TLB_HELP)
    .action((opts: KernelRunOptions) => runCommand(opts));
  // `kernel debug`: the same boot, driven by the debugger (./debug.ts, loaded when used).
  kernelRunOptions(kernel.command("debug").description("boot the model kernel and step through it in the debugger (docs/debugger.md)")) // prettier-ignore
    .option("-x, --command <file>", "read debugger commands from a file")
    .option("--ex <cmd>", "run a debugger command (repeatable)", collect, [])
    .action(async (opts: KernelRunOptions & DebugInput) => (await import("./debug.js")).kernelDebugCommand(opts)); // prettier-ignore
}

/** The options `kernel run` and `kernel debug` share: the boot and the machine. */
function kernelRunOptions(cmd: Command): Command {
  const opts = cmd
    .option(
      "--user <prog>",
      `a user program: a name in programs/user or a .S file (repeatable; default ${DEFAULT_USER})`,
      collect,
      [],
    ) // prettier-ignore
    .option(
      "--patch <file>",
      "apply a patch (git format-patch) to the tree first (repeatable, in order)",
      collect,
      [],
    ) // prettier-ignore
    .option("--scenario <name|file>", `a scenario: a name in ${SCENARIO_DIR} or a .json file`)
    .option("--pti <on|off>", "page-table isolation (default on)")
    .option("--pcid <on|off>", "use PCIDs when the CPU has them (default on)")
    .option("--tick <n>", `instructions per timer tick; 0 = no timer (default ${DEFAULT_TICK})`)
    .option(
      "--nmi-int3",
      "make the NMI handler take one #BP per run, so NMIs can nest (docs/kernel.md)",
    )
    .option("--cpus <n>", "number of CPUs (default 1); task i runs on CPU i mod n")
    .option("--mem <size>", "guest physical memory, e.g. 64M (default 64M)")
    .option("--quantum <n>", "instructions each CPU runs per turn (default 1000)")
    .option("--tlb <policy>", "TLB policy: strict (default), finite or off")
    .option("--vendor <v>", "intel (default) or amd")
    .option("--features <list>", "CPU features: +name/-name edits the default set")
    .option("--max-insns <n>", "stop after this many instructions");
  return withInjectOption(opts);
}

/** Read patch files (paths relative to `base` unless absolute); a missing one is status 3. */
export function readPatches(files: readonly string[], base = "."): PatchText[] {
  return files.map((f) => {
    const text = nodeHost.readFile(isAbsolute(f) ? f : join(base, f));
    return text === undefined ? ioError("E0002", `cannot read patch '${f}'`) : { name: f, text };
  });
}

function build(sources: SourceManager, diags: DiagnosticBag, patches: PatchText[]): KernelBuild {
  const k = buildKernel({ host: nodeHost, sources, diags, root: ROOT, patches });
  finish(diags, sources);
  return k!;
}

/** `kernel build`: trouble is 2 here too, as for `kernel run`. */
function buildCommand(output: string, patchFiles: string[]): void {
  remapExit(KERNEL_TROUBLE, EXIT_TROUBLE, () => {
    const image = build(new SourceManager(), new DiagnosticBag(), readPatches(patchFiles));
    const error = writeOutput(output, writeObject(image.image));
    if (error) ioError("E0003", error);
  });
}

/** `--scenario NAME|FILE`: a name is programs/scenarios/NAME.json under the package root. */
export function loadScenario(spec: string, sources: SourceManager): Scenario {
  const byName = /^[A-Za-z0-9_-]+$/.test(spec);
  const path = byName ? join(ROOT, SCENARIO_DIR, `${spec}.json`) : spec;
  const diags = new DiagnosticBag();
  const text = nodeHost.readFile(path);
  if (text === undefined) {
    diags.error(KERNEL.NO_SCENARIO, COMMAND_LINE, `scenario '${spec}' not found (looked for '${byName ? `${SCENARIO_DIR}/${spec}.json` : path}')`); // prettier-ignore
    printDiagnostics(diags, sources);
    throw new ExitError(EXIT_IO);
  }
  const scenario = parseScenario(byName ? `${SCENARIO_DIR}/${spec}.json` : spec, text, { sources, diags }); // prettier-ignore
  finish(diags, sources);
  return scenario!;
}

/** `--tick N`: the APIC timer's period in instructions, 0 (no timer) to MAX_TICK. */
function parseTick(text: string): number {
  const value = /^(0x[0-9a-f]+|\d+)$/i.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value > MAX_TICK)
    usageError(`--tick: '${text}' is not an instruction count from 0 (no timer) to ${MAX_TICK}`);
  return value;
}

/** A scenario's options under the command line's: an option given on the command line wins. */
function withScenario(opts: KernelRunOptions, s: Scenario): KernelRunOptions {
  const m = s.machine;
  const onOffOf = (b: boolean): string => (b ? "on" : "off");
  return {
    ...opts,
    user: opts.user.length > 0 ? opts.user : s.users,
    pti: opts.pti ?? onOffOf(s.config.pti),
    pcid: opts.pcid ?? onOffOf(s.config.pcid),
    tick: opts.tick ?? (s.config.tick === undefined ? undefined : String(s.config.tick)),
    nmiInt3: opts.nmiInt3 ?? s.config.nmiInt3,
    cpus: opts.cpus ?? m.cpus,
    mem: opts.mem ?? m.mem,
    quantum: opts.quantum ?? m.quantum,
    tlb: opts.tlb ?? m.tlb,
    vendor: opts.vendor ?? m.vendor,
    features: opts.features ?? m.features,
    maxInsns: opts.maxInsns ?? m.maxInsns,
    traceLevel: opts.traceLevel ?? (opts.trace !== undefined ? s.trace.level : undefined),
  };
}

function onOff(value: string | undefined, option: string): boolean {
  if (value === undefined || value === "on") return true;
  if (value === "off") return false;
  return usageError(`${option}: '${value}' is not on or off`);
}

function userPrograms(specs: string[], sources: SourceManager): UserProgram[] {
  const diags = new DiagnosticBag();
  const out: UserProgram[] = [];
  for (const spec of specs.length > 0 ? specs : [DEFAULT_USER]) {
    const image = buildUserProgram(spec, { host: nodeHost, sources, diags, root: ROOT });
    if (image) out.push({ name: image.name, image });
  }
  // A program that cannot be found is a missing file: status 3, as `run` has it.
  if (diags.items.some((d) => d.code === KERNEL.NO_USER_PROGRAM)) {
    printDiagnostics(diags, sources);
    throw new ExitError(EXIT_IO);
  }
  finish(diags, sources);
  return out;
}

function boot(
  k: KernelBuild,
  users: UserProgram[],
  config: KernelConfig,
  machine: MachineOptions,
  sources: SourceManager,
): BootedKernel {
  // prettier-ignore
  const diags = new DiagnosticBag();
  const booted = bootKernel(k, users, config, { diags, machine });
  finish(diags, sources);
  return booted!;
}

/** What `kernel run` (and `kernel debug`) sets up before its one boot runs. */
export interface Prepared {
  booted: BootedKernel;
  trace: TraceFile | undefined;
  image: ObjectFile;
  users: UserProgram[];
}

/** Build, boot and open the trace; `events` (the debugger's sink) replaces the trace's. */
export function prepare(cli: KernelRunOptions, events?: EventSink): Prepared {
  const sources = new SourceManager();
  const scenario = cli.scenario === undefined ? undefined : loadScenario(cli.scenario, sources);
  const opts = scenario ? withScenario(cli, scenario) : cli;
  // A scenario's patches are relative to the package root; the command line's to the cwd.
  const patches = [...readPatches(scenario?.patches ?? [], ROOT), ...readPatches(cli.patch)];
  const config: KernelConfig = { pti: onOff(opts.pti, "--pti"), pcid: onOff(opts.pcid, "--pcid") };
  if (opts.tick !== undefined) config.tick = parseTick(opts.tick);
  if (opts.nmiInt3 === true) config.nmiInt3 = true;
  const maxInsns = opts.maxInsns === undefined ? undefined : parseCount(opts.maxInsns, "--max-insns"); // prettier-ignore
  const base: MachineOptions = { ...machineOptions(opts), maxInsns, output: (b) => process.stdout.write(b) }; // prettier-ignore
  const k = build(sources, new DiagnosticBag(), patches);
  const users = userPrograms(opts.user, sources);
  const trace = events === undefined ? openTrace(opts, k.image) : undefined;
  const booted = boot(k, users, config, { ...base, events: events ?? trace?.recorder }, sources);
  // The builder names its stacks and page tables as it places them, before the first
  // instruction runs: the recorder learns them between the boot and the run.
  trace?.recorder.addRegions(booted.regions);
  return { booted, trace, image: k.image, users };
}

/**
 * The guest's status, or 2 for any trouble on entrylab's side (bad or missing input, a file it
 * cannot write): input errors (1) and unreadable files (3) would read as guest statuses.
 */
function runCommand(cli: KernelRunOptions): void {
  const { booted, trace, image } = remapExit(KERNEL_TROUBLE, EXIT_TROUBLE, () => prepare(cli));
  // The trace is written as the run goes: a failed write ends the run, and is trouble too.
  const result = remapExit(KERNEL_TROUBLE, EXIT_TROUBLE, () => booted.machine.run());
  remapExit(KERNEL_TROUBLE, EXIT_TROUBLE, () => trace?.close());
  if (result.reason !== "exit" && result.reason !== "halt") report(result, image);
  throw new ExitError(result.reason === "exit" ? result.exitStatus! : RUN_EXIT[result.reason]);
}

/** What went wrong, where: a run that did not end through isa-debug-exit. */
function report(result: RunResult, image: ObjectFile): void {
  const sym = new Symbolizer(image);
  const where = (hex: string): string => sym.describe(BigInt.asUintN(64, BigInt(hex.startsWith("0x") ? hex : `0x${hex}`))); // prettier-ignore
  const lines = [`entrylab: kernel run ended: ${result.reason} after ${result.insns} instructions`, `  rip ${where(result.cpu.rip)}`]; // prettier-ignore
  for (const f of result.faultChain ?? []) lines.push(`  fault ${f.name} at ${where(f.rip)} rsp=0x${f.rsp} cr2=0x${f.cr2} cr3=0x${f.cr3}`); // prettier-ignore
  process.stderr.write(lines.join("\n") + "\n");
}
