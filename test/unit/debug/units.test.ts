// `FILE:SYM` by compilation unit: apic_eoi is a static inline of <asm/apic.h> that time.c (the
// local timer's handler) and traps.c (the reschedule IPI, stray interrupts) each compile a copy
// of. Both copies' first line is in apic.h, so only the unit — the object's STT_FILE symbol — tells
// `break time.c:apic_eoi` from `break traps.c:apic_eoi`, as gdb's FILE:FUNCTION does.
import { describe, expect, it } from "vitest";
import { assembleText } from "../../../src/asm/index.js";
import { Debugger, DebugEvents } from "../../../src/debug/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { link } from "../../../src/link/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";
import { createMachine } from "../../../src/vm/index.js";
import { kernelDebugger } from "./helpers.js";

const PTI = { pti: true, pcid: true };
const UNIT = "src/kernel-rt/runtime";

/** The address the ambiguity error gives for the copy compiled in `unit`. */
function copyIn(message: string, unit: string): string {
  const m = new RegExp(`(0x[0-9a-f]{16}) \\([^)]*apic\\.h:\\d+, unit ${unit}\\)`).exec(message);
  expect(m, message).not.toBeNull();
  return m![1]!;
}

describe("break FILE:SYM by compilation unit", () => {
  it("names each copy's unit in the ambiguity error", () => {
    const d = kernelDebugger(["spinner"], PTI);
    const both = d.execute("break apic_eoi");
    expect(copyIn(both, `${UNIT}/time.c`)).not.toBe(copyIn(both, `${UNIT}/traps.c`));
    // The header names both copies: still ambiguous, and the error still lists the units.
    expect(d.execute("break apic.h:apic_eoi")).toBe(both);
  });

  it("`break time.c:apic_eoi` sets the breakpoint on time.c's copy and stops there on a tick", () => {
    const d = kernelDebugger(["spinner"], PTI);
    const both = d.execute("break apic_eoi");
    const timer = copyIn(both, `${UNIT}/time.c`);
    expect(d.execute("break time.c:apic_eoi")).toMatch(new RegExp(`^Breakpoint 1 at ${timer}: apic_eoi\\+0x0 \\(.*apic\\.h:\\d+\\)$`)); // prettier-ignore
    expect(d.execute("break runtime/traps.c:apic_eoi")).toMatch(new RegExp(`^Breakpoint 2 at ${copyIn(both, `${UNIT}/traps.c`)}: `)); // prettier-ignore
    expect(d.execute("c")).toMatch(/^Breakpoint 1, apic_eoi\+0x0 \(.*apic\.h:\d+\)\n=> /);
    expect(d.execute("regs")).toMatch(new RegExp(`^rip ${timer} `, "m"));
    // Entered by the local APIC timer's vector (LOCAL_TIMER_VECTOR 0xec), the handler in time.c.
    expect(d.execute("where")).toMatch(/^#0 .*apic_eoi\+0x0 .*\n#1 .*\[entered by vector 236\]$/);
  });

  it("takes a unit in every location argument (x reads time.c's copy)", () => {
    const d = kernelDebugger(["spinner"], PTI);
    const timer = copyIn(d.execute("break apic_eoi"), `${UNIT}/time.c`);
    expect(d.execute("x/1g time.c:apic_eoi")).toMatch(new RegExp(`^${timer} `));
  });

  it("keeps today's meaning: the file of the first line, and no unit for a name it lacks", () => {
    const d = kernelDebugger(["spinner"], PTI);
    expect(d.execute("break sched.c:schedule")).toMatch(/^Breakpoint 1 at 0x[0-9a-f]+: schedule\+0x0 \(src\/kernel-rt\/runtime\/sched\.c:\d+\)$/); // prettier-ignore
    expect(d.execute("break fork.c:apic_eoi")).toBe("error: no symbol 'apic_eoi' in fork.c");
  });
});

/** An object whose static `foo` has its first line at `line` of `file` and its unit `unit`. */
function copy(file: string, unit: string, line: number): ObjectFile {
  const text = `.file "${unit}"\n.text\n${"\n".repeat(line - 4)}foo:\n  ret\n`;
  const diags = new DiagnosticBag();
  const o = assembleText(file, text, { host: { readFile: () => undefined }, sources: new SourceManager(), diags }); // prettier-ignore
  expect(diags.items).toEqual([]);
  return o.object!;
}

/** A debugger over copies of `foo` (nothing runs: `break` only resolves). */
function copies(objects: ObjectFile[]): Debugger {
  const start = copy("start.s", "start.s", 4);
  start.symbols.find((s) => s.name === "foo")!.name = "_start";
  start.symbols.find((s) => s.name === "_start")!.binding = "global";
  const diags = new DiagnosticBag();
  const image = link([start, ...objects], { diags })!;
  expect(diags.items).toEqual([]);
  const events = new DebugEvents();
  return new Debugger({ machine: createMachine({ events }), events, images: [image] });
}

describe("FILE:SYM when the first line and the unit both name candidates", () => {
  // A and B: a header's static inline compiled in x.c and y.c; C and D: copies whose first line is
  // in x.c itself (x.c included by z.c and w.c).
  const A = () => copy("lib/x.h", "lib/x.c", 5);
  const B = () => copy("lib/x.h", "lib/y.c", 6);
  const C = () => copy("lib/x.c", "lib/z.c", 7);
  const D = () => copy("lib/x.c", "lib/w.c", 8);

  it("takes the unit when the line names none, and refuses when neither leaves one", () => {
    const d = copies([A(), B()]);
    expect(d.execute("break x.c:foo")).toMatch(/^Breakpoint 1 at 0x[0-9a-f]+: foo\+0x0 \(lib\/x\.h:5\)$/); // prettier-ignore
    expect(d.execute("break y.c:foo")).toMatch(/: foo\+0x0 \(lib\/x\.h:6\)$/);
    expect(d.execute("break x.h:foo")).toMatch(/^error: 'foo' names 2 symbols, at 0x[0-9a-f]{16} \(lib\/x\.h:5, unit lib\/x\.c\) and 0x[0-9a-f]{16} \(lib\/x\.h:6, unit lib\/y\.c\): give FILE:foo or the address$/); // prettier-ignore
  });

  it("prefers the first line's file when both readings leave exactly one", () => {
    expect(copies([A(), C()]).execute("break x.c:foo")).toMatch(/: foo\+0x0 \(lib\/x\.c:7\)$/);
  });

  it("prefers the unit when only it leaves exactly one", () => {
    expect(copies([A(), C(), D()]).execute("break x.c:foo")).toMatch(/: foo\+0x0 \(lib\/x\.h:5\)$/); // prettier-ignore
  });

  it("lists the candidates of both readings when neither leaves one", () => {
    const e = copies([A(), copy("lib/x.h", "lib/x.c", 9), C(), D()]).execute("break x.c:foo");
    expect(e).toMatch(/^error: 'foo' names 4 symbols, at /);
    expect([...e.matchAll(/unit (\S+)\)/g)].map((m) => m[1])).toEqual(["lib/z.c", "lib/w.c", "lib/x.c", "lib/x.c"]); // prettier-ignore
  });
});
