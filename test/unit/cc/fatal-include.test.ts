// A missing #include ends the compilation with that one error, as gcc's "compilation terminated":
// compiling on would report every name the header should have declared.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, memoryHost } from "../../../src/diag/index.js";
import { compileText } from "../../../src/cc/index.js";
import { assembleText } from "../../../src/asm/index.js";

function opts() {
  return { host: memoryHost({}), sources: new SourceManager(), diags: new DiagnosticBag() };
}

describe("a missing #include is fatal", () => {
  it("in handler-C", () => {
    const o = opts();
    const r = compileText("a.c", '#include "nope.h"\nint f(void) { return undeclared; }\n', o);
    expect(r.asm).toBeUndefined();
    expect(o.diags.items.map((d) => d.code)).toEqual(["E1009"]);
  });

  it("in assembly", () => {
    const o = opts();
    const r = assembleText("a.S", '#include "nope.h"\n\tfrobnicate %rax\n', o);
    expect(r.object).toBeUndefined();
    expect(o.diags.items.map((d) => d.code)).toEqual(["E1009"]);
  });
});
