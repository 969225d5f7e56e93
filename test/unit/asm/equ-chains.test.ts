// Re-assigned symbols (`x = x + 1` in a loop): GNU as keeps the value current at each assignment.
// A value not yet known (a forward label) is carried as an expression, so each re-assignment
// would nest the old one a level deeper: the assembler folds `(X + a) + b` into `X + (a + b)`,
// reports a symbol defined from itself before it has any value as a loop (as GNU as does), and
// refuses a chain it cannot fold past MAX_EQU_NESTING instead of overflowing its evaluator. The
// fuzzer found the overflow: `.rept 1000` around `i = i + 1` with `i` never set.
import { describe, expect, it } from "vitest";
import { asm, ok } from "./helpers.js";

function absValue(text: string, name: string): bigint | undefined {
  return ok(text).symbols.find((s) => s.name === name)?.value;
}

describe("re-assigned symbols", () => {
  it("keep one level for x = x + n on a value known only later (GNU as: x = y + 5003)", () => {
    const text = "\tx = y\n\t.rept 5000\n\tx = x + 1\n\t.endr\n\tx = x - 2\n\t.quad x\ny = 5\n";
    expect(absValue(text, "x")).toBe(5003n);
    const obj = ok(text);
    const data = obj.sections.find((s) => s.name === ".text")!.data;
    expect(new DataView(data.buffer, data.byteOffset).getBigUint64(0, true)).toBe(5003n);
  });

  it("report a symbol defined from itself before it has a value, once per assignment", () => {
    const r = asm("\ti = i + 1\n\t.rept 1000\n\t.rept 5\n\ti = i + 1\n\t.endr\n\t.endr\n");
    expect(r.object).toBeUndefined();
    const codes = new Set(r.diags.items.map((d) => d.code));
    expect([...codes]).toEqual(["E3043"]);
    expect(r.rendered).toContain("t.s:1:2: error[E3043]: symbol definition loop: 'i' is defined from itself before it has a value"); // prettier-ignore
  });

  it("refuse a chain that cannot be folded once it nests past the limit, without a crash", () => {
    const r = asm("\tx = y\n\t.rept 400\n\tx = x * 3\n\t.endr\n\t.quad x\ny = 1\n");
    expect(r.object).toBeUndefined();
    expect(r.rendered).toContain("error[E3043]: the value of 'x' nests more than 256 levels of re-assignments of a value not yet known"); // prettier-ignore
  });
});
