// The assembler's line table (src/asm/emit.ts): every entry's file:line:col must be where the
// statement that produced its bytes is written, however the entries jump between files, macro
// bodies, sections and lines. The sources are generated so that each statement says what it
// emits (`movl $N, %eax` holds N in its bytecode, `.long N` is N), which makes the check
// independent of how the assembler finds lines.
import { describe, expect, it } from "vitest";
import type { LineEntry, LineSite, ObjectFile } from "../../../src/obj/index.js";
import { ok } from "./helpers.js";

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}

/** The most bytes an instruction's bytecode takes (its immediate lies inside them). */
const MAX_INSN_BYTES = 16;

interface Source {
  main: string;
  files: Record<string, string>;
}

/**
 * Statements over .text and .data, several to a line now and then, two macros whose bodies
 * come back many times, `.rept` blocks, an included file, and no newline at the very end.
 */
function generate(seed: number, statements: number): Source {
  const rand = prng(seed);
  let n = 1000;
  const stmt = () => (rand(2) ? `movl $${n++}, %eax` : `.long ${n++}`);
  const inc = ["movl $7001, %eax", "  .long 7002 ; .long 7003", ".text", "movl $7004, %eax"];
  const lines = [
    ".macro PAIR",
    "  movl $9001, %eax",
    "\t.long 9002",
    ".endm",
    ".macro DEEP",
    "  PAIR ; movl $9003, %eax",
    ".endm",
  ];
  for (let i = 0; i < statements; i++) {
    const r = rand(40);
    if (r === 0) lines.push(rand(2) ? ".text" : ".data");
    else if (r === 1) lines.push(rand(2) ? "PAIR" : "  DEEP");
    else if (r === 2) lines.push(`.rept 3\n  ${stmt()}\n.endr`);
    else if (r === 3) lines.push('.include "inc.s"');
    else if (r === 4) lines.push(`${stmt()} ; ${stmt()};${stmt()}`);
    else if (r === 5) lines.push("", "# a comment line");
    else lines.push(`${" ".repeat(rand(3))}${stmt()}`);
  }
  return { main: lines.join("\n"), files: { "inc/inc.s": inc.join("\n") + "\n" } };
}

/** The value a statement written at `text` emits, if it is one of the generated forms. */
function statedValue(text: string): number | undefined {
  const m = /^(?:movl \$(\d+), %eax|\.long (\d+))/.exec(text);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/** Whether the bytes at an entry hold `value`: a `.long` is it, an instruction contains it. */
function emits(obj: ObjectFile, e: LineEntry, text: string, value: number): boolean {
  const data = obj.sections[e.section]!.data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (text.startsWith(".long")) return view.getUint32(e.offset, true) === value;
  const end = Math.min(e.offset + MAX_INSN_BYTES, data.length - 4);
  for (let at = e.offset; at <= end; at++) if (view.getUint32(at, true) === value) return true;
  return false;
}

/** What each kind of expansion site's position points at. */
const SITE_TEXT: Partial<Record<LineSite["kind"], RegExp>> = {
  "gas-macro": /^(PAIR|DEEP)/,
  rept: /^\.rept 3/,
  include: /^"inc\.s"/,
};

function checkLines(src: Source): number {
  const obj = ok(src.main, src.files);
  const texts: Record<string, string[]> = { "t.s": src.main.split("\n") };
  for (const [name, text] of Object.entries(src.files))
    texts[name.replace(/^inc\//, "inc/")] = text.split("\n");
  let checked = 0;
  for (const e of obj.lines) {
    const fileLines = texts[e.file] ?? texts[`inc/${e.file.replace(/^inc\//, "")}`];
    expect(fileLines, e.file).toBeDefined();
    const text = fileLines![e.line - 1]!.slice(e.col - 1);
    const stated = statedValue(text);
    expect(stated, `${e.file}:${e.line}:${e.col} "${text}"`).toBeDefined();
    expect(emits(obj, e, text, stated!), `${e.file}:${e.line}:${e.col} "${text}"`).toBe(true);
    for (const site of e.chain) {
      const at = (texts[site.file] ?? texts[`inc/${site.file}`])![site.line - 1]!;
      expect(at.slice(site.col - 1), site.kind).toMatch(SITE_TEXT[site.kind]!);
    }
    checked++;
  }
  return checked;
}

describe("line-table positions", () => {
  it.each([1, 2, 3, 4, 5])("point at the statement of each entry (seed %i)", (seed) => {
    const src = generate(seed, 1500);
    // Every statement was checked, macro bodies and included lines among them.
    expect(checkLines(src)).toBeGreaterThan(1500);
  });

  it("report the last line for a statement on an unterminated last line", () => {
    const obj = ok("nop\n\n  nop ; nop");
    expect(obj.lines.map((l) => [l.line, l.col])).toEqual([
      [1, 1],
      [3, 3],
      [3, 9],
    ]);
  });
});
