// `entrylab run`: build (if given sources) and run an image on the flat64 machine. UART output
// goes to stdout; the exit status is the guest's isa-debug-exit status or one of RUN_EXIT below.
import type { Command } from "commander";
import {
  createMachine,
  DEFAULT_MEM_SIZE,
  MAX_CPUS,
  MAX_MEM_SIZE,
  parseFeatures,
  TLB_POLICIES,
  VENDORS,
  type Injection,
  type Machine,
  type MachineOptions,
  type RunResult,
  type TlbPolicy,
  type Vendor,
} from "../../vm/index.js";
import { formatPageTables } from "./pt.js";
import { savePaging } from "../state-file.js";
import { Symbolizer } from "../../trace/index.js";
import { AUDIT_TLB_HELP, openTrace, type TraceFlags } from "./trace.js";
import type { ObjectFile } from "../../obj/index.js";
import { buildImage } from "../build.js";
import { collect, parseDefine, parseSize, parseCount } from "../options.js";
import { writeOutput } from "../node-host.js";
import { ioError, usageError } from "../report.js";
import { EXIT_INPUT_ERROR, EXIT_IO, EXIT_TROUBLE, EXIT_USAGE, ExitError, remapExit } from "../exit.js"; // prettier-ignore

/**
 * How a run ends when the guest does not exit through isa-debug-exit (whose statuses, (v<<1)|1,
 * are odd): even numbers, so the two never collide. Documented in docs/machine.md.
 */
export const RUN_EXIT = { halt: 0, limit: 4, "triple-fault": 6, deadlock: 8 } as const;
/** The shared helpers' statuses that `run` reports as trouble (EXIT_TROUBLE). */
const RUN_TROUBLE = [EXIT_INPUT_ERROR, EXIT_IO];

interface RunOptions extends MachineFlags, TraceFlags {
  maxInsns?: string;
  stateOut?: string;
  ptOut?: string;
  include: string[];
  define: string[];
  entry?: string;
}

export function registerRun(program: Command): void {
  const run = program
    .command("run")
    .description("run an image (or .S/.s/.o files, assembled and linked for flat64) on the VM")
    .argument("<files...>", "an image, or sources and objects to build one from")
    .option("--max-insns <n>", "stop after this many instructions")
    .option("--state-out <file>", "write the final architectural state as JSON");
  withMachineOptions(run)
    .option("--pt-out <file>", "write CPU 0's page tables (CR3) and every CPU's TLB at the end")
    .option("--trace <file>", "write the run's event trace (docs/trace-format.md)")
    .option(
      "--trace-format <f>",
      "text, jsonl or bin (default: jsonl for *.jsonl, bin for *.elt, else text)",
    )
    .option(
      "--trace-level <l>",
      "system (default), paging (+ walks, TLB fills) or insn (+ every instruction)",
    )
    .option("--audit-tlb", AUDIT_TLB_HELP);
  withBuildOptions(run).action((files: string[], opts: RunOptions) => runCommand(files, opts));
}

/** The machine options `run` and `debug` share (read back by `machineOptions`). */
export function withMachineOptions(cmd: Command): Command {
  cmd
    .option("--mem <size>", "guest physical memory, e.g. 64M, 1G (default 64M)")
    .option("--cpus <n>", `number of CPUs, 1-${MAX_CPUS} (default 1)`)
    .option("--quantum <n>", "instructions each CPU runs per turn (default 1000)")
    .option("--tlb <policy>", "TLB policy: strict (default), finite or off")
    .option("--tlb-sets <n>", "finite TLB: sets (default 128)")
    .option("--tlb-ways <n>", "finite TLB: ways (default 12)")
    .option("--vendor <v>", "intel (default) or amd: SYSRET to a non-canonical RCX")
    .option(
      "--features <list>",
      "CPU features: +name/-name edits the default set, plain names replace it",
    );
  return withInjectOption(cmd);
}

/** `--inject`, as `run`, `debug`, `kernel run` and `kernel debug` take it (`parseInjection`). */
export function withInjectOption(cmd: Command): Command {
  return cmd.option(
    "--inject <event>",
    "nmi@CPU:ICOUNT or irq:VECTOR@CPU:ICOUNT (repeatable)",
    collect,
    [],
  );
}

/** How `run` and `debug` build an image from sources (`buildImage`). */
export function withBuildOptions(cmd: Command): Command {
  return cmd
    .option("-I, --include <dir>", "include directory for sources", collect, [])
    .option("-D, --define <name[=value]>", "preprocessor macro for sources", collect, [])
    .option("-e, --entry <symbol>", "entry point symbol (default _start)");
}

/**
 * `run`: the guest's status passes through, so entrylab's own trouble (bad sources, an image it
 * cannot load, a file it cannot read or write) ends with EXIT_TROUBLE (2), which no guest status
 * is, rather than the shared helpers' 1 and 3, which a guest's exit 0 and exit 1 are.
 */
function runCommand(files: string[], opts: RunOptions): void {
  const { machine, image, trace } = remapExit(RUN_TROUBLE, EXIT_TROUBLE, () => prepare(files, opts)); // prettier-ignore
  const result = remapExit(RUN_TROUBLE, EXIT_TROUBLE, () => machine.run());
  remapExit(RUN_TROUBLE, EXIT_TROUBLE, () => {
    trace?.close(); // complete, ending with the run-end record, whatever the ending
    writeOutputs(opts, machine, result);
  });
  if (result.reason !== "exit" && result.reason !== "halt") report(result, image);
  throw new ExitError(result.reason === "exit" ? result.exitStatus! : RUN_EXIT[result.reason]);
}

/** Build the image, open the trace and load the machine. */
function prepare(files: string[], opts: RunOptions) {
  const maxInsns =
    opts.maxInsns === undefined ? undefined : parseCount(opts.maxInsns, "--max-insns");
  const image = buildImage(files, {
    include: opts.include,
    defines: opts.define.map(parseDefine),
    entry: opts.entry,
  });
  const trace = openTrace(opts, image);
  const machine = newMachine({ ...machineOptions(opts), maxInsns, events: trace?.recorder });
  const problems = machine.loadFlat64(image);
  if (problems.length > 0) {
    trace?.close();
    for (const p of problems) process.stderr.write(`entrylab: error[${p.code}]: ${p.message}\n`);
    throw new ExitError(EXIT_INPUT_ERROR);
  }
  return { machine, image, trace };
}

/** --state-out and --pt-out, after the run. */
function writeOutputs(opts: RunOptions, machine: Machine, result: RunResult): void {
  if (opts.stateOut) {
    const state = {
      end: result.reason,
      exitStatus: result.exitStatus,
      ...result.cpu,
      faultChain: result.faultChain,
      paging: savePaging(machine),
    };
    const error = writeOutput(opts.stateOut, JSON.stringify(state, null, 2) + "\n");
    if (error) ioError("E0003", error);
  }
  if (opts.ptOut) {
    const text = machine.cpus.map((c, i) => formatPageTables(machine.mem, c, i === 0)).join("\n");
    const error = writeOutput(opts.ptOut, text);
    if (error) ioError("E0003", error);
  }
}

/** Guest memory is whole 4 KiB pages (the paging unit's granule; PhysMem's typed-array views). */
const MEM_GRANULE = 4096;

/** --mem: a size that is a whole number of pages and no more than the VM can address. */
function parseMemSize(text: string): number {
  const size = parseSize(text, "--mem");
  if (size % MEM_GRANULE !== 0)
    usageError(`--mem: '${text}' is not a multiple of 4K (guest memory is whole 4 KiB pages)`);
  if (size > MAX_MEM_SIZE)
    usageError(
      `--mem: '${text}' is more than the VM can address (at most ${MAX_MEM_SIZE / 1024}K)`,
    );
  return size;
}

/** The machine, or a clear error when the host cannot allocate the guest memory. */
function newMachine(opts: MachineOptions): Machine {
  const memSize = opts.memSize;
  try {
    return createMachine({ ...opts, output: (bytes) => process.stdout.write(bytes) });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    process.stderr.write(
      `entrylab: error[E7006]: cannot allocate ${memSize ?? DEFAULT_MEM_SIZE} bytes of guest memory on this host (try a smaller --mem)\n`,
    );
    throw new ExitError(EXIT_USAGE);
  }
}

/** The machine options of `run`, as commander gives them. */
export interface MachineFlags {
  mem?: string;
  cpus?: string;
  quantum?: string;
  tlb?: string;
  tlbSets?: string;
  tlbWays?: string;
  vendor?: string;
  features?: string;
  inject?: string[];
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value))
    usageError(`${option}: '${value}' is not one of ${allowed.join(", ")}`);
  return value as T;
}

function powerOfTwoCount(text: string, option: string): number {
  const n = parseCount(text, option);
  if ((n & (n - 1)) !== 0 || n > 1 << 16)
    usageError(`${option}: '${text}' is not a power of two up to 65536`);
  return n;
}

const INJECT = /^(?:(nmi)|irq:(0x[0-9a-f]+|\d+))@(\d+):(\d+)$/i;

/** `nmi@CPU:ICOUNT` or `irq:VECTOR@CPU:ICOUNT` (VECTOR 16–255). */
export function parseInjection(spec: string, cpus: number): Injection {
  const m = INJECT.exec(spec);
  if (!m) usageError(`--inject: '${spec}' is not nmi@CPU:ICOUNT or irq:VECTOR@CPU:ICOUNT`);
  const cpu = Number(m[3]);
  if (cpu >= cpus) usageError(`--inject: '${spec}': CPU ${cpu} does not exist (--cpus ${cpus})`);
  const at = Number(m[4]);
  if (m[1] !== undefined) return { kind: "nmi", cpu, at };
  const vector = Number(m[2]);
  if (vector < 16 || vector > 255) usageError(`--inject: '${spec}': vector must be 16-255`);
  return { kind: "irq", vector, cpu, at };
}

/** Validate the machine flags; a bad value is a usage error (status 2, E0001). */
export function machineOptions(opts: MachineFlags): MachineOptions {
  const out: MachineOptions = {};
  if (opts.mem !== undefined) out.memSize = parseMemSize(opts.mem);
  const cpus = opts.cpus === undefined ? 1 : parseCount(opts.cpus, "--cpus");
  if (cpus < 1 || cpus > MAX_CPUS) usageError(`--cpus: '${opts.cpus}' is not 1-${MAX_CPUS}`);
  out.cpus = cpus;
  if (opts.quantum !== undefined) out.quantum = parseCount(opts.quantum, "--quantum");
  if (opts.tlb !== undefined) out.tlb = oneOf<TlbPolicy>(opts.tlb, TLB_POLICIES, "--tlb");
  if (opts.tlbSets !== undefined) out.tlbSets = powerOfTwoCount(opts.tlbSets, "--tlb-sets");
  if (opts.tlbWays !== undefined) out.tlbWays = parseCount(opts.tlbWays, "--tlb-ways");
  if ((opts.tlbSets !== undefined || opts.tlbWays !== undefined) && out.tlb !== "finite")
    usageError("--tlb-sets/--tlb-ways need --tlb finite");
  if (opts.vendor !== undefined) out.vendor = oneOf<Vendor>(opts.vendor, VENDORS, "--vendor");
  if (opts.features !== undefined) {
    const f = parseFeatures(opts.features);
    if (typeof f === "string") usageError(`--features: ${f}`);
    out.features = f;
  }
  out.inject = (opts.inject ?? []).map((s) => parseInjection(s, cpus));
  return out;
}

/** The short report of a guest failure: what happened, where, and the registers. */
function report(result: RunResult, image: ObjectFile): void {
  const sym = new Symbolizer(image);
  const where = (hex: string): string =>
    sym.describe(BigInt.asUintN(64, BigInt(hex.startsWith("0x") ? hex : `0x${hex}`)));
  const lines: string[] = [];
  const what = {
    limit: `instruction limit reached`,
    "triple-fault": "triple fault (shutdown)",
    deadlock: "deadlock: halted with interrupts enabled and nothing to wake the CPU",
  }[result.reason as "limit" | "triple-fault" | "deadlock"];
  lines.push(`entrylab: run ended: ${what} after ${result.insns} instructions`);
  lines.push(`  rip ${where(result.cpu.rip)}`);
  for (const f of result.faultChain ?? []) {
    const err = f.errorCode === undefined ? "" : ` error 0x${f.errorCode.toString(16)}`;
    lines.push(
      `  fault ${f.name}${err} at ${where(f.rip)}  rsp=0x${f.rsp} cr2=0x${f.cr2} cr3=0x${f.cr3}`,
    );
  }
  const regs = Object.entries(result.cpu.regs).map(([n, v]) => `${n.padStart(3)}=${v}`);
  for (let i = 0; i < regs.length; i += 4) lines.push(`  ${regs.slice(i, i + 4).join(" ")}`);
  lines.push(`  rflags=${result.cpu.rflags} cpl=${result.cpu.cpl} cr3=${result.cpu.cr3}`);
  process.stderr.write(lines.join("\n") + "\n");
}
