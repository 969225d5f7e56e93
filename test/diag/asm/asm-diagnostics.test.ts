// Bad assembler input → the expected diagnostic: code, line:col and message, one case per row;
// a few cases compare the full rendered text (caret and expansion notes included).
import { describe, expect, it } from "vitest";
import { asm } from "../../unit/asm/helpers.js";

/** [source, code, "line:col", message fragment] */
const CASES: [string, string, string, string][] = [
  ["jmp .Lnowhere", "E3017", "1:5", "undefined local symbol '.Lnowhere'"],
  [".data\n.long 1f", "E3017", "2:7", "undefined local label '1f'"],
  [".data\n.long 1b", "E3033", "2:7", 'backward ref to unknown label "1:"'],
  ["frobnicate %rax", "E3026", "1:1", "frobnicate"],
  ["fld %st", "E2", "1:", ""],
  ["vmovdqa %xmm0, %xmm1", "E2", "1:", ""],
  ["movq (%eax), %rbx", "E3029", "1:6", "only 64-bit addressing is supported"],
  ["movq (,%ecx,2), %rbx", "E3029", "1:6", "only 64-bit addressing"],
  [".code32", "E3021", "1:1", ".code32 is not supported"],
  [".code16", "E3021", "1:1", ".code16"],
  [".macro m\nnop\n", "E3003", "1:1", ".macro without matching .endm"],
  [".rept 2\nnop\n", "E3004", "1:1", ".rept without matching .endr"],
  [".irp x, 1\n", "E3004", "1:1", ".irp without matching .endr"],
  [".if 1\n", "E3005", "1:1", "missing .endif"],
  [".endif", "E3006", "1:1", ".endif without .if"],
  [".else", "E3006", "1:1", ".else without .if"],
  [".if 1\n.else\n.else\n.endif", "E3006", "3:1", ".else after .else"],
  ['.error "custom failure"', "E3008", "1:1", "custom failure"],
  [".err", "E3034", "1:1", ".err encountered"],
  [
    ".macro m a:req\n.endm\nm",
    "E3009",
    "3:2",
    "missing value for required parameter 'a' of macro 'm'",
  ],
  [".macro m a\n.endm\nm b=1", "E3010", "3:3", "macro 'm' has no parameter named 'b'"],
  [".macro m a\n.endm\nm 1, 2", "E3011", "3:6", "too many positional arguments for macro 'm'"],
  [".macro m\n.endm\n.macro m\n.endm", "E3012", "3:8", "macro 'm' was already defined"],
  [".rept -1\n.endr", "E3013", "1:1", "bad .rept count -1"],
  ['.include "missing.s"', "E3014", "1:10", "can't open missing.s for reading"],
  [".macro m x:bogus\n.endm", "E3015", "1:10", "bad parameter qualifier ':bogus'"],
  [".if undefined_thing\n.endif", "E3016", "1:5", "non-constant expression in .if"],
  ["x:\nx:", "E3018", "2:1", "symbol 'x' is already defined"],
  [".data\n.byte 1, 2\n. = 1", "E3019", "3:1", "attempt to move .org backwards (by 1 bytes)"],
  [".data\n.skip 4\n.org n\nn = 1", "E3019", "3:1", "attempt to move .org backwards"],
  ["a = 1\n.equiv a, 2", "E3020", "2:1", "symbol 'a' is already defined"],
  ['.section .x, "q"', "E3022", "1:10", "unknown section flag 'q'"],
  ['.section .x, "a", @weird', "E3022", "1:10", "unknown section type '@weird'"],
  [".popsection", "E3023", "1:1", ".popsection without .pushsection"],
  ["movl 0x100000000(%rax), %eax", "E3024", "1:6", "out of range of signed 32bit displacement"],
  [
    ".data\n.long a - b\n.section .o\na:\n.text\nb:",
    "E3025",
    "2:7",
    "can't resolve a difference of symbols in different sections",
  ],
  [".macro r\nr\n.endm\nr", "E3002", "2:1", "recursive macro without end"],
  [".foo 1", "E3001", "1:1", "unknown directive '.foo'"],
  [".purgem nothere", "E3032", "1:1", "macro 'nothere' is not defined"],
  [".p2align 40", "E3036", "1:10", "alignment 2**40 too large"],
  [".align 3", "E3036", "1:8", "alignment 3 is not a power of 2"],
  [".type f, @banana", "E3037", "1:7", "bad .type"],
  [".bss\n.long 5", "E3038", "2:7", "attempt to store non-zero value in section '.bss'"],
  ["addq %eax, %rbx", "E3028", "1:", ""],
  [".macro m\nm\nm\n.endm\nm", "E3002", "2:1", "macros nested too deeply"],
  [".rept 1048576\n.rept 1048576\n.endr\n.endr", "E3041", "2:1", "expansions exceed"],
  [".macro g a\ng \\a\\a\\a\\a\n.endm\ng xxxxxxxx", "E3041", "2:1", "expansions exceed"],
  [".data\n.skip 0x7fffffff", "E3042", "2:1", "section '.data' would exceed"],
  [".text\nret\n.balign 1 << 31", "E3042", "3:1", "section '.text' would exceed"],
  [".data\n. = 0x10000000", "E3042", "2:1", "would exceed"],
  [".data\n.skip n\nn = 0x10000000", "E3042", "2:1", "would exceed"],
  ["i = i + 1", "E3043", "1:1", "symbol definition loop: 'i' is defined from itself"],
  ["x = y\n.rept 300\nx = x * 2\n.endr\ny = 1", "E3043", "3:1", "nests more than 256 levels"],
  ['.section .f, "a"\n.section .f, "aw"', "E3022", "2:10", "changed section attributes for .f"],
  ["mov %al, %rbx", "E3028", "1:", ""],
];

/** Warnings where gas goes on: [source, code, "line:col", message fragment]; no error. */
const WARNINGS: [string, string, string, string][] = [
  [".endr", "W3007", "1:1", ".endr encountered without preceding .rept"],
  [".endm", "W3007", "1:1", ".endm encountered without preceding .macro"],
  [".exitm", "W3007", "1:1", "ignoring macro exit outside a macro definition"],
  [".data\n.long 5 / 0", "W2102", "2:7", "division by zero"],
  [".data\n.long 1 +", "W3008", "2:7", "missing operand; zero assumed"],
  [".data\n.byte 1,,2", "W3008", "2:9", "zero assumed for missing expression"],
  [".data\n.quad 0x10000000000000000", "W2103", "2:7", "bignum truncated to 8 bytes"],
  [".data\n.fill 1, 9, 0", "W3009", "2:10", ".fill size clamped to 8"],
  [".data\n.quad 1 << 64", "W2101", "2:7", "shift count out of range"],
  ['.section .text, "a"', "W3010", "1:10", "ignoring changed section attributes for .text"],
  [".text\n.byte 0x90", "W3001", "2:1", "data in code"],
];

describe("assembler warnings", () => {
  it.each(WARNINGS)("%j → %s at %s", (src, code, lineCol, message) => {
    const r = asm(src);
    const hit = r.diags.items.find((d) => d.code === code);
    expect(hit, r.rendered).toBeDefined();
    expect(hit!.severity).toBe("warning");
    expect(r.diags.hasErrors, r.rendered).toBe(false);
    expect(r.object).toBeDefined();
    expect(r.sources.format(hit!.loc!)).toContain(`t.s:${lineCol}`);
    expect(hit!.message).toContain(message);
  });
});

describe("assembler diagnostics", () => {
  it.each(CASES)("%j → %s at %s", (src, code, lineCol, message) => {
    const r = asm(src);
    const hit = r.diags.items.find((d) => d.code.startsWith(code) && d.severity === "error");
    expect(hit, r.rendered).toBeDefined();
    expect(r.object).toBeUndefined();
    expect(r.sources.format(hit!.loc!)).toContain(`t.s:${lineCol}`);
    expect(hit!.message).toContain(message);
  });

  it("renders a warning with its caret", () => {
    expect(asm(".data\n.byte 300").rendered).toBe(
      "t.s:2:7: warning[W3002]: value 0x12c truncated to 0x2c\n" +
        "    2 | .byte 300\n" +
        "      |       ^~~\n",
    );
  });

  it("renders an error inside a macro with the expansion note", () => {
    expect(asm(".macro m\n  .long .Lmissing\n.endm\n  m").rendered).toBe(
      "t.s:2:9: error[E3017]: undefined local symbol '.Lmissing'\n" +
        "    2 |   .long .Lmissing\n" +
        "      |         ^~~~~~~~~\n" +
        "note: in expansion of macro 'm' at t.s:4:3\n",
    );
  });

  it("renders .error with the include chain", () => {
    expect(asm('.include "a.s"', { "inc/a.s": '.error "stop"\n' }).rendered).toBe(
      "inc/a.s:1:1: error[E3008]: stop\n" +
        '    1 | .error "stop"\n' +
        "      | ^~~~~~~~~~~~~\n" +
        "note: included from t.s:1:10\n",
    );
  });

  it("reports a .warning without failing", () => {
    const r = asm('.warning "careful"\n.data\n.byte 1');
    expect(r.diags.items.map((d) => [d.code, d.message])).toEqual([["W3003", "careful"]]);
    expect(r.object).toBeDefined();
  });
});
