// `entrylab run`: build (if given sources) and run an image on the flat64 machine. UART output
// goes to stdout; the exit status is the guest's isa-debug-exit status or one of RUN_EXIT below.
import type { Command } from "commander";
import { createMachine, type RunResult } from "../../vm/index.js";
import { Symbolizer } from "../../trace/index.js";
import type { ObjectFile } from "../../obj/index.js";
import { buildImage } from "../build.js";
import { collect, parseDefine, parseSize, parseCount } from "../options.js";
import { writeOutput } from "../node-host.js";
import { ioError } from "../report.js";
import { EXIT_INPUT_ERROR, ExitError } from "../exit.js";

/**
 * How a run ends when the guest does not exit through isa-debug-exit (whose statuses, (v<<1)|1,
 * are odd): even numbers, so the two never collide. Documented in docs/machine.md.
 */
export const RUN_EXIT = { halt: 0, limit: 4, "triple-fault": 6, deadlock: 8 } as const;

interface RunOptions {
  maxInsns?: string;
  stateOut?: string;
  mem?: string;
  include: string[];
  define: string[];
  entry?: string;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run an image (or .S/.s/.o files, assembled and linked for flat64) on the VM")
    .argument("<files...>", "an image, or sources and objects to build one from")
    .option("--max-insns <n>", "stop after this many instructions")
    .option("--state-out <file>", "write the final architectural state as JSON")
    .option("--mem <size>", "guest physical memory, e.g. 64M, 1G (default 64M)")
    .option("-I, --include <dir>", "include directory for sources", collect, [])
    .option("-D, --define <name[=value]>", "preprocessor macro for sources", collect, [])
    .option("-e, --entry <symbol>", "entry point symbol (default _start)")
    .action((files: string[], opts: RunOptions) => runCommand(files, opts));
}

function runCommand(files: string[], opts: RunOptions): void {
  const maxInsns =
    opts.maxInsns === undefined ? undefined : parseCount(opts.maxInsns, "--max-insns");
  const memSize = opts.mem === undefined ? undefined : parseSize(opts.mem, "--mem");
  const image = buildImage(files, {
    include: opts.include,
    defines: opts.define.map(parseDefine),
    entry: opts.entry,
  });
  const machine = createMachine({
    memSize,
    maxInsns,
    output: (bytes) => process.stdout.write(bytes),
  });
  const problems = machine.loadFlat64(image);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`entrylab: error[${p.code}]: ${p.message}\n`);
    throw new ExitError(EXIT_INPUT_ERROR);
  }
  const result = machine.run();
  if (opts.stateOut) {
    const state = {
      end: result.reason,
      exitStatus: result.exitStatus,
      ...result.cpu,
      faultChain: result.faultChain,
    };
    const error = writeOutput(opts.stateOut, JSON.stringify(state, null, 2) + "\n");
    if (error) ioError("E0003", error);
  }
  if (result.reason !== "exit" && result.reason !== "halt") report(result, image);
  throw new ExitError(result.reason === "exit" ? result.exitStatus! : RUN_EXIT[result.reason]);
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
