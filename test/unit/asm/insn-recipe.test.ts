// Instruction recipes (src/asm/insn-recipe.ts) are a speed path only: every source must
// assemble to the same object bytes (sections, symbols, relocations, line table) and the same
// diagnostics with them as without them. Each case also checks that the path was taken.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DiagnosticBag,
  SourceManager,
  memoryHost,
  renderDiagnostics,
  type Host,
} from "../../../src/diag/index.js";
import { assemble, assembleText, type AssembleOptions } from "../../../src/asm/index.js";
import { Assembler } from "../../../src/asm/assembler.js";
import { Reader } from "../../../src/asm/reader.js";
import { fileLines } from "../../../src/asm/source-line.js";
import { isLabelOnly } from "../../../src/asm/line-template.js";
import { writeObject } from "../../../src/obj/index.js";
import { compileText } from "../../../src/cc/index.js";
import { fileHost } from "../../support/host.js";
import { prng } from "../../support/prng.js";
import { ASM_DEFINES, CORPUS_DIR, KERNEL_INCLUDE, ROOT, corpusFiles } from "../../asm-oracle/corpus.js"; // prettier-ignore

interface Outcome {
  object: string;
  diagnostics: string;
}

function outcome(
  run: (o: Pick<AssembleOptions, "sources" | "diags" | "recipes">) => { object?: unknown },
  recipes: boolean,
): Outcome {
  // prettier-ignore
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = run({ sources, diags, recipes });
  const object = r.object ? Buffer.from(writeObject(r.object as never)).toString("hex") : "none";
  return { object, diagnostics: renderDiagnostics(diags.items, sources) };
}

/** Assemble `text` with and without recipes; both outcomes. */
function both(text: string, name = "t.s"): [Outcome, Outcome] {
  const run = (o: Pick<AssembleOptions, "sources" | "diags" | "recipes">) =>
    assembleText(name, text, { host: memoryHost({}), ...o });
  return [outcome(run, true), outcome(run, false)];
}

/** How many lines of `text` (a .s file) the recipes emitted. */
function recipeHits(text: string): number {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const a = new Assembler(diags, false);
  const reader = new Reader(a, { host: memoryHost({}), sources, diags, includePaths: [] });
  reader.run(fileLines(sources.add("t.s", text)));
  return a.recipes!.hits;
}

/** Lines in groups of one skeleton, with values that stress each check of a hit. */
const EDGES = `
	movq 176(%rsi), %rax
	movq 8(%rsi), %rax
	movq -8(%rsi), %rax
	movq 0x7fffffff(%rsi), %rax
	movq -0x80000000(%rsi), %rax
	movq 0x80000000(%rsi), %rax
	movq 017(%rsi), %rax
	movq 0b101(%rsi), %rax
	movq 0X1F(%rsi), %rax
	movq 99999999999999999999(%rsi), %rax
	shlq $1, %rax
	shlq $2, %rax
	shlq $1, %rax
	shlq $3, %rax
	addq $127, %rbx
	addq $128, %rbx
	addq $-128, %rbx
	addq $-129, %rbx
	addq $0x7fffffff, %rbx
	addq $0x80000000, %rbx
	addq $-0x80000000, %rbx
	movb $255, %al
	movb $256, %al
	movb $-256, %al
	movb $-255, %al
	movw $65535, %cx
	movw $70000, %cx
	movl $0xffffffff, %edx
	movl $0x100000000, %edx
	movl $-1, %edx
	movq $0x123456789abc, %rdi
	movq $-0x123456789abc, %rdi
	movq $-0x123456789abd, %rdi
	movq $-4294967297, %rdi
	movq $0x123456789abd, %rdi
	movq $-1, %rdi
	movq $0x1fffffffffffff, %rdi
	movq $0xffffffffffffffff, %rdi
	leaq 8(%rdi,%rcx,8), %r12
	leaq 8(%rdi,%rcx,4), %r12
	leaq 16(%rdi,%rcx,2), %r12
	leaq 16(%rdi,%rcx,3), %r12
	movq %gs:0x10, %rax
	movq %gs:0x18, %rax
	MOVQ 8(%RSI), %RAX
	movq   24(%rsi),%rax   # a comment
	movq 24(%rsi), %rax /* another */
	int $3
	int $4
	int $3
	testb $4, 472(%r13)
	testb $8, 473(%r13)
	imulq $12, %rax
	imulq $13, %rax, %rbx
	imulq $14, %rax, %rbx
	lock addq $1, (%rax)
	lock addq $2, (%rax)
	rep
	stosb
	addq $1, %rax; addq $2, %rax
	addq $3, %rax
	addq $4,%rax
	.data
	addq $5, %rax
	.text
	addq $6, %rax
	movq $sym, %rax
	movq $sym+8, %rax
	movq 8+8(%rsi), %rax
	movq (8)(%rsi), %rax
	movq -(8)(%rsi), %rax
	jmp 1f
1:	movq 32(%rsi), %rax
	movq 1b, %rax
	outb %al, $0x80
	outb %al, $0x81
	inb $0x60, %al
	movq %rax, %cr3
	pushq $1
	pushq $200
	pushq $70000
	sym = 5
	call foo
	call bar
	call foo
	jne .L10
	jne .L11
.L10:
	jmp .L10
	jne .L10
	leaq cache1(%rip), %r8
	leaq cache2(%rip), %r8
	leaq 8(%rip), %r8
	leaq 16(%rip), %r8
	movq %gs:cpu_number, %r15
	movq %gs:cpu_other, %r15
	movq %gs:cpu_number, %r15
	movq $foo, %rax
	movq $eq1, %rax
	eq1 = 7
	movq $eq1, %rax
	movq $foo, %rax
	movq $eq1, %rbx
	movq $eq1, %rax
	movb $foo, %al
	shlq $foo, %rdx
	eqbig = 300
	eqone = 1
	movb $eqbig, %al
	shlq $eqone, %rdx
	int $foo
	eqthree = 3
	int $eqthree
	jmp 2b
2:	jmp 2b
	jmp 2b
	jmp 2b
	jmp 3f
	jmp 3f
3:
	jmp 3b
	jmp 3f
	movq foo, %rax
	movq eq1, %rax
	.set vv, 1
	addq $vv, %rax
	.set vv, 200
	addq $vv, %rax
	.set vv, sym2
	addq $vv, %rax
	addl $foo, (%rdi)
	addl $bar, (%rdi)
	movq 8(%rax), %rbx
	jmp *table(,%rax,8)
	jmp *table2(,%rax,8)
	call *8(%rax)
dup:
dup:
.Ldup:
	.Ldup:
01:
	jmp 1b
007:
lock:
rep :
`;

describe("label-only lines", () => {
  it("are recognised exactly when the parser would read one label", () => {
    for (const t of ["foo:", ".L5:", "12:", "0:", " \t.Lx: ", "f$o.o_1:", "x: # comment"]) {
      expect(isLabelOnly(t), t).toBe(true);
    }
    for (const t of [
      "01:",
      "0x10:",
      "1b:",
      "foo: bar",
      "foo",
      "foo::",
      "lock:",
      ":",
      "a:b:",
      "'a':",
    ]) {
      expect(isLabelOnly(t), t).toBe(false);
    }
  });
});

describe("instruction recipes", () => {
  it("give the same diagnostics on lines that stress every check", () => {
    const [fast, slow] = both(EDGES);
    expect(fast.diagnostics).toBe(slow.diagnostics);
    expect(slow.diagnostics).toMatch(/error/); // the out-of-range lines are reported either way
    expect(slow.diagnostics).toMatch(/warning/); // and the shortened ones
  });

  it("give the same object on those of the lines that assemble", () => {
    const lines = EDGES.split("\n");
    const good = lines.filter((l, i) => !/^\s*(sym =|\.|1:|jmp 1|dup:|0)/.test(l) && both(`${l}\nsym = 5\n`)[1].diagnostics === "" && i >= 0); // prettier-ignore
    const text = `${good.join("\n")}\nsym = 5\n`;
    expect(good.length).toBeGreaterThan(60);
    expect(recipeHits(text)).toBeGreaterThanOrEqual(10);
    const [fast, slow] = both(text);
    expect(slow.object).not.toBe("none");
    expect(fast).toEqual(slow);
  });

  it("place the names of their fixups as the slow path does, in files, macros and cpp lines", () => {
    // Undefined local names are reported at layout, at the fixup's Loc.
    const body =
      "\tjmp .Lhere\n\tjmp .Lmissing1\n\tcall  .Lmissing2 # far\n\tleaq .Lmissing3(%rip), %rax\n";
    const text = `.Lhere:\n${body}\t.macro M\n${body}\t.endm\n\tM\n\tM\n`;
    expect(recipeHits(text)).toBeGreaterThanOrEqual(6);
    for (const name of ["t.s", "t.S"]) {
      const [fast, slow] = both(text, name);
      expect(slow.diagnostics).toMatch(/undefined local symbol '\.Lmissing3'/);
      expect(fast).toEqual(slow);
    }
  });

  it("split a label from its instruction only where the whole line's parse would do the same", () => {
    const text = [
      "\tmovq 8(%rsi), %rax",
      "1:\tmovq 16(%rsi), %rax", // a recipe
      "1:\tmovq 16(%rsi), %rax", // kept bytes from here on
      "1:\tmovq 16(%rsi), %rax # again",
      ".La:\tcmpq %r10, 248(%rdi)", // parsed alone, then learned
      ".Lb:\tcmpq %r11, 8(%rdi)",
      ".Lb:\tcmpq %r11, 8(%rdi)", // already defined: reported, the instruction still emitted
      "2:\tjmp 2b", // a numeric label and a recipe reading numeric labels
      "2:\tjmp 2b",
      "3:\tjmp 2b",
      "4:\tjmp 4f",
      "4:\tjmp 4f",
      "x:\tmovq %rax, 8(%rsp) ; nop",
      "y:\tmovq (%rax, %rbx", // a syntax error drops the label
      "y:\tret",
      "z:\tmovb $300, %al",
      "z2:\tlock incq (%rax)",
      "z3: \tsubq $8, %rsp",
      "z4: z5: subq $8, %rsp",
      "01:\tsubq $16, %rsp",
      "\t.data",
      "d:\tsubq $8, %rsp",
    ].join("\n");
    expect(recipeHits(`${text}\n`)).toBeGreaterThanOrEqual(6);
    for (const name of ["t.s", "t.S"]) {
      const [fast, slow] = both(`${text}\n`, name);
      expect(slow.diagnostics).toMatch(/symbol '.Lb' is already defined/);
      expect(slow.diagnostics).toMatch(/missing '\)'/);
      expect(fast).toEqual(slow);
    }
    const good = text.split("\n").filter((l) => !/^(\.Lb|y|z)/.test(l) || l.startsWith("z3"));
    const [fast, slow] = both(`${good.join("\n")}\n4:\tnop\n`);
    expect(slow.diagnostics).toBe("");
    expect(fast).toEqual(slow);
  });

  it("emit repeated skeletons from recipes", () => {
    const lines = [];
    for (let i = 0; i < 50; i++) lines.push(`\tmovq ${8 * i}(%rsi), %rax`, `\tsubq $${i}, %rsp`);
    const text = lines.join("\n") + "\n";
    // Each skeleton's first line, and each immediate key's first line, takes the slow path:
    // movq learns once (49 hits); subq $0 learns [-128, 3), $3 is INT3's key, $4 learns [4, 256).
    expect(recipeHits(text)).toBe(49 + 47);
    const [fast, slow] = both(text);
    expect(fast).toEqual(slow);
  });

  it("emit lines that differ only in displacements and wide immediates", () => {
    const text = ["$1000", "$2000", "$-3000", "$0x10000", "$0x7fffffff"]
      .map((imm, i) => `\tmovl ${imm}, ${i * 4}(%rdi)\n`)
      .join("");
    // $1000 learns; $2000 hits; $-3000 has a minus token (another skeleton); $0x10000 is past
    // a bound of the matcher (another key) and learns; $0x7fffffff hits it.
    expect(recipeHits(text)).toBe(2);
    const [fast, slow] = both(text);
    expect(fast).toEqual(slow);
  });

  it("take registers as values: operands, bases and indexes of the same match keys", () => {
    const text = [
      "movq %rbx, %rsi", "movq %rdi, %rbp", "movq %r8, %r9", "movq %r10, %r11", "movq %rax, %rbx",
      "movl 8(%rax,%rbx,4), %esi", "movl 16(%rcx,%rdi,4), %ebp", "movl 16(%r8,%rdi,4), %esi",
      "movl 24(%r9,%rbx,4), %edi", "movl 24(%rsp,%rbx,4), %edi",
    ].map((l) => `\t${l}\n`).join(""); // prettier-ignore
    // Registers are keyed by size (movq has no fixed-register form: %rax is one more register);
    // a base or index not at all (but %rsp on its own). With no high-byte register the REX
    // need is no key. Hits: %rdi,%rbp; %r8,%r9; %r10,%r11; %rax,%rbx; (%rcx,%rdi) with %ebp;
    // (%r8,%rdi) with %esi; (%r9,%rbx) with %edi.
    expect(recipeHits(text)).toBe(7);
    const [fast, slow] = both(text);
    expect(fast).toEqual(slow);
  });

  it("take a name plus or minus a literal as a name and a value (per-CPU offsets)", () => {
    // Pairs of one skeleton: the first learns, the second hits (no register 0-2, keyed exactly).
    // `-` is another skeleton than `+`. Then the addend past the signed 32-bit range (hex and
    // decimal) and an octal one take the slow path.
    const text = [
      "movq %gs:cpu_number+8, %rsi", "movq %gs:current_task+16, %rbx",
      "movq %gs:irq_count-8, %rsi", "movq %gs:irq_count-24, %rdi",
      "pushq %gs:cpu_tss_rw+4", "pushq %gs:cpu_tss_rw+12",
      "movq %rsp, %gs:cpu_tss_rw+0x18", "movq %rbp, %gs:hardirq_stack_ptr+0x20",
      "leaq init_task+64(%rip), %rsi", "leaq init_mm+128(%rip), %rdi",
      "movq $init_task+8, %rbx", "movq $init_mm+16, %rbp",
      "movl tbl-4(,%rsi,4), %edi", "movl tbl-8(,%rbx,4), %ebx",
      "movq big+0x7fffffff(%rdi), %rsi", "movq big+0x10(%rdi), %rbx",
      "movq big+0x80000000(%rdi), %rsi", "movq big+2147483648(%rdi), %rsi", "movq big+017(%rdi), %rsi",
    ].map((l) => `\t${l}\n`).join(""); // prettier-ignore
    expect(recipeHits(text)).toBe(8);
    const [fast, slow] = both(text);
    expect(slow.object).not.toBe("none");
    expect(fast).toEqual(slow);
  });

  it("keep the slow path's relocations and errors for name-plus-literal values", () => {
    // Equates are substituted (no name left), a defined local label is resolved by layout, an
    // undefined name stays a relocation: each as the slow path does it.
    const text = [
      "off = 8", "movq %gs:off+8, %rax", "movq %gs:off+16, %rbx", ".Lhere:", "leaq .Lhere+4(%rip), %rax",
      "leaq .Lhere+12(%rip), %rbx", "movq $.Lhere-4, %rcx", "movq $.Lhere-12, %rdx", "jmp ext+4",
      "jmp ext+8", "movb $sym+1, %al", "movb $sym+2, %bl",
    ].map((l) => `\t${l}\n`).join(""); // prettier-ignore
    const [fast, slow] = both(text);
    expect(slow.object).not.toBe("none");
    expect(fast).toEqual(slow);
  });

  it("key registers 0-2 exactly only for mnemonics with fixed-register forms", () => {
    // outb takes %al only (SDM vol. 2 "OUT"): %bl after %al must not share its variant, and
    // shlq by %cl keeps %rax apart from %rbx; xorq has no such form, so %rax shares with %rbx.
    const text = [
      "outb %al, %dx", "outb %bl, %dx", "shlq %cl, %rax", "shlq %cl, %rbx",
      "xorq %rax, %rsi", "xorq %rbx, %rdi",
    ].map((l) => `\t${l}\n`).join(""); // prettier-ignore
    expect(recipeHits(text)).toBe(1);
    const [fast, slow] = both(text);
    expect(slow.diagnostics).toMatch(/outb/);
    expect(fast).toEqual(slow);
  });

  it("never key a variant past the doubles' exact integers", () => {
    // A symbolic immediate's key is the largest digit; with a base, an index and a register the
    // key passes 2^53, where the last digit would be lost: no recipe, whatever the registers.
    const text = "\timul $sym, 8(%rbx,%rcx,4), %rsi\n\timul $sym, 8(%rbx,%rcx,4), %rdi\n\timul $sym, 16(%rbx,%rcx,4), %rsi\n"; // prettier-ignore
    expect(recipeHits(text)).toBe(0);
    const [fast, slow] = both(text);
    expect(slow.object).not.toBe("none");
    expect(fast).toEqual(slow);
    // Three digits stay exact: the two-operand form hits.
    expect(recipeHits("\taddq $sym, 8(%rbx,%rcx,4)\n\taddq $sym, 16(%rbx,%rcx,4)\n")).toBe(1);
  });

  it("share a variant across REX needs only without a high-byte register", () => {
    // %sil and %r9 need REX, %bl and %rbx do not: one variant serves both lines. %bh cannot be
    // encoded with REX (SDM vol. 2, 2.2.1.2): that line must take the slow path and its error.
    const text = "\tmovb %bl, (%rbx)\n\tmovb %sil, (%r9)\n\tmovb %bh, (%r9)\n";
    expect(recipeHits(text)).toBe(1);
    const [fast, slow] = both(text);
    expect(slow.diagnostics).toMatch(/can't encode register '%bh'/);
    expect(fast).toEqual(slow);
  });

  it("keep every register rule the slow path applies", () => {
    const text = [
      "movb %ah, (%rax)", "movb %ah, (%rbx)", "movb %ah, (%r8)", "movb %bh, (%rcx,%r9)",
      "movb %al, %ah", "movb %bl, %ch", "movb %r8b, %ah", "movb %sil, %ch",
      "movq (%rax,%rbx), %rcx", "movq (%rdx,%rsp), %rcx", "movq (%rsp,%rdx), %rcx",
      "addb $1, %al", "addb $1, %bl", "addb $1, %cl", "addw $1, %ax", "addw $1, %dx",
      "inb (%dx), %al", "inb (%dx), %al", "outb %al, (%dx)", "shlq %cl, %rax", "shlq %cl, %rbx",
      "xchgq %rax, %rbx", "xchgq %rcx, %rbx", "movq %rax, %cr3", "movq %rbx, %cr3",
      "pushq %rax", "pushq %r15", "popq %rsp", "leaq (%rip), %rax", "leaq 8(%rip), %rbx",
      "movq %cs:8(%rax), %rbx", "movq %gs:8(%rcx), %rdx", "jmp *%rax", "jmp *%r11", "call *8(%rax,%rbx,8)", "call *16(%rcx,%rdx,8)",
      "movzbl %al, %eax", "movzbl %ah, %ecx", "movzbl %bh, %r8d", "movsbq %dil, %rax",
    ].map((l) => `\t${l}\n`).join(""); // prettier-ignore
    const [fast, slow] = both(text);
    expect(fast.diagnostics).toBe(slow.diagnostics);
    expect(slow.diagnostics).toMatch(/can't encode register '%ah'/);
    expect(slow.diagnostics).toMatch(/'%rsp' cannot be an index register/);
    const good = text.split("\n").filter((l) => l !== "" && both(`${l}\n`)[1].diagnostics === "");
    const [f2, s2] = both(good.join("\n") + "\n");
    expect(s2.object).not.toBe("none");
    expect(f2).toEqual(s2);
    expect(recipeHits(good.join("\n") + "\n")).toBeGreaterThanOrEqual(2);
  });

  it("give the same result on a generated compiler-style file", () => {
    const text = execFileSync(process.execPath, [join(ROOT, "bench/gen-asm.mjs"), "20000", "7"], { encoding: "utf8", maxBuffer: 1 << 26 }); // prettier-ignore
    expect(recipeHits(text)).toBeGreaterThan(20000 / 5);
    const [fast, slow] = both(text, "gen.s");
    expect(fast.diagnostics).toBe("");
    expect(fast.object).toBe(slow.object);
  });

  it("give the same result on seeded random values in every operand position", () => {
    const rand = prng(0x5eed);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
    const value = (): string => {
      const magnitude = pick([1, 8, 127, 128, 255, 256, 32767, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 2 ** 48, 2 ** 52, 2 ** 63, 2 ** 64]); // prettier-ignore
      const v = BigInt(Math.floor(rand() * 3)) - 1n + BigInt(magnitude);
      const spelled = pick(["dec", "hex", "oct"]);
      const text = spelled === "hex" ? `0x${v.toString(16)}` : spelled === "oct" ? `0${v.toString(8)}` : v.toString(); // prettier-ignore
      return rand() < 0.3 ? `-${text}` : text;
    };
    const shapes = [
      (v: string) => `addq $${v}, %rax`, (v: string) => `andl $${v}, %ecx`,
      (v: string) => `orw $${v}, %dx`, (v: string) => `xorb $${v}, %bl`,
      (v: string) => `movq $${v}, %r9`, (v: string) => `movl $${v}, 8(%rsi)`,
      (v: string) => `movq ${v}(%rbp), %rax`, (v: string) => `leaq ${v}(%rdi,%rcx,8), %r12`,
      (v: string) => `shlq $${v}, %r11`, (v: string) => `cmpq $${v}, ${v}(%rdi)`,
      (v: string) => `imulq $${v}, %rax, %rbx`, (v: string) => `pushq $${v}`,
    ]; // prettier-ignore
    const lines = Array.from({ length: 3000 }, () => `\t${pick(shapes)(value())}`);
    const text = lines.join("\n") + "\n";
    expect(recipeHits(text)).toBeGreaterThan(100);
    const [fast, slow] = both(text);
    expect(fast.diagnostics).toBe(slow.diagnostics);
    expect(fast.object).toBe(slow.object);
  });

  it("give the same result on handler-C compiler output (with .loc line tables)", () => {
    const dir = join(ROOT, "test/c");
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".c"))
      .sort();
    expect(files.length).toBeGreaterThan(20);
    let hits = 0;
    for (const f of files) {
      const sources = new SourceManager();
      const diags = new DiagnosticBag();
      const asmText = compileText(f, readFileSync(join(dir, f), "utf8"), { host: fileHost, sources, diags, includePaths: [join(dir, "include")] }).asm; // prettier-ignore
      expect(asmText, f).toBeDefined();
      const run = (o: Pick<AssembleOptions, "sources" | "diags" | "recipes">) =>
        assembleText(f.replace(/\.c$/, ".s"), asmText!, { host: memoryHost({}), ...o });
      expect(outcome(run, true), f).toEqual(outcome(run, false));
      hits += recipeHits(asmText!);
    }
    expect(hits).toBeGreaterThan(1000);
  });

  const host: Host = { readFile: (p) => (existsSync(p) ? readFileSync(p, "utf8") : undefined) };
  const files = [
    ...corpusFiles().map((f) => join(CORPUS_DIR, f)),
    join(ROOT, "programs/entry/entry_64.S"),
  ];
  it.each(files)("give the same result on %s", (path) => {
    const run = (o: Pick<AssembleOptions, "sources" | "diags" | "recipes">) =>
      assemble(path, { host, includePaths: [KERNEL_INCLUDE, join(ROOT, "programs/entry")], defines: ASM_DEFINES.map((name) => ({ name })), ...o }); // prettier-ignore
    expect(outcome(run, true)).toEqual(outcome(run, false));
  });
});
