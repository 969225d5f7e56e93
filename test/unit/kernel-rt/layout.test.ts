// The layout header is generated from layout.ts and reads the same in assembly; the TS feature
// numbers agree with include/asm/cpufeatures.h; the kernel links as the layout says.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assembleText } from "../../../src/asm/index.js";
import { DiagnosticBag, SourceManager, memoryHost } from "../../../src/diag/index.js";
import {
  CPU_ENTRY_AREA_BASE,
  PAGE_OFFSET,
  START_KERNEL,
  START_KERNEL_MAP,
  USER_STACK_TOP,
  X86_FEATURE,
  layoutDefines,
  layoutHeader,
} from "../../../src/kernel-rt/index.js";
import { theKernel } from "./helpers.js";

const sym = (name: string): bigint => theKernel().image.symbols.find((s) => s.name === name)!.value;

describe("layout header", () => {
  it("defines every layout.ts constant with its value", () => {
    const text = layoutHeader();
    const values = new Map<string, bigint>();
    for (const m of text.matchAll(/^#define\s+(\w+)\s+_AC\((0x[0-9a-f]+), UL\)/gm)) values.set(m[1]!, BigInt(m[2]!)); // prettier-ignore
    expect(values.get("__START_KERNEL_map")).toBe(START_KERNEL_MAP);
    expect(values.get("__START_KERNEL")).toBe(START_KERNEL);
    expect(values.get("__PAGE_OFFSET")).toBe(PAGE_OFFSET);
    expect(values.get("CPU_ENTRY_AREA_BASE")).toBe(CPU_ENTRY_AREA_BASE);
    expect(values.get("USER_STACK_TOP")).toBe(USER_STACK_TOP);
    for (const [name] of layoutDefines())
      expect(text).toMatch(new RegExp(`^#define ${name}\\b`, "m"));
  });

  it("reads the same in assembly as <asm/entrylab-layout.h>", () => {
    const files = {
      "gen/asm/entrylab-layout.h": layoutHeader(),
      "inc/linux/const.h": readFileSync("src/kernel-rt/include/linux/const.h", "latin1"),
    };
    const diags = new DiagnosticBag();
    const src = "#include <asm/entrylab-layout.h>\n.quad __PAGE_OFFSET, CPU_ENTRY_AREA_PER_CPU, __START_KERNEL\n"; // prettier-ignore
    const r = assembleText("t.S", src, { host: memoryHost(files), sources: new SourceManager(), diags, includePaths: ["gen", "inc"], defines: [{ name: "__ASSEMBLY__" }] }); // prettier-ignore
    expect(diags.items).toEqual([]);
    const data = r.object!.sections.find((s) => s.name === ".text")!.data;
    const dv = new DataView(data.buffer, data.byteOffset);
    expect([0, 8, 16].map((o) => dv.getBigUint64(o, true))).toEqual([PAGE_OFFSET, CPU_ENTRY_AREA_BASE + 0x1000n, START_KERNEL]); // prettier-ignore
  });

  it("gives X86_FEATURE numbers that match cpufeatures.h", () => {
    const h = readFileSync("src/kernel-rt/include/asm/cpufeatures.h", "latin1");
    for (const [name, value] of Object.entries(X86_FEATURE)) {
      const m = new RegExp(
        `#define X86_FEATURE_${name}\\s+\\(\\s*(\\d+)\\*32\\+\\s*(\\d+)\\)`,
      ).exec(h);
      expect(m, name).not.toBeNull();
      expect(Number(m![1]) * 32 + Number(m![2]), name).toBe(value);
    }
  });
});

describe("kernel image", () => {
  it("links text at __START_KERNEL, .entry.text on its own pages and per-CPU data at 0", () => {
    expect(sym("_text")).toBe(START_KERNEL);
    expect(sym("__entry_text_start") % 0x1000n).toBe(0n);
    expect(sym("__entry_text_end") % 0x1000n).toBe(0n);
    expect(sym("entry_SYSCALL_64") >= sym("__entry_text_start")).toBe(true);
    expect(sym("entry_SYSCALL_64") < sym("__entry_text_end")).toBe(true);
    // Per-CPU symbols are offsets; cpu_tss_rw has its page to itself (PTI maps exactly that page).
    const tss = sym("cpu_tss_rw");
    expect(tss % 0x1000n).toBe(0n);
    expect(sym("current_task") < 0x10000n).toBe(true);
    const percpu = theKernel().image.symbols.filter((s) => s.type === "object" && s.value < 0x10000n && s.name !== "cpu_tss_rw"); // prettier-ignore
    expect(percpu.length).toBeGreaterThan(3);
    for (const s of percpu) expect(s.value >= tss && s.value < tss + 0x1000n, s.name).toBe(false);
  });

  it("generates asm-offsets from the C structures", () => {
    const k = theKernel();
    expect(k.offsets.get("PTREGS_SIZE")).toBe(168);
    expect(k.offsets.get("TSS_sp1")).toBe(12);
    expect(k.offsets.get("TLB_STATE_user_pcid_flush_mask")).toBe(22);
    expect(k.asmOffsetsHeader).toMatch(/^#define TASK_threadsp 16 /m);
  });
});
