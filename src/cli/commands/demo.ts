// `entrylab demo` (what `npm start` runs): the mission's headline in a few seconds. Two scenarios
// (programs/scenarios) run the same getpid workload on the model kernel — the baseline
// entry_SYSCALL_64, which switches CR3 in assembly, and patch 1, which switches it in C on the
// per-CPU entry stack — each run once, booted once, with an instruction-level trace in a
// temporary directory; then `trace stats` of each, `trace diff --level system` of the two (where
// the CR3 writes moved, how many more instructions run on the user page table: at the insn level
// the diff would stop at the ALTERNATIVE padding) and `trace check` of both against their images.
// Then a second act: the futex ping-pong under patches 1 and 2 (the agreed first step), the
// wrong-on-purpose patch 4 (which oopses, and whose trace check names the overwritten frame) and
// patch 3's per-task PTI stack. Every step
// prints the command that does the same thing by hand.
import type { Command } from "commander";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../diag/index.js";
import { writeObject, type ObjectFile } from "../../obj/index.js";
import {
  bootKernel,
  buildKernel,
  buildUserProgram,
  PAGE_SIZE,
  type BootedKernel,
  type Scenario,
  type UserProgram,
} from "../../kernel-rt/index.js";
import { mappedRanges } from "../../vm/index.js";
import {
  TraceRecorder,
  checkTrace,
  diffTraces,
  formatCheck,
  formatDiff,
  formatRecord,
  formatStats,
  traceStats,
  type TraceRecord,
} from "../../trace/index.js";
import { nodeHost } from "../node-host.js";
import { EXIT_INTERNAL, ExitError } from "../exit.js";
import { ROOT, loadScenario, readPatches } from "./kernel.js";
import { machineOptions } from "./run.js";

const SCENARIOS = ["baseline-getpid", "pti-c-getpid"] as const;
/**
 * The second act: where a system call's frame lives while it sleeps. Patches 1 and 2 move it off
 * the per-CPU entry stack before anything can sleep; patch 4 (wrong on purpose) leaves it there;
 * patch 3 gives each task a stack of its own that both page tables map.
 */
const SLEEP_SCENARIOS = ["pti-c-pingpong", "pti-wrong-sleep-pingpong", "pti-task-stack-pingpong"] as const; // prettier-ignore
/** The region name the boot builder gives CPU 0's per-CPU entry (trampoline) stack. */
const ENTRY_STACK = "entry stack of CPU 0";
/** The workload's system call, whose episodes the summary line is about (asm/unistd_64.h). */
const NR_GETPID = 39;
/**
 * The level the demo diffs at. The traces are recorded at the scenarios' (insn): at that level
 * the first divergence is the ALTERNATIVE padding NOPs patch 1 moved, not the CR3 write.
 */
const DIFF_LEVEL = "system";
const KIB = 1024;
/** Differing units `trace diff` lists in the demo before "... and N more". */
const UNIT_LINES = 2;

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the headline demo: the CR3 switch in assembly vs in C, run, diffed and checked")
    .action(() => demo());
}

function say(text = ""): void {
  process.stdout.write(text + "\n");
}

function indent(text: string): void {
  for (const line of text.trimEnd().split("\n")) say(`  ${line}`);
}

interface Ran {
  scenario: Scenario;
  /** KiB of kernel addresses the first task's user page table maps (PTI's cost in mappings). */
  userKernelKiB: number;
  trace: string;
  image: string;
  records: TraceRecord[];
  kernel: ObjectFile;
}

function demo(): void {
  say("entrylab: PTI's CR3 switch moved from assembly into C, executed and compared.\n");
  const dir = mkdtempSync(join(tmpdir(), "entrylab-demo-"));
  const runs = SCENARIOS.map((name, i) => runScenario(name, i + 1, dir));
  const [a, b] = runs as [Ran, Ran];
  say(`== ${SCENARIOS.length + 1}. Where each spends its instructions ==`);
  for (const r of runs) {
    say(`$ entrylab trace stats ${r.trace}`);
    indent(formatStats(traceStats(r.records)).split("\n").slice(0, 8).join("\n"));
    say();
  }
  say(`== ${SCENARIOS.length + 2}. The diff: the first real divergence and the per-episode summary ==`); // prettier-ignore
  say("(at the system level: the insn level would stop at the first differing instruction)");
  say(`$ entrylab trace diff --level ${DIFF_LEVEL} ${a.trace} ${b.trace}`);
  const d = diffTraces(a.records, b.records, { level: DIFF_LEVEL });
  indent(shortDiff(formatDiff(d, { a: a.scenario.name, b: b.scenario.name })));
  const row = d.summary.find((r) => r.trigger === `syscall ${NR_GETPID}`);
  const ev = d.first?.event;
  if (row && ev?.a && ev.b && row.a.episodes > 0)
    say(`\n  So: the kernel-bound CR3 write moved from ${ev.a.where} to ${ev.b.where}, and each getpid runs ${(row.b.userCr3Instructions - row.a.userCr3Instructions) / row.a.episodes} more kernel instructions on the user CR3 (${row.a.userCr3Instructions / row.a.episodes} → ${row.b.userCr3Instructions / row.b.episodes}).`); // prettier-ignore
  say();
  say(`== ${SCENARIOS.length + 3}. The invariants, against each image's entry text ==`);
  for (const r of runs) {
    say(`$ entrylab trace check ${r.trace} --image ${r.image}`);
    indent(formatCheck(checkTrace(r.records, { entryText: entryText(r.kernel) }), (x) => formatRecord(x, "text"))); // prettier-ignore
  }
  sleepAct(dir, SCENARIOS.length + 4);
  say(`\nThe files are in ${dir}. All of it on one page:\n  entrylab trace report ${a.trace} --diff ${b.trace} --level ${DIFF_LEVEL} --image ${a.image} -o report.html\nMore: entrylab kernel run --help, docs/kernel.md.`); // prettier-ignore
}

/** Act two: two tasks that sleep in the kernel, on one CPU, under three designs. */
function sleepAct(dir: string, first: number): void {
  say(`== ${first}. Sleeping in the kernel: whose stack holds the frame? ==`);
  say("Two tasks on one CPU take turns through a futex, each sleeping in the kernel while the");
  say("other runs. The per-CPU entry stack is mapped on both page tables but shared by every");
  say("entry on the CPU: a frame left there while its task sleeps is the next entry's to overwrite.\n"); // prettier-ignore
  const runs = SLEEP_SCENARIOS.map((name, i) => runScenario(name, first + 1 + i, dir));
  say(`== ${first + 4}. The checks that follow tasks and stacks ==`);
  for (const r of runs) {
    say(`$ entrylab trace check ${r.trace} --image ${r.image}`);
    const results = checkTrace(r.records, { entryText: entryText(r.kernel) });
    const failed = results.some((c) => c.status === "violated");
    // The whole report where something broke; the status lines alone where nothing did.
    const text = formatCheck(results, (x) => formatRecord(x, "text"));
    indent(failed ? text : text.split("\n\n")[0]!);
    say(`  (${entryStackMoves(r.records)} moves onto the ${ENTRY_STACK}; pid 1's user page table maps ${r.userKernelKiB} KiB of kernel addresses)\n`); // prettier-ignore
  }
  say("So: patches 1-2 pass because they leave the entry stack before anything can sleep; patch 4");
  say("sleeps there and the next task's exit path writes over the frame; patch 3's entries never"); // prettier-ignore
  say("touch the entry stack, at the price of one more page per task in the user page table.");
}

/** KiB of kernel-half addresses mapped by the first task's user PGD (the PGD pair's second page). */
function kernelMappedKiB(booted: BootedKernel): number {
  const task = booted.tasks[0];
  if (!task || !booted.flags.pti) return 0;
  // Kernel-half addresses come back sign-extended, i.e. negative.
  const ranges = mappedRanges(booted.machine.mem, task.pgd + PAGE_SIZE).filter((r) => r.start < 0);
  return ranges.reduce((kib, r) => kib + (r.end - r.start) / KIB, 0);
}

/** How often a trace's RSP moved onto CPU 0's entry stack. */
function entryStackMoves(records: readonly TraceRecord[]): number {
  return records.filter((r) => r.kind === "stack" && r.to === ENTRY_STACK).length;
}

/** `trace diff`'s report with its list of differing units cut to its first lines. */
function shortDiff(text: string): string {
  const lines = text.trimEnd().split("\n");
  const start = lines.indexOf("units that differ:");
  if (start < 0) return lines.join("\n");
  let end = start + 1;
  while (end < lines.length && lines[end]!.startsWith("  ")) end++;
  const units = lines.slice(start + 1, end);
  const kept = units.slice(0, UNIT_LINES);
  if (units.length > kept.length)
    kept.push(`  ... and ${units.length - kept.length} more like them`);
  return [...lines.slice(0, start + 1), ...kept, ...lines.slice(end)].join("\n");
}

function fail(diags: DiagnosticBag, sources: SourceManager): never {
  process.stderr.write(renderDiagnostics(diags.items, sources));
  throw new ExitError(EXIT_INTERNAL);
}

/** Build, boot and run one scenario with an insn-level trace; print its UART output. */
function runScenario(name: string, step: number, dir: string): Ran {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const scenario = loadScenario(name, sources);
  const trace = join(dir, `${name}.jsonl`);
  const image = join(dir, `${name}.vmlinux`);
  say(`== ${step}. ${scenario.description} ==`);
  say(`$ entrylab kernel run --scenario ${name} --trace ${trace} --audit-tlb`);
  const k = buildKernel({ host: nodeHost, sources, diags, root: ROOT, patches: readPatches(scenario.patches, ROOT) }); // prettier-ignore
  const users: UserProgram[] = [];
  for (const u of scenario.users) {
    const img = buildUserProgram(u, { host: nodeHost, sources, diags, root: ROOT });
    if (img) users.push({ name: img.name, image: img });
  }
  if (!k || diags.hasErrors) fail(diags, sources);
  writeFileSync(image, writeObject(k.image));
  const m = scenario.machine;
  const machine = { ...machineOptions({ cpus: m.cpus, mem: m.mem, tlb: m.tlb, quantum: m.quantum, vendor: m.vendor, features: m.features }), maxInsns: m.maxInsns === undefined ? undefined : Number(m.maxInsns) }; // prettier-ignore
  let uart = "";
  const decoder = new TextDecoder("latin1");
  const recorder = new TraceRecorder({ image: k.image, level: scenario.trace.level, auditTlb: true }); // prettier-ignore
  const output = (bytes: Uint8Array): void => void (uart += decoder.decode(bytes));
  const booted = bootKernel(k, users, scenario.config, { diags, machine: { ...machine, events: recorder, output } }); // prettier-ignore
  if (!booted) fail(diags, sources);
  // The builder places the stacks as it boots, before the first instruction: name them now.
  recorder.addRegions(booted.regions);
  const result = booted.machine.run();
  const userKernelKiB = kernelMappedKiB(booted);
  const records = recorder.records;
  writeFileSync(trace, records.map((r) => formatRecord(r, "jsonl") + "\n").join(""));
  indent(uart);
  say(`  (${result.reason}, status ${result.exitStatus ?? "-"}, ${result.insns} instructions)\n`);
  return { scenario, trace, image, records, kernel: k.image, userKernelKiB };
}

function entryText(image: ObjectFile): { start: bigint; end: bigint } | undefined {
  const at = (n: string): bigint | undefined => image.symbols.find((s) => s.name === n)?.value;
  const [start, end] = [at("__entry_text_start"), at("__entry_text_end")];
  return start === undefined || end === undefined ? undefined : { start, end };
}
