// The baseline entry code (programs/entry/entry_64.S) traced: linked with a minimal kernel
// (entry-harness.S), its X86_FEATURE_PTI alternatives patched in, a user getpid round trip must
// show SYSCALL → CR3 write to the kernel half → the task stack → … → CR3 write back to the user
// half → SYSRET, in that order, at the insn level (and the same CR3 writes at the system level).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assembleText } from "../../../src/asm/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { link } from "../../../src/link/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";
import { createMachine } from "../../../src/vm/index.js";
import type { EventLevel } from "../../../src/vm/index.js";
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { symbolValue } from "./helpers.js";
import { fileHost } from "../../support/host.js";

const INCLUDE = "src/kernel-rt/include";
const DEFINES = ["__ASSEMBLY__", "CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION"];
/** cpufeatures.h: X86_FEATURE_PTI = 7*32+11; struct alt_instr (alternative.h): 13 bytes. */
const X86_FEATURE_PTI = 7 * 32 + 11;
const ALT_INSTR_SIZE = 13;
const ALT_PAD_BYTE = 0x90;
const PTI_USER = 0x1000n;

const host = fileHost;

function build(): ObjectFile {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const objects = [
    ["programs/entry/entry_64.S", [INCLUDE, "programs/entry"]],
    ["test/unit/trace/entry-harness.S", ["test/system"]],
  ].map(([path, includePaths]) => {
    const r = assembleText(path as string, readFileSync(path as string, "latin1"), {
      host,
      sources,
      diags,
      includePaths: includePaths as string[],
      defines: DEFINES.map((name) => ({ name })),
    });
    return r.object!;
  });
  const image = diags.hasErrors ? undefined : link(objects, { diags });
  if (!image || diags.hasErrors) throw new Error(diags.items.map((d) => d.message).join("\n"));
  return image;
}

/** apply_alternatives for one feature: copy each replacement over its site, pad with NOPs. */
function patchAlternatives(
  image: ObjectFile,
  mem: { write8(pa: number, v: number): void },
  feature: number,
): number {
  // prettier-ignore
  const sec = image.sections.find((s) => s.name === ".altinstructions");
  if (!sec) return 0;
  const data = sec.data;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const replSec = image.sections.find((s) => s.name === ".altinstr_replacement");
  let patched = 0;
  for (let off = 0; off + ALT_INSTR_SIZE <= data.length; off += ALT_INSTR_SIZE) {
    if (dv.getUint16(off + 8, true) !== feature) continue;
    const rec = Number(sec.addr) + off;
    const site = rec + dv.getInt32(off, true);
    const repl = rec + 4 + dv.getInt32(off + 4, true);
    const [instrlen, repllen] = [dv.getUint8(off + 10), dv.getUint8(off + 11)];
    for (let i = 0; i < instrlen; i++) {
      const byte = i < repllen ? replSec!.data[repl - Number(replSec!.addr) + i]! : ALT_PAD_BYTE;
      mem.write8(site + i, byte); // flat64: physical = virtual
    }
    patched++;
  }
  return patched;
}

function trace(level: EventLevel): { records: TraceRecord[]; image: ObjectFile; output: string; reason: string } {
  const image = build();
  const rec = new TraceRecorder({ image, level });
  let output = "";
  const m = createMachine({ maxInsns: 1_000_000, events: rec, output: (b) => (output += new TextDecoder().decode(b)) }); // prettier-ignore
  expect(m.loadFlat64(image)).toEqual([]);
  expect(patchAlternatives(image, m.mem, X86_FEATURE_PTI)).toBeGreaterThan(0);
  const r = m.run();
  return { records: rec.records, image, output, reason: r.reason };
} // prettier-ignore

describe("entry_64.S traced", () => {
  it("runs the getpid round trip and exits", () => {
    const t = trace("system");
    expect(t.output).toBe("done\n");
    expect(t.reason).toBe("exit");
  });

  it("shows SYSCALL → kernel CR3 → task stack → … → user CR3 → SYSRET at the insn level", () => {
    const { records, image } = trace("insn");
    const pgd = symbolValue(image, "pgd");
    const start = records.findIndex((r) => r.kind === "syscall");
    const end = records.findIndex((r) => r.kind === "sysret");
    expect(start).toBeGreaterThan(0);
    const seq = records.slice(start, end + 1).flatMap((r): string[] => {
      if (r.kind === "syscall" || r.kind === "sysret" || r.kind === "swapgs") return [r.kind];
      if (r.kind === "cr" && r.reg === "cr3") return [`cr3:${(r.new & PTI_USER) !== 0n ? "user" : "kernel"}:${r.new === pgd || r.new === pgd + PTI_USER}`]; // prettier-ignore
      if (r.kind === "stack" && (r.to === "task_stack" || r.to === "cpu_entry_stack")) return [`stack:${r.to}`]; // prettier-ignore
      return [];
    });
    expect(seq).toEqual([
      "syscall",
      "swapgs",
      "cr3:kernel:true",
      "stack:task_stack",
      "stack:cpu_entry_stack", // the exit copies the last values to the trampoline stack
      "cr3:user:true",
      "swapgs",
      "sysret",
    ]);
    const sc = records[start]!;
    const swapgs = records.find((r) => r.kind === "swapgs" && r.icount > sc.icount)!;
    expect(swapgs.rip).toBe(symbolValue(image, "entry_SYSCALL_64"));
    expect(swapgs.sym).toBeDefined(); // the Symbolizer's pick among the symbols at that address
    expect(records.find((r) => r.kind === "cr" && r.icount > sc.icount)?.line).toMatch(
      /^src\/kernel-rt\/include\/calling\.h:\d+$/,
    ); // inside SWITCH_TO_KERNEL_CR3 // prettier-ignore
  });
});
