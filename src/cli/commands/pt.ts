// `entrylab pt`: page tables as a ptdump-like map of mapped ranges with their effective rights,
// and (after --run) every CPU's TLB by PCID. Without --run it reads the tables the loaded image
// holds (flat64: segments at their physical addresses plus the boot identity map) from CR3
// (--cr3, default flat64's PML4); with --run it runs the image first and reads the final CR3 of
// CPU 0 (or --cr3). `entrylab run --pt-out FILE` writes the same report at the end of a run.
import type { Command } from "commander";
import {
  createMachine,
  FLAT64_PML4,
  formatRanges,
  formatTlb,
  mappedRanges,
} from "../../vm/index.js";
import type { Cpu, PhysMem } from "../../vm/index.js";
import { buildImage } from "../build.js";
import { collect, parseCount } from "../options.js";
import { ioError, usageError } from "../report.js";
import { nodeHost } from "../node-host.js";
import { pagingReport } from "../state-file.js";
import { machineOptions, type MachineFlags } from "./run.js";
import { EXIT_INPUT_ERROR, ExitError } from "../exit.js";

const CR3_ADDR_MASK = 0xfff;

/** The tables under `cr3` and, when `tlb`, the CPU's TLB contents. */
export function formatPageTables(mem: PhysMem, c: Cpu, tables: boolean, cr3 = c.cr3): string {
  const lines: string[] = [];
  if (tables) {
    const pml4 = cr3 - (cr3 % (CR3_ADDR_MASK + 1));
    lines.push(`page tables at CR3 0x${cr3.toString(16)} (PML4 0x${pml4.toString(16)}):`);
    lines.push(...formatRanges(mappedRanges(mem, pml4, c.controls.maxPhysAddr)));
  }
  const t = c.tlb;
  lines.push(`CPU ${c.id} TLB (${t.policy}): ${t.hits} hits, ${t.misses} misses, ${t.fills} fills`);
  lines.push(`  flushes: ${Object.entries(t.flushes).map(([k, v]) => `${k} ${v}`).join(", ")}; ${t.invalidated} entries invalidated`); // prettier-ignore
  lines.push(...formatTlb(t.entries()).map((l) => `  ${l}`));
  return lines.join("\n") + "\n";
}

interface PtOptions extends MachineFlags {
  cr3?: string;
  run?: boolean;
  maxInsns?: string;
  include: string[];
}

export function registerPt(program: Command): void {
  program
    .command("pt")
    .description("show page tables as mapped ranges with effective rights, and the TLB by PCID")
    .argument("<files...>", "an image, sources and objects to build one from, or a state.json")
    .option(
      "--cr3 <value>",
      "the CR3 to read (default: flat64's PML4, or the final CR3 with --run)",
    )
    .option("--run", "run the image first; also show every CPU's TLB")
    .option("--max-insns <n>", "with --run: stop after this many instructions")
    .option("--cpus <n>", "with --run: number of CPUs")
    .option("--tlb <policy>", "with --run: TLB policy")
    .option("-I, --include <dir>", "include directory for sources", collect, [])
    .action((files: string[], opts: PtOptions) => ptCommand(files, opts));
}

function ptCommand(files: string[], opts: PtOptions): void {
  const cr3 = opts.cr3 === undefined ? undefined : parseCr3(opts.cr3);
  if (files.length === 1 && files[0]!.endsWith(".json")) return ptFromState(files[0]!, cr3);
  const image = buildImage(files, { include: opts.include, defines: [] });
  const maxInsns =
    opts.maxInsns === undefined ? 10_000_000 : parseCount(opts.maxInsns, "--max-insns");
  const machine = createMachine({ ...machineOptions(opts), maxInsns });
  const problems = machine.loadFlat64(image);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`entrylab: error[${p.code}]: ${p.message}\n`);
    throw new ExitError(EXIT_INPUT_ERROR);
  }
  if (!opts.run) {
    const at = cr3 ?? FLAT64_PML4;
    const text = formatPageTables(machine.mem, machine.cpu, true, at).split("\n");
    process.stdout.write(
      text
        .slice(
          0,
          text.findIndex((l) => l.startsWith("CPU ")),
        )
        .join("\n") + "\n",
    );
    return;
  }
  const result = machine.run();
  process.stdout.write(`run ended: ${result.reason} after ${result.insns} instructions\n`);
  machine.cpus.forEach((c, i) =>
    process.stdout.write(formatPageTables(machine.mem, c, i === 0, cr3 ?? c.cr3)),
  );
}

/** `entrylab pt state.json`: the tables and TLBs saved by `entrylab run --state-out`. */
function ptFromState(file: string, cr3: number | undefined): void {
  const text = nodeHost.readFile(file);
  if (text === undefined) ioError("E0002", `cannot read '${file}'`);
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    state = undefined;
  }
  const report = state === undefined ? { error: "not a JSON state file" } : pagingReport(state, cr3); // prettier-ignore
  if (typeof report !== "string") {
    process.stderr.write(`entrylab: error[E0004]: ${file}: ${report.error}\n`);
    throw new ExitError(EXIT_INPUT_ERROR);
  }
  process.stdout.write(report);
}

function parseCr3(text: string): number {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) usageError(`--cr3: '${text}' is not a number`);
  const v = Number(BigInt(t) & 0x7fffffffffffffffn); // bit 63 (no-flush) is not part of CR3
  if (!Number.isSafeInteger(v)) usageError(`--cr3: '${text}' is out of range`);
  return v;
}
