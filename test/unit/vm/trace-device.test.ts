// The trace device (src/vm/devices/trace.ts): a guest's `outl %eax, %dx` to TRACE_PORT with the
// record's address in RDI becomes a sched-switch / sched-wakeup / sched-exit event with the
// record's fields, and a signal_deliver record a signal-deliver event with si_code by name; the
// record is read through the CPU's page tables (also across a page boundary); unmapped records
// and unknown types are ignored; without a sink nothing is read.
import { afterEach, describe, expect, it, vi } from "vitest";
import { assembleText } from "../../../src/asm/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { link } from "../../../src/link/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";
import {
  taskStateName,
  TRACE_PORT,
  TRACE_SCHED_EXIT,
  TRACE_SCHED_SWITCH,
  TRACE_SCHED_WAKEUP,
  TRACE_SIGNAL_DELIVER,
} from "../../../src/vm/index.js";
import type { MachineOptions, VmEvent } from "../../../src/vm/index.js";
import { TraceDevice } from "../../../src/vm/devices/trace.js";
import { fileHost } from "../../support/host.js";
import { runImage } from "../../system/run.js";

/** A comm as the kernel stores it: TASK_COMM_LEN bytes, NUL-padded (`bytes`: its length in bytes). */
const comm = (s: string, bytes = s.length): string => `.ascii "${s}"\n\t.skip ${16 - bytes}`;

/** One OUT of `type` with RDI = `addr` (an expression). */
const out = (type: number, addr: string): string =>
  `movl $${type}, %eax\n\tmovw $${TRACE_PORT}, %dx\n\tmovq ${addr}, %rdi\n\toutl %eax, %dx`;

/** Records at known places, the last one straddling a page boundary. */
const PROGRAM = `
	.text
	.globl _start
_start:
	${out(TRACE_SCHED_SWITCH, "$sw")}
	${out(TRACE_SCHED_WAKEUP, "$wk")}
	${out(TRACE_SCHED_EXIT, "$ex")}
	${out(99, "$sw")}
	${out(TRACE_SCHED_SWITCH, "$0x7fff00000000")}
	${out(TRACE_SCHED_SWITCH, "$split")}
	${out(TRACE_SIGNAL_DELIVER, "$sg")}
	${out(TRACE_SIGNAL_DELIVER, "$sg + 40")}
	${out(TRACE_SIGNAL_DELIVER, "$sg + 80")}
	movb	$0, %al
	outb	%al, $0xf4
	.data
	.balign	8
sw:	${comm("pingpong")}
	.quad	1, 1
	${comm("swapper")}
	.quad	0
wk:	${comm("sleeper")}
	.quad	2, 1, 3
ex:	${comm("a-comm-of-16-by")}
	.quad	7
sg:	.quad	10, 0, -6, 0x400070, 0x04000004
	.quad	11, 0, 2, 0, 0
	.quad	11, 0, 9, 0, 0
	.balign	4096
	.skip	4096 - 20
split:	${comm("dead\\001one", 8)}
	.quad	5, 0x80
	${comm("next")}
	.quad	6
`;

function build(): ObjectFile {
  const diags = new DiagnosticBag();
  const r = assembleText("trace-device.S", PROGRAM, { host: fileHost, sources: new SourceManager(), diags }); // prettier-ignore
  const image = r.object && link([r.object], { diags });
  if (!image || diags.hasErrors) throw new Error(diags.items.map((d) => d.message).join("\n"));
  return image;
}

function run(opts: MachineOptions = {}, prefix = "sched-"): VmEvent[] {
  const events: VmEvent[] = [];
  const res = runImage(build(), { ...opts, events: { event: (e) => events.push(e) } });
  expect(res.result.reason).toBe("exit");
  return events.filter((e) => e.kind.startsWith(prefix));
}

afterEach(() => vi.restoreAllMocks());

describe("the trace device", () => {
  it("turns each record into its event, fields as the kernel wrote them", () => {
    const [sw, wk, ex] = run();
    expect(sw).toMatchObject({ kind: "sched-switch", cpu: 0, prevComm: "pingpong", prevPid: 1, prevState: "sleeping", nextComm: "swapper", nextPid: 0 }); // prettier-ignore
    expect(wk).toMatchObject({
      kind: "sched-wakeup",
      comm: "sleeper",
      pid: 2,
      targetCpu: 1,
      by: 3,
    });
    expect(ex).toMatchObject({ kind: "sched-exit", comm: "a-comm-of-16-by", pid: 7 });
    // The OUT's own RIP and the count before it, as every event has.
    expect(sw!.icount).toBe(3);
  });

  it("turns a signal_deliver record into its event: si_code named (negative too) or in decimal", () => {
    const sig = run({}, "signal-");
    expect(
      sig.map((e) => e.kind === "signal-deliver" && [e.sig, e.errno, e.code, e.handler, e.flags]),
    ).toEqual([
      // prettier-ignore
      [10, 0, "SI_TKILL", 0x400070n, 0x04000004],
      [11, 0, "SEGV_ACCERR", 0n, 0],
      [11, 0, "9", 0n, 0],
    ]);
  });

  it("ignores unknown types and unmapped records, and reads one across a page boundary", () => {
    const all = run();
    expect(all.map((e) => e.kind)).toEqual(["sched-switch", "sched-wakeup", "sched-exit", "sched-switch"]); // prettier-ignore
    expect(all[3]).toMatchObject({ prevComm: "dead?one", prevPid: 5, prevState: "dead", nextComm: "next", nextPid: 6 }); // prettier-ignore
  });

  it("reports the same from compiled blocks as from the interpreter", () => {
    const strip = (es: VmEvent[]) => es.map((e) => JSON.stringify(e, (_, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v))); // prettier-ignore
    expect(strip(run({ jit: true, jitThreshold: 0 }))).toEqual(strip(run({ jit: false })));
  });

  it("reads nothing when no sink listens", () => {
    const read = vi.spyOn(TraceDevice.prototype as unknown as { read: () => unknown }, "read");
    const res = runImage(build());
    expect(res.result.reason).toBe("exit");
    expect(read).not.toHaveBeenCalled();
    run();
    expect(read).toHaveBeenCalledTimes(8); // seven mapped records and the unmapped one
  });

  it("names Linux's task states", () => {
    expect([0, 1, 2, 0x80, 0x81, 0x400].map(taskStateName)).toEqual(["running", "sleeping", "sleeping", "dead", "dead", "state 0x400"]); // prettier-ignore
  });
});
