// gcc as the oracle: the same inputs through `gcc -E -P` and through entrylab's cpp must give
// the same tokens line by line (whitespace normalised, blank lines dropped).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

function gccPath(): string | undefined {
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return "gcc";
  } catch {
    return undefined;
  }
}

const GCC = gccPath();

function normalise(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "");
}

function viaGcc(files: Record<string, string>, main: string, mode: "asm" | "c"): string[] {
  const dir = mkdtempSync(join(tmpdir(), "entrylab-cpp-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const lang = mode === "asm" ? "assembler-with-cpp" : "c";
    const args = [
      "-E",
      "-P",
      "-x",
      lang,
      "-I",
      dir,
      "-DCMD=7",
      "-UGONE",
      "-DGONE",
      join(dir, main),
    ];
    return normalise(execFileSync(GCC!, args, { encoding: "utf8", cwd: dir }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ASM_CASES: Record<string, string> = {
  entry: `#include "calling.h"
#define PER_CPU_VAR(var) %gs:var
#define SWITCH_TO_KERNEL_CR3 scratch_reg=%rax
.macro SWAPGS_IF_USER
	testb $3, CS(%rsp)	# from user?
	jz 1f
	swapgs
1:
.endm
ENTRY(entry_SYSCALL_64)
	movq %rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
	SWITCH_TO_KERNEL_CR3
	pushq $__USER_DS /* pt_regs->ss */
	movb $'a, %al # it's a char
	PUSH_REGS rdx=(%rdx), rax=$-ENOSYS
END(entry_SYSCALL_64)
#if CMD > 5 && defined(__ASSEMBLER__) && !defined GONE
	.quad CMD
#endif
`,
  macros: `#define CAT(a, b) a ## b
#define STR(x) #x
#define XSTR(x) STR(x)
#define V(fmt, ...) call fmt, ## __VA_ARGS__
#define LONG(a, b, \\
   c) a + b + c
CAT(.L, end): .long XSTR(CAT(1, 2))
V(x) V(y, 1, 2)
LONG(1,
  2,
  3) trailing
#define EMPTY
a EMPTY b
#define f(x) f(x) + x
f(f(1))
__LINE__ __COUNTER__ __COUNTER__
`,
};

const ASM_HEADERS: Record<string, string> = {
  "calling.h": `#ifndef CALLING_H
#define CALLING_H
#define ENTRY(name) .globl name ; name:
#define END(name) .size name, .-name
#define CS 136
#define __USER_DS 0x2b
#define ENOSYS 38
#endif
`,
};

const C_CASES: Record<string, string> = {
  expr: `#if (1 << 63) < 0 && -1 < 0u == 0 && '\\377' < 0 && 0x10 == 16 && (2 | 1 + 1) == 2
ok1
#endif
#if defined(CMD) ? CMD * 2 == 14 : 0
ok2
#elif 1 / 0
bad
#else
bad2
#endif
#if ~0ULL == 18446744073709551615u && -9223372036854775807 - 1 < 0
ok3
#endif
`,
  text: `#define min(a, b) ((a) < (b) ? (a) : (b))
#define SYSCALL(n) [__NR_##n] = sys_##n,
#define hide(x) x
int m = min(hide(1), 2); /* comment */ char *s = "min(1,2)";
static void *table[] = { SYSCALL(getpid) SYSCALL(write) };
#define AA BB
#define BB AA
AA BB
#define CALL(f, ...) f(__VA_ARGS__)
CALL(g) CALL(g, 1, (2, 3))
-CMD a-hide()-b
`,
};

describe("cpp against gcc -E", () => {
  for (const [name, src] of Object.entries(ASM_CASES)) {
    it(`asm case ${name}`, () => {
      if (!GCC) return console.warn("gcc not found: skipping the gcc comparison");
      const files = { ...ASM_HEADERS, [`${name}.S`]: src };
      const ours = run(src, {
        mode: "asm",
        name: `${name}.S`,
        files: ASM_HEADERS,
        defines: [{ name: "CMD", value: "7" }, { undef: "GONE" }, { name: "GONE" }],
      });
      expect(ours.diags.filter((d) => d.severity === "error")).toEqual([]);
      expect(normalise(ours.text)).toEqual(viaGcc(files, `${name}.S`, "asm"));
    });
  }
  for (const [name, src] of Object.entries(C_CASES)) {
    it(`C case ${name}`, () => {
      if (!GCC) return console.warn("gcc not found: skipping the gcc comparison");
      const ours = run(src, {
        mode: "c",
        name: `${name}.c`,
        defines: [{ name: "CMD", value: "7" }, { undef: "GONE" }, { name: "GONE" }],
      });
      expect(ours.diags.filter((d) => d.severity === "error")).toEqual([]);
      expect(normalise(ours.text)).toEqual(viaGcc({ [`${name}.c`]: src }, `${name}.c`, "c"));
    });
  }
});
