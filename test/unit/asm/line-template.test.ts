// parseLineFast (shared parses per line shape) must return exactly what parseLine returns, for
// valid lines of every shape, for lines the visitor rejects (bad scale, bad number, `%esp` as an
// index), for lines its scanner leaves to the real lexer, and for thousands of seeded mutants.
import { describe, expect, it } from "vitest";
import { Lexer } from "chevrotain";
import { ALL_TOKENS, LEXER_CONFIG } from "../../../src/asm/lexer.js";
import { AsmParser } from "../../../src/asm/parser.js";
import { parseLine } from "../../../src/asm/parse-line.js";
import {
  LineParseCache,
  NameCodeTable,
  RAW_LINE,
  SCANNED,
  nameCode,
  parseLineFast,
  scan,
} from "../../../src/asm/line-template.js";
import { prng } from "../../support/prng.js";

const CORPUS = [
  "\tmovq\t176(%rsi), %rax",
  "movl -8(%rbp), %ecx # spill",
  "  leaq 8(%rdi,%rcx,8), %r12",
  "leaq (,%rax,4), %rdx",
  "movq %gs:cpu_current_top_of_stack+8, %rsp",
  "movq %rsp, %gs:cpu_tss_rw+4",
  "call handle_task_12",
  "jne .L42",
  "1:\tcmpq %r10, 248(%rdi)",
  "jne 1b",
  "lock incq (%rax)",
  "lock; incq (%rax)",
  "rep movsb",
  "movq lock, %rax",
  "call rep",
  "\t.globl\tsync_mm_1",
  "\t.type\tsync_mm_1, @function",
  "\t.type\tsync_mm_1, %function",
  "\t.size\tf, .-f",
  "\t.p2align 4,,15",
  "\t.section .rodata",
  "\t.long 1, 2, 0x30, 077",
  "\t.quad .Ltable3, 1234567",
  "x = (1 << 3) | 2 ! 1 && 4 <> 5 || ~6 >= -7",
  "foo: bar: movq $-1, %rax",
  "0 : 771: .Lfoo: . = . + 8",
  "andq $(~0x1000), %rdi; orq $(1 << 63), %rax",
  "movq %cr3, %rax",
  "movw %ds, %ax",
  "setne %al",
  "movb %ah, %bl",
  "movabsq $0x123456789, %r9",
  "jmp *sys_call_table(,%rax,8)",
  "call *%rax",
  "movq $sym+8, 16(%rip)",
  "leaq sym(%rip), %rax",
  // Strings: scanned as the lexer's StringLit (escapes, `#` and `;` inside), decoded by the visitor.
  '.asciz "x %d\\n"',
  '.ascii "a\\"b", "c#d;e" # comment',
  '.string "tab\\there", "\\x41\\101\\\\"',
  'lbl: .asciz ""',
  '\t.section .rodata.str1.1,"aMS",@progbits,1',
  '.byte "ab", 1',
  'movq "s", %rax',
  '.asciz "unterminated',
  '.asciz "ends in a backslash\\',
  '.asciz "a" "b"',
  // Rejected by the visitor or the parser: the template must not hide the line's own error.
  "leaq (%rax,%rcx,3), %rdx",
  "leaq (%rax,%rsp,2), %rdx",
  "leaq (%rax,%esp,2), %rdx",
  "leaq (%rip,%rcx,1), %rdx",
  "movq 09(%rax), %rcx",
  "movq 0x(%rax), %rcx",
  "movq 99999999999999999999999, %rax",
  "0x10: nop",
  "movq %rax, %rbx %rcx",
  "movq %foo, %rax",
  "movq %rax,",
  "movq ,%rax",
  "movq (%rax, %rbx",
  "movq %rax: 8, %rbx",
  "%gs: movq",
  ".long 1,, 2",
  ".byte 1 2",
  // Left to the real lexer.
  ".byte 'a, 'b'",
  "movl $10/2, %eax",
  "movq $1 \\ 2, %rax",
  "/* c */ movq %rax, %rbx",
  "movq %rax, %rbx /* c */",
  "mövq %rax, %rbx",
  "",
  "   ",
  "# only a comment",
  ";;",
  "nop;",
  "FOO: .Lx = 3 ; .if 1",
];

const ALPHABET = "%$()*,:;'\"#/\\+-~!<>=|&^.@0123456789abfxlockrep \tqrsp`";

function mutate(line: string, rand: () => number): string {
  const pick = (n: number) => Math.floor(rand() * n);
  let s = line;
  const edits = 1 + pick(3);
  for (let i = 0; i < edits; i++) {
    const at = pick(s.length + 1);
    switch (pick(3)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + 1 + pick(3));
        break;
      case 1:
        s = s.slice(0, at) + ALPHABET[pick(ALPHABET.length)] + s.slice(at);
        break;
      default: {
        const other = CORPUS[pick(CORPUS.length)]!;
        const from = pick(other.length + 1);
        s = s.slice(0, at) + other.slice(from, from + 1 + pick(8)) + s.slice(at);
      }
    }
  }
  return s;
}

/** bigint-safe structural form for comparison. */
function shape(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

describe("parseLineFast", () => {
  it("equals parseLine on every corpus line, cold and with warm templates", () => {
    for (let pass = 0; pass < 2; pass++) {
      for (const line of CORPUS) expect(shape(parseLineFast(line)), line).toBe(shape(parseLine(line))); // prettier-ignore
    }
  });

  it("gives each line of a shared shape its own names, values, registers and spans", () => {
    const a = parseLineFast("movq 176(%rsi), %rax");
    const b = parseLineFast("\tmovl\t-8(%rbp),%ecx");
    expect(shape(b)).toBe(shape(parseLine("\tmovl\t-8(%rbp),%ecx")));
    expect(shape(a)).toBe(shape(parseLine("movq 176(%rsi), %rax")));
    expect(shape(a)).not.toBe(shape(b));
  });

  it("scans terminated strings as one token and leaves unterminated ones to the lexer", () => {
    expect(scan('.asciz "a\\"b#;"')).toBe(2);
    expect(scan('.ascii "", "x" # "')).toBe(4);
    expect(scan('.asciz "a')).toBe(-1);
    expect(scan('.asciz "a\\"')).toBe(-1);
    expect(scan('.asciz "a\\')).toBe(-1);
  });

  it("looks register and prefix names up by name code, in any case", () => {
    const names = ["rax", "r15d", "cr3", "al", "lock", "repnz", "x", "z9"];
    const table = new NameCodeTable(names.map((n, i) => [nameCode(n, 0, n.length), i]));
    names.forEach((n, i) => expect(table.get(nameCode(n.toUpperCase(), 0, n.length)), n).toBe(i));
    for (const miss of ["rbx", "r15w", "lock1", "rep", "y"]) expect(table.get(nameCode(miss, 0, miss.length)), miss).toBe(-1); // prettier-ignore
    expect(nameCode("r15_x", 0, 5)).toBe(-1);
    expect(table.get(-1)).toBe(-1);
    expect(scan("LOCK incq (%RAX), %Foo # c")).toBe(7);
    expect(String.fromCharCode(...SCANNED.codes.subarray(0, 7))).toBe("pn(Q),w");
  });

  it("equals parseLine on 6000 seeded mutants", () => {
    const rand = prng(0x7e3a_1a7e);
    let differ = 0;
    const first: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const line = mutate(CORPUS[Math.floor(rand() * CORPUS.length)]!, rand);
      if (shape(parseLineFast(line)) !== shape(parseLine(line))) {
        differ++;
        if (first.length < 5) first.push(line);
      }
    }
    expect(first).toEqual([]);
    expect(differ).toBe(0);
  });

  it("the parse cache keeps a text's parse from its second occurrence on", () => {
    const cache = new LineParseCache();
    const text = "\tmovq\t176(%rsi), %rax";
    const first = cache.parse(text);
    const second = cache.parse(text);
    const third = cache.parse(text);
    expect(shape(first)).toBe(shape(parseLine(text)));
    expect(second).not.toBe(first); // a one-off line's parse is not kept
    expect(third).toBe(second); // a repeated line's statements stay the same objects
    expect(shape(cache.parse("jne 1b"))).toBe(shape(parseLine("jne 1b")));
  });

  it("the parse cache tells kept texts apart by every character, and keeps raw bytes after them", () => {
    const cache = new LineParseCache();
    // Same lengths, one character apart, non-ASCII too: each kept entry answers for its own text.
    const texts = Array.from({ length: 3000 }, (_, i) => `movq $${i % 1000}, %r${8 + (i % 3)}${i >= 2000 ? "é" : ""}`); // prettier-ignore
    for (const t of texts) cache.parse(t);
    const kept = texts.map((t) => cache.parse(t)); // second occurrence: kept now
    texts.forEach((t, i) => {
      expect(cache.lookup(t), t).toBe(kept[i]);
      expect(shape(kept[i]), t).toBe(shape(parseLine(t)));
    });
    const raw = "addq $8, %rsp # raw";
    expect(cache.lookup(raw)).toBeUndefined();
    expect(cache.lookup(raw)).toBeUndefined();
    expect(cache.wantsKeep).toBe(true);
    cache.keepRaw(raw, Uint8Array.of(9, 1, 2, 3, 255), 1, 5, 0, 13);
    expect(cache.lookup(raw)).toBe(RAW_LINE);
    const k = cache.lastKept;
    expect([cache.rawSpanStart(k), cache.rawSpanEnd(k), cache.rawLength(k)]).toEqual([0, 13, 4]);
    const out = new Uint8Array(6);
    cache.copyRaw(k, out, 1);
    expect([...out]).toEqual([0, 1, 2, 3, 255, 0]);
    expect(cache.lookup("addq $8, %rsp # raX")).toBeUndefined();
  });

  it("the lexer's token patterns pass Chevrotain's validations (skipped at run time)", () => {
    const lexer = new Lexer(ALL_TOKENS, { ...LEXER_CONFIG, skipValidations: false });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
    expect(lexer.tokenize("movq 8(%rax), %rbx").tokens).toHaveLength(7);
  });

  it("the grammar passes Chevrotain's validations (skipped at run time)", () => {
    const parser = new AsmParser(true);
    parser.input = new Lexer(ALL_TOKENS, LEXER_CONFIG).tokenize("1: movq 8(%rax), %rbx").tokens;
    parser.statement();
    expect(parser.errors).toEqual([]);
  });
});
