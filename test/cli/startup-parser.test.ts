// The assembler parser's start-up options (src/asm/parser.ts): the lazy lookahead strategy builds
// each decision's function on first use, so it must parse every line exactly as Chevrotain's
// stock (eager) strategy does; and the grammar, whose checks the CLI skips, must pass them.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { CstElement, CstNode, IRecognitionException, IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { asmLexer } from "../../src/asm/lexer.js";
import { AsmParser, asmParser } from "../../src/asm/parser.js";
import { ROOT } from "./helpers.js";

/** A CST as text: rule names, child labels, token types, images and offsets. */
function show(element: CstElement): string {
  if ("image" in element) {
    const t = element as IToken;
    return `${t.tokenType.name}'${t.image}'@${t.startOffset}`;
  }
  const node = element as CstNode;
  const keys = Object.keys(node.children).sort();
  return `${node.name}{${keys.map((k) => `${k}:[${node.children[k]!.map(show).join(",")}]`).join(" ")}}`; // prettier-ignore
}

function showErrors(errors: IRecognitionException[]): string {
  return errors.map((e) => `${e.message}@${e.token.startOffset}`).join(";");
}

type Rule = "statement" | "rawStatement";

/** Everything a parse of `tokens` with `rule` gives: the CST and the errors. */
function parse(parser: AsmParser, rule: Rule, tokens: IToken[]): string {
  parser.input = tokens;
  const cst = parser[rule]();
  return `${cst === undefined ? "-" : show(cst)} | ${showErrors(parser.errors)}`;
}

/** The benchmark's generated lines, plus lines that exercise the error paths. */
function corpus(): string[] {
  const r = spawnSync(process.execPath, [join(ROOT, "bench/gen-asm.mjs"), "2000"], { encoding: "utf8" }); // prettier-ignore
  expect(r.status).toBe(0);
  const generated = [...new Set(r.stdout.split("\n"))];
  expect(generated.length).toBeGreaterThan(1000);
  const odd = [
    "lock xaddq %rax, (%rbx)", "rep movsb", "1: 2: .L3: nop", "x = (1 + 2) << 3", ". = . + 8",
    "movq $-(1 << 12), %rax", "mov %fs:0x28, %rax", "jmp *8(%rax,%rbx,4)", ".ifc a,b", ".byte 'a, '\\n'",
    "mov (, %rax, 8), %rbx", "movq 176(%rsi), %rax ; ret", ".section .text,\"ax\",@progbits",
    "mov %eax,", "mov (%rax", "add $1 2", ".quad 1,,2", "%bogus", ")", "= 3", "lock", "movq 8(%rax %rbx)",
    "call *%rax", "ljmp $0x10, $1f", "mov $'\\101, %al", "x == y", "!x", "-~1", "\"unterminated",
  ]; // prettier-ignore
  return [...generated, ...odd];
}

describe("the assembler parser's start-up options", () => {
  it("parses every line with the lazy lookahead exactly as with Chevrotain's eager one", () => {
    const eager = new AsmParser(false, "eager");
    const lazy = new AsmParser(false, "lazy");
    let compared = 0;
    for (const line of corpus()) {
      const tokens = asmLexer.tokenize(line).tokens;
      for (const rule of ["statement", "rawStatement"] as const) {
        expect(parse(lazy, rule, tokens), `${rule}: ${line}`).toBe(parse(eager, rule, tokens));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it("the CLI's parser is the lazy one", () => {
    // Chevrotain keeps the strategy it was given; the eager default is an LLkLookaheadStrategy.
    const strategy = (p: AsmParser): object => (p as unknown as { lookaheadStrategy: object }).lookaheadStrategy; // prettier-ignore
    expect(strategy(asmParser()).constructor).toBe(Object);
    expect(strategy(new AsmParser(false, "eager")).constructor.name).toBe("LLkLookaheadStrategy");
  });

  it("the grammar passes Chevrotain's validations with either strategy", () => {
    // performSelfAnalysis throws on any grammar definition error when validations are on.
    for (const mode of ["lazy", "eager"] as const) {
      const parser = new AsmParser(true, mode);
      expect((parser as unknown as { definitionErrors: unknown[] }).definitionErrors).toEqual([]);
      expect(parse(parser, "statement", asmLexer.tokenize("1: movq 8(%rax), %rbx").tokens)).not.toMatch(/\|.+@/); // prettier-ignore
    }
  });
});
