// The cc and asm-offsets commands and `entrylab run` on .c files, through the built CLI
// (dist/entrylab.mjs, made by `npm run build`, which `npm test` runs first).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch } from "../../cli/helpers.js";
import { C_DIR, C_INCLUDE } from "../../c/build.js";

const HELLO = `int printk(const char *fmt, ...);
int square(int x) { return x * x; }
int main(void) { printk("hello %d\\n", square(7)); return 3; }
`;

describe("entrylab cc / asm-offsets / run x.c", () => {
  it("compiles to assembly with -S", () => {
    const dir = scratch({ "hello.c": HELLO });
    const r = entrylab(["cc", "-S", join(dir, "hello.c"), "-o", join(dir, "hello.s")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "hello.s"), "latin1")).toMatch(/^square:$/m);
  });

  it("compiles to an object with -c and prints preprocessed text with -E", () => {
    const dir = scratch({ "hello.c": "#define N 4\nint n = N;\n" });
    expect(entrylab(["cc", "-c", join(dir, "hello.c")]).status).toBe(0);
    expect(readFileSync(join(dir, "hello.o")).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46])); // prettier-ignore
    const e = entrylab(["cc", "-E", "-DN=9", join(dir, "hello.c")]);
    expect(e.stdout).toContain("int n = 4;");
  });

  it("runs a C program with the runtime: UART output and main's return value", () => {
    const dir = scratch({ "hello.c": HELLO });
    const r = entrylab(["run", join(dir, "hello.c")]);
    expect(r.stdout).toBe("hello 49\n");
    expect(r.status).toBe((3 << 1) | 1);
  });

  it("runs a C file linked with an assembly file", () => {
    const c = join(C_DIR, "asm-call.c");
    const r = entrylab(["run", "-I", C_INCLUDE, c, join(C_DIR, "asm-call.S")]);
    expect(r.stdout).toMatch(/^OK \d+$/m);
    expect(r.status).toBe(1);
  });

  it("reports C errors with file:line:col and exit status 1", () => {
    const dir = scratch({ "bad.c": "int f(void) { return y; }\n" });
    const r = entrylab(["cc", "-S", join(dir, "bad.c")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("bad.c:1:22");
    expect(r.stderr).toContain("E6002");
  });

  it("writes asm-offsets.h", () => {
    const dir = scratch({
      "kbuild.h": '#define DEFINE(sym, val) asm volatile("\\n.ascii \\"->" #sym " %0 " #val "\\"" : : "i" (val))\n', // prettier-ignore
      "offsets.c": '#include "kbuild.h"\nstruct s { char c; long l; };\nvoid f(void) { DEFINE(S_l, __builtin_offsetof(struct s, l)); }\n', // prettier-ignore
    });
    const r = entrylab(["asm-offsets", join(dir, "offsets.c"), "-o", join(dir, "asm-offsets.h")]);
    expect(r.stderr).toBe("");
    expect(readFileSync(join(dir, "asm-offsets.h"), "latin1")).toContain("#define S_l 8 /*");
  });
});
