// FileLines (src/asm/source-line.ts) makes a file's lines on demand; it must give exactly the
// lines, texts and Locs of a plain split at "\n" (CRLF trimmed, no empty line after a final
// newline).
import { describe, expect, it } from "vitest";
import { SourceManager } from "../../../src/diag/index.js";
import { fileLines } from "../../../src/asm/source-line.js";

/** The reference split, written the obvious way. */
function naive(text: string): { text: string; start: number }[] {
  if (text === "") return [];
  const parts = text.split("\n");
  if (text.endsWith("\n")) parts.pop();
  let at = 0;
  return parts.map((p) => {
    const line = { text: p.endsWith("\r") ? p.slice(0, -1) : p, start: at };
    at += p.length + 1;
    return line;
  });
}

describe("FileLines", () => {
  const cases = ["", "\n", "a", "a\n", "a\nb", "a\n\n", "\n\nx", "mov %rax,%rbx\r\nret\r\n", "x\r", "a\n\r\n b \n"]; // prettier-ignore
  for (const text of cases) {
    it(`splits ${JSON.stringify(text)} like a plain split`, () => {
      const file = new SourceManager().add("t.s", text);
      const lines = fileLines(file);
      const want = naive(text);
      expect(lines.length).toBe(want.length);
      expect(lines.slice(0, lines.length).map((l) => l.text)).toEqual(want.map((w) => w.text));
      want.forEach((w, i) => {
        const loc = lines.at(i)!.spanLoc(0, w.text.length);
        expect([loc.file, loc.start, loc.end]).toEqual([file.id, w.start, w.start + w.text.length]);
      });
      expect(lines.at(want.length)).toBeUndefined();
      expect(lines.at(-1)).toBeUndefined();
    });
  }

  it("finds lines holding a needle that match a pattern", () => {
    const file = new SourceManager().add("t.s", "a; b\n.rept 2\n.rept 2; nop\n");
    expect(fileLines(file).someLineWith(";", /\.rept/)).toBe(true);
    expect(fileLines(file).someLineWith(";", /\.irp/)).toBe(false);
  });
});
