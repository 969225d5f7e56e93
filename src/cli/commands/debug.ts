// `entrylab debug [run options] FILES...` and `entrylab kernel debug [kernel run options]`: build
// and load the machine as `run` / `kernel run` do, then drive it with the debugger (src/debug).
// Commands come from `-x FILE` and `--ex CMD` (then the session ends), else from standard input:
// on a terminal an interactive `(entrylab) ` prompt, otherwise each command is echoed after the
// prompt so the output reads as a session transcript. Exit status: 0 when the commands ran,
// whatever the guest did; 2 for usage errors and trouble (a missing file, a bad build).
import { isAbsolute, join } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { Debugger, DebugEvents, type DebugTarget } from "../../debug/index.js";
import { createMachine } from "../../vm/index.js";
import { buildImage } from "../build.js";
import { nodeHost } from "../node-host.js";
import { collect, parseCount, parseDefine } from "../options.js";
import { ioError } from "../report.js";
import { EXIT_INPUT_ERROR, EXIT_IO, EXIT_TROUBLE, ExitError, remapExit } from "../exit.js"; // prettier-ignore
import { machineOptions, withBuildOptions, withMachineOptions, type MachineFlags } from "./run.js";
import { prepare, ROOT, type KernelRunOptions } from "./kernel.js";

export const PROMPT = "(entrylab) ";
const QUIT = ["quit", "q"];
const TROUBLE = [EXIT_INPUT_ERROR, EXIT_IO];

/** Where the commands come from. */
export interface DebugInput {
  command?: string;
  ex: string[];
}

interface DebugRunOptions extends MachineFlags, DebugInput {
  maxInsns?: string;
  include: string[];
  define: string[];
  entry?: string;
}

export function registerDebug(program: Command): void {
  const debug = program
    .command("debug")
    .description(
      "step through an image (or .S/.s/.o files) on the VM in the debugger (docs/debugger.md)",
    ) // prettier-ignore
    .argument("<files...>", "an image, or sources and objects to build one from")
    .option("-x, --command <file>", "read debugger commands from a file")
    .option("--ex <cmd>", "run a debugger command (repeatable)", collect, [])
    .option("--max-insns <n>", "stop after this many instructions");
  withBuildOptions(withMachineOptions(debug)).action((files: string[], opts: DebugRunOptions) =>
    debugCommand(files, opts),
  );
}

/** Source text for `disas`: a path as the line table has it, else under the package root. */
function readSource(file: string): string | undefined {
  return nodeHost.readFile(file) ?? (isAbsolute(file) ? undefined : nodeHost.readFile(join(ROOT, file))); // prettier-ignore
}

async function debugCommand(files: string[], opts: DebugRunOptions): Promise<void> {
  const commands = remapExit(TROUBLE, EXIT_TROUBLE, () => scripted(opts));
  const target = remapExit(TROUBLE, EXIT_TROUBLE, () => {
    const maxInsns = opts.maxInsns === undefined ? undefined : parseCount(opts.maxInsns, "--max-insns"); // prettier-ignore
    const image = buildImage(files, { include: opts.include, defines: opts.define.map(parseDefine), entry: opts.entry }); // prettier-ignore
    const events = new DebugEvents();
    const machine = createMachine({ ...machineOptions(opts), maxInsns, events, output: (b) => process.stdout.write(b) }); // prettier-ignore
    const problems = machine.loadFlat64(image);
    if (problems.length > 0) {
      for (const p of problems) process.stderr.write(`entrylab: error[${p.code}]: ${p.message}\n`);
      throw new ExitError(EXIT_TROUBLE);
    }
    return { machine, events, images: [image], readSource } satisfies DebugTarget;
  });
  await session(new Debugger(target), commands);
}

/** `kernel debug`: the boot of `kernel run`, with the debugger's sink on the machine. */
export async function kernelDebugCommand(opts: KernelRunOptions & DebugInput): Promise<void> {
  const commands = remapExit(TROUBLE, EXIT_TROUBLE, () => scripted(opts));
  const events = new DebugEvents();
  const { booted, image, users } = remapExit(TROUBLE, EXIT_TROUBLE, () => prepare(opts, events));
  const pti = booted.flags.pti;
  const target: DebugTarget = {
    machine: booted.machine,
    events,
    images: [image, ...users.map((u) => u.image)],
    regions: booted.regions,
    pgdPairs: pti ? [{ kernel: booted.swapper.kernel, owner: "swapper" }, ...booted.tasks.map((t) => ({ kernel: t.pgd, owner: `pid ${t.pid}` }))] : undefined, // prettier-ignore
    perCpu: booted.cpus.map((c) => c.percpu),
    tasks: booted.tasks.map((t) => ({ pid: t.pid, name: t.name, pgd: t.pgd })),
    readSource,
  };
  await session(new Debugger(target), commands);
}

/** The commands of `-x FILE` and `--ex`, in that order, or undefined for standard input. */
function scripted(opts: DebugInput): string[] | undefined {
  const out: string[] = [];
  if (opts.command !== undefined) {
    const text = nodeHost.readFile(opts.command);
    if (text === undefined) ioError("E0002", `cannot read '${opts.command}'`);
    out.push(...text.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#")));
  }
  out.push(...opts.ex);
  return out.length > 0 || opts.command !== undefined ? out : undefined;
}

/** Run the commands (scripted, piped or typed) through the debugger. */
async function session(d: Debugger, commands: string[] | undefined): Promise<void> {
  /** Run one line; false for `quit`, which ends the session. */
  const run = (line: string, echo: boolean): boolean => {
    if (echo) process.stdout.write(`${PROMPT}${line}\n`);
    if (QUIT.includes(line.trim())) return false;
    const out = d.execute(line);
    if (out !== "") process.stdout.write(`${out}\n`);
    return true;
  };
  if (commands !== undefined) {
    for (const line of commands) if (!run(line, true)) break;
    return;
  }
  const tty = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, prompt: PROMPT, terminal: tty }); // prettier-ignore
  if (tty) rl.prompt();
  for await (const line of rl) {
    if (!run(line, !tty)) break;
    if (tty) rl.prompt();
  }
  rl.close();
}
