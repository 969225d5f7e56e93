// Fixups that are a lone name take a short path in src/asm/layout.ts (`resolveName`) instead of
// the general evaluator. A name plus zero is the same value but goes the general way, so for
// every kind of name in every kind of field both spellings must give the same object bytes,
// relocations and diagnostics.
import { describe, expect, it } from "vitest";
import { asm } from "./helpers.js";

/** Fields that take an expression, with T standing for it. */
const FIELDS = [
  "jmp T",
  "jne T",
  "call T",
  "movq T(%rip), %rax",
  "leaq T(%rip), %rdi",
  "movl $T, %eax",
  "movq T, %rax",
  "movq T(%rbx), %rax",
  ".quad T",
  ".long T",
  ".data\n.quad T\n.text",
  ".data\n.long T\n.text",
];

/** Names of every kind the short path meets or must leave alone. */
const NAMES = [
  "near", // a label later in .text
  "back", // a label earlier in .text
  "datum", // a label in .data
  "glob", // a global label
  "weakling", // a weak label
  "ext", // never defined
  "K", // a global equate of a constant
  "E", // an equate of a label
  "F", // a global equate of a constant, defined after the field
  "G", // an equate of a label, defined after the field
  "1b",
  "1f",
  ".Lnowhere", // an undefined local: an error
  "2f", // an undefined numeric label: an error
];

function source(field: string, name: string): string {
  return [
    ".globl glob, K",
    ".weak weakling",
    "K = 5",
    "E = back + 3",
    ".data",
    "datum: .long 1",
    ".text",
    "back: nop",
    "1: nop",
    field.replaceAll("T", name),
    "1: nop",
    "near: nop",
    "glob: nop",
    "weakling: ret",
    ".globl F",
    "F = 9",
    "G = near + 1",
  ].join("\n");
}

function outcome(text: string) {
  const r = asm(text);
  return {
    sections: r.object?.sections.map((s) => [s.name, [...s.data], s.relocs]),
    symbols: r.object?.symbols,
    diags: r.diags.items.map((d) => [d.code, d.message]),
  };
}

describe("a fixup naming a symbol", () => {
  for (const field of FIELDS) {
    it.each(NAMES)(`${JSON.stringify(field)} with %s: the same as the name plus zero`, (name) => {
      const short = outcome(source(field, name));
      expect(short).toEqual(outcome(source(field, `${name}+0`)));
    });
  }

  it("is resolved in place within a section and relocated across sections", () => {
    const r = asm(source("jmp back\nmovq datum(%rip), %rax\ncall ext", ""));
    const text = r.object!.sections[0]!;
    expect(text.relocs.map((x) => r.object!.symbols[x.symbol]!.name)).toEqual([".data", "ext"]);
  });
});
