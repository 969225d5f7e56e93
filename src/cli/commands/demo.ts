// `entrylab demo` (what `npm start` runs): a short guided tour. Until the model kernel exists it
// assembles the baseline entry stub with PTI and shows where CR3 is switched, runs a bare-metal
// program on the flat64 machine, and shows how the machine reports a guest failure.
import type { Command } from "commander";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../diag/index.js";
import { assemble } from "../../asm/index.js";
import { link } from "../../link/index.js";
import { createMachine } from "../../vm/index.js";
import { disassembleObject, Symbolizer } from "../../trace/index.js";
import type { ObjectFile } from "../../obj/index.js";
import { nodeHost } from "../node-host.js";
import { EXIT_INTERNAL, ExitError } from "../exit.js";

const ROOT = join(fileURLToPath(import.meta.url), "../..");
const ENTRY_DEFINES = ["__ASSEMBLY__", "CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION"];

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("a short guided tour: the entry stub, a run on the machine, a fault report")
    .action(() => demo());
}

function say(text = ""): void {
  process.stdout.write(text + "\n");
}

function demo(): void {
  say("entrylab — kernel entry code, executable and traceable. A short tour.\n");
  showEntryStub();
  runHello();
  runFault();
  say("== Next ==");
  say("  entrylab as --help, entrylab objdump --help, entrylab run --help; docs/ has the details.");
}

function build(rel: string, defines: string[] = []): ObjectFile {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const file = join(ROOT, rel);
  const r = assemble(file, {
    host: nodeHost,
    sources,
    diags,
    includePaths: [join(ROOT, "src/kernel-rt/include")],
    defines: defines.map((name) => ({ name })),
  });
  if (!r.object) {
    process.stderr.write(renderDiagnostics(diags.items, sources));
    throw new ExitError(EXIT_INTERNAL);
  }
  return r.object;
}

function showEntryStub(): void {
  say("== 1. The baseline entry stub, with page-table isolation ==");
  say(`$ entrylab as -I src/kernel-rt/include ${ENTRY_DEFINES.map((d) => `-D${d}`).join(" ")} \\`);
  say("      programs/entry/entry_64.S -o entry_64.o && entrylab objdump entry_64.o\n");
  const listing = disassembleObject(build("programs/entry/entry_64.S", ENTRY_DEFINES), {
    readSource: (f) => nodeHost.readFile(f),
  });
  const lines = listing.split("\n");
  const start = lines.findIndex((l) => l.includes("<entry_SYSCALL_64>:"));
  for (const l of lines.slice(start, start + 36)) say(`  ${l.replaceAll(ROOT + "/", "")}`);
  say("  ...");
  say("\n  SWITCH_TO_KERNEL_CR3 is the `mov %cr3` / `and` / `mov ..., %cr3` sequence above: the");
  say("  CR3 switch happens in assembly, in the first instructions, as in Linux v5.10.\n");
}

function runImage(rel: string): void {
  const diags = new DiagnosticBag();
  const image = link([build(rel)], { diags });
  if (!image) throw new ExitError(EXIT_INTERNAL);
  let uart = "";
  const decoder = new TextDecoder("latin1");
  const machine = createMachine({ output: (b) => (uart += decoder.decode(b)) });
  machine.loadFlat64(image);
  const result = machine.run();
  for (const line of uart.split("\n").filter((l) => l !== "")) say(`  ${line}`);
  if (result.reason === "exit")
    say(
      `  (the guest exited with status ${result.exitStatus} after ${result.insns} instructions)\n`,
    );
  else {
    const sym = new Symbolizer(image);
    say(`  run ended: ${result.reason} after ${result.insns} instructions`);
    for (const f of result.faultChain ?? [])
      say(
        `    ${f.name.padEnd(4)} at ${sym.describe(BigInt(`0x${f.rip}`)).replace(ROOT + "/", "")}`,
      );
    say();
  }
}

function runHello(): void {
  say("== 2. A bare-metal program on the flat64 machine ==");
  say("$ entrylab run programs/bare/hello.S\n");
  runImage("programs/bare/hello.S");
}

function runFault(): void {
  say("== 3. A guest failure, as the machine reports it ==");
  say("$ entrylab run programs/bare/no-idt.S     # ud2 with no IDT loaded\n");
  runImage("programs/bare/no-idt.S");
  say("  #UD cannot be delivered (IDTR limit 0) → #GP → #DF → #GP: a triple fault (SDM 6.15).\n");
}
