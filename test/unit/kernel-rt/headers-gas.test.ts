// The kernel-style headers (src/kernel-rt/include) and the baseline entry code
// (programs/entry/entry_64.S) must be correct GNU as input, since entrylab's assembler is
// measured against GNU as on them: every header and entry_64.S assemble without a single
// warning under each kernel configuration, the C parts of the headers compile with gcc, the
// constants hold the values the design fixes, and the entry object has the expected shape.
// Skipped, with the reason printed, when gcc/as are missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KERNEL_INCLUDE, ROOT } from "../../asm-oracle/corpus.js";
import { gasMissingReason, readElfObject } from "../../asm-oracle/gas.js";
import type { ObjectFile } from "../../../src/obj/types.js";

const ENTRY = join(ROOT, "programs/entry/entry_64.S");
const GAS_MISSING = gasMissingReason();
if (GAS_MISSING) console.warn(`kernel-rt headers: skipping GNU as checks: ${GAS_MISSING}`);

/** Kernel configurations the sources must build under, as -D options. */
const CONFIGS: Record<string, string[]> = {
  "UP, no PTI": [],
  SMP: ["CONFIG_SMP"],
  "SMP + PTI": ["CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION"],
  "SMP + PTI + DEBUG_ENTRY": ["CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION", "CONFIG_DEBUG_ENTRY"],
};

// struct alt_instr (asm/alternative.h): 13 bytes, the u16 feature number at offset 8.
const ALT_INSTR_SIZE = 13;
const ALT_INSTR_OFFSET_CPUID = 8;
// Feature numbers (asm/cpufeatures.h): word * 32 + bit.
const X86_FEATURE_PCID = 4 * 32 + 17;
const X86_FEATURE_PTI = 7 * 32 + 11;
const X86_FEATURE_SMAP = 9 * 32 + 20;
const X86_FEATURE_FSGSBASE = 9 * 32 + 0;
const X86_FEATURE_RDPID = 16 * 32 + 22;

const work = mkdtempSync(join(tmpdir(), "entrylab-kheaders-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function headers(dir = KERNEL_INCLUDE): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return headers(path);
      return name.endsWith(".h") ? [relative(KERNEL_INCLUDE, path)] : [];
    })
    .sort();
}

interface Build {
  status: number | null;
  stderr: string;
  object?: ObjectFile;
}

/** Assemble a .S file as the kernel build does. */
function assembleS(path: string, defines: string[]): Build {
  const out = join(work, `out-${Math.abs(hash(path + defines.join()))}.o`);
  const args = ["-c", "-x", "assembler-with-cpp", `-I${KERNEL_INCLUDE}`, "-D__ASSEMBLY__"];
  const r = spawnSync("gcc", [...args, ...defines.map((d) => `-D${d}`), path, "-o", out], {
    encoding: "utf8",
  });
  const build: Build = { status: r.status, stderr: r.stderr };
  if (r.status === 0) build.object = readElfObject(path, readFileSync(out));
  return build;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

function source(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const HEADERS = headers();

describe.skipIf(GAS_MISSING !== undefined)("kernel-rt headers with GNU as", () => {
  it("covers the headers entry code is written against", () => {
    for (const h of ["linux/linkage.h", "asm/percpu.h", "asm/alternative.h", "calling.h"])
      expect(HEADERS).toContain(h);
  });

  for (const [config, defines] of Object.entries(CONFIGS)) {
    it.each(HEADERS)(`%s assembles without warnings (${config})`, (header) => {
      const path = source("include-one.S", `#include <${header}>\n`);
      const build = assembleS(path, defines);
      expect(build.stderr).toBe("");
      expect(build.status).toBe(0);
    });
  }

  it.each(HEADERS)("%s compiles as C with gcc -Wall (its C side)", (header) => {
    const path = source("include-one.c", `#include <${header}>\nint entrylab_unused;\n`);
    const r = spawnSync("gcc", ["-fsyntax-only", "-Wall", `-I${KERNEL_INCLUDE}`, path], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("defines the constants the design fixes", () => {
    // Each check is a gas .error, so a wrong value fails the build and names itself.
    const checks: [string, string][] = [
      ["SIZEOF_PTREGS", "168"], ["PTREGS_SIZE", "SIZEOF_PTREGS"], ["R15", "0"],
      ["ORIG_RAX", "15*8"], ["RIP", "16*8"], ["SS", "20*8"], ["pt_regs_r11", "R11"],
      ["pt_regs_flags", "EFLAGS"], ["pt_regs_sp", "RSP"], ["pt_regs_di", "RDI"],
      ["TSS_sp0", "4"], ["TSS_sp1", "12"], ["TSS_sp2", "20"], ["TSS_ist", "36"],
      ["__KERNEL_CS", "0x10"], ["__KERNEL_DS", "0x18"], ["__USER_DS", "0x2b"],
      ["__USER_CS", "0x33"], ["__USER32_CS", "0x23"], ["PTI_USER_PGTABLE_BIT", "12"],
      ["PTI_USER_PCID_BIT", "11"], ["PTI_USER_PGTABLE_AND_PCID_MASK", "0x1800"],
      ["X86_CR3_PCID_NOFLUSH_BIT", "63"], ["X86_CR3_PCID_NOFLUSH", "0x8000000000000000"],
      ["X86_FEATURE_PTI", `${X86_FEATURE_PTI}`], ["X86_FEATURE_PCID", `${X86_FEATURE_PCID}`],
      ["MSR_LSTAR", "0xc0000082"], ["MSR_KERNEL_GS_BASE", "0xc0000102"],
      ["X86_EFLAGS_IF", "0x200"], ["X86_CR4_PCIDE", "0x20000"], ["THREAD_SIZE", "16384"],
      ["ENOSYS", "38"], ["ALT_INSTR_SIZE", `${ALT_INSTR_SIZE}`],
    ]; // prettier-ignore
    const text = [
      '#include "calling.h"',
      "#include <asm/segment.h>",
      "#include <asm/msr-index.h>",
      "#include <asm/errno.h>",
      ...checks.map(
        ([name, want]) => `.if (${name}) != (${want})\n.error "${name} is not ${want}"\n.endif`,
      ),
    ].join("\n");
    const build = assembleS(source("constants.S", `${text}\n`), CONFIGS["SMP + PTI"]!);
    expect(build.stderr).toBe("");
  });
});

describe.skipIf(GAS_MISSING !== undefined)("kernel-rt helper macros with GNU as", () => {
  it("SYM_*, DEFINE_PER_CPU_ASM, _ASM_NOKPROBE and ASM_CLAC emit what they name", () => {
    const text = [
      "#include <linux/linkage.h>",
      "#include <asm/asm.h>",
      "#include <asm/percpu.h>",
      "#include <asm/smap.h>",
      "\t.text",
      "SYM_FUNC_START(helper_fn)",
      "\tASM_CLAC",
      "\tret",
      "SYM_FUNC_END(helper_fn)",
      "_ASM_NOKPROBE(helper_fn)",
      "DEFINE_PER_CPU_ASM pcpu_obj, 104, 64",
      "\t.data",
      "SYM_DATA_LOCAL(local_word, .long 7)",
    ].join("\n");
    const build = assembleS(source("helpers.S", `${text}\n`), []);
    expect(build.stderr).toBe("");
    const obj = build.object!;
    const sec = (name: string) => obj.sections.findIndex((s) => s.name === name);
    const sym = (name: string) => obj.symbols.find((s) => s.name === name);
    expect(sym("helper_fn")).toMatchObject({
      type: "func",
      binding: "global",
      section: sec(".text"),
    });
    expect(sym("pcpu_obj")).toMatchObject({
      type: "object",
      size: 104n,
      section: sec(".data..percpu"),
    });
    expect(obj.sections[sec(".data..percpu")]).toMatchObject({ align: 64, write: true, size: 104 });
    expect(sym("local_word")).toMatchObject({ type: "object", binding: "local", size: 4n });
    // One pointer in the blacklist; one 13-byte record for the SMAP alternative.
    expect(obj.sections[sec("_kprobe_blacklist")]).toMatchObject({ size: 8, write: true });
    expect(obj.sections[sec(".altinstructions")]!.size).toBe(ALT_INSTR_SIZE);
  });
});

describe.skipIf(GAS_MISSING !== undefined)("programs/entry/entry_64.S with GNU as", () => {
  it.each(Object.entries(CONFIGS))("assembles without warnings (%s)", (_config, defines) => {
    const build = assembleS(ENTRY, defines);
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
  });

  const symbol = (obj: ObjectFile, name: string) => obj.symbols.find((s) => s.name === name);
  const section = (obj: ObjectFile, name: string) => obj.sections.find((s) => s.name === name);

  it("exports the entry points in .entry.text", () => {
    const obj = assembleS(ENTRY, CONFIGS["SMP + PTI"]!).object!;
    const text = obj.sections.findIndex((s) => s.name === ".entry.text");
    expect(obj.sections[text]!.exec).toBe(true);
    for (const name of [
      "entry_SYSCALL_64",
      "entry_SYSCALL_64_safe_stack",
      "entry_SYSCALL_64_after_hwframe",
      "swapgs_restore_regs_and_return_to_usermode",
      "restore_regs_and_return_to_kernel",
    ]) {
      expect(symbol(obj, name), name).toMatchObject({ section: text, binding: "global" });
    }
    expect(symbol(obj, "entry_SYSCALL_64")!.size).toBeGreaterThan(0n);
    expect(symbol(obj, "syscall_return_via_sysret")).toMatchObject({ binding: "local" });
    expect(symbol(obj, "do_syscall_64")).toMatchObject({ section: "undef" });
  });

  it("patches the CR3 switches through PTI and PCID alternatives only when PTI is configured", () => {
    const features = (defines: string[]) => {
      const alt = section(assembleS(ENTRY, defines).object!, ".altinstructions");
      if (!alt) return [];
      expect(alt.size % ALT_INSTR_SIZE).toBe(0);
      const view = new DataView(alt.data.buffer, alt.data.byteOffset, alt.data.byteLength);
      const out: number[] = [];
      for (let at = 0; at < alt.size; at += ALT_INSTR_SIZE)
        out.push(view.getUint16(at + ALT_INSTR_OFFSET_CPUID, true));
      return out;
    };
    const cr3 = (fs: number[]) => fs.filter((f) => f === X86_FEATURE_PTI || f === X86_FEATURE_PCID);
    const plain = features(CONFIGS["SMP"]!);
    expect(cr3(plain)).toEqual([]);
    // Every idtentry stub starts with ASM_CLAC: 18 exceptions, common_interrupt, 3 sysvecs.
    expect(plain.filter((f) => f === X86_FEATURE_SMAP)).toHaveLength(22);
    // paranoid_entry's and paranoid_exit's GS handling, in every configuration, and
    // GET_PERCPU_BASE's choice of RDPID over LSL in the FSGSBASE path.
    expect(plain.filter((f) => f === X86_FEATURE_FSGSBASE)).toHaveLength(2);
    expect(plain.filter((f) => f === X86_FEATURE_RDPID)).toHaveLength(1);
    const pti = features(CONFIGS["SMP + PTI"]!);
    // PTI sites: SWITCH_TO_KERNEL_CR3 ×4 (SYSCALL, error_entry and its bad-IRET path, the NMI
    // from user mode), SWITCH_TO_USER_CR3_STACK ×2 (SYSRET, IRET), SAVE_AND_SWITCH_TO_KERNEL_CR3
    // and RESTORE_CR3 (paranoid entry and exit). Each has one PCID site beside it: the no-flush
    // bit of the switches to the kernel CR3, the flush decision of those to the user CR3.
    expect(pti.filter((f) => f === X86_FEATURE_PTI)).toHaveLength(8);
    expect(pti.filter((f) => f === X86_FEATURE_PCID)).toHaveLength(8);
    expect(pti.length - cr3(pti).length).toBe(22 + 2 + 1);
  });

  it("keeps the v5.10 instruction order at the entry and the SYSRET exit", () => {
    const obj = join(work, "entry-order.o");
    const gcc = spawnSync("gcc", ["-c", "-x", "assembler-with-cpp", `-I${KERNEL_INCLUDE}`,
      "-D__ASSEMBLY__", "-DCONFIG_SMP", "-DCONFIG_PAGE_TABLE_ISOLATION", ENTRY, "-o", obj]); // prettier-ignore
    expect(gcc.status).toBe(0);
    const dis = spawnSync("objdump", ["-d", "--no-show-raw-insn", "-j", ".entry.text", obj], {
      encoding: "utf8",
    }).stdout;
    const insns = dis
      .split("\n")
      .map((l) => /^\s+[0-9a-f]+:\s+(.*)$/.exec(l)?.[1]?.replace(/\s+/g, " ").trim())
      .filter((s): s is string => s !== undefined);
    expect(insns.slice(0, 2)).toEqual(["swapgs", "mov %rsp,%gs:0x0"]);
    expect(insns[2]).toMatch(/^jmp /); // the PTI alternative site, jumped over without PTI
    expect(insns[3]).toBe("mov %cr3,%rsp");
    const sysret = insns.indexOf("sysretq");
    expect(insns.slice(sysret - 4, sysret + 1)).toEqual([
      "pop %rax", "pop %rdi", "pop %rsp", "swapgs", "sysretq",
    ]); // prettier-ignore
    // The exits to user and to kernel mode, paranoid_exit, and a nested NMI's (nested_nmi_out).
    expect(insns.filter((i) => i === "iretq")).toHaveLength(4);
  });
});
