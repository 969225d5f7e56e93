// The Chrome trace export: the structure Perfetto and chrome://tracing need (required fields,
// one named track per CPU, non-decreasing timestamps per track, properly nested complete
// events), episodes with their phases and user-CR3 stretches, and instant events.
import { describe, expect, it } from "vitest";
import { CostModel, exportChrome, PTI_USER_BIT } from "../../../src/trace/index.js";
import type { ChromeEvent, TraceRecord } from "../../../src/trace/index.js";
import { ofKind, recordPair } from "./diff-helpers.js";

const rs = recordPair();
const trace = exportChrome(rs, { cost: new CostModel() });
const events = trace.traceEvents;
const track = (tid: number): ChromeEvent[] => events.filter((e) => e.tid === tid && e.ph !== "M");

/** Check that the X events of a track nest: each one inside every open one that it overlaps. */
function nests(list: readonly ChromeEvent[]): boolean {
  const open: { end: number }[] = [];
  for (const e of list.filter((x) => x.ph === "X")) {
    while (open.length > 0 && open[open.length - 1]!.end <= e.ts) open.pop();
    const end = e.ts + e.dur!;
    if (open.length > 0 && end > open[open.length - 1]!.end) return false;
    open.push({ end });
  }
  return true;
}

describe("exportChrome", () => {
  it("writes events with the required fields, one named track per CPU", () => {
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace); // plain JSON
    for (const e of events) {
      expect(typeof e.name).toBe("string");
      expect(["X", "i", "M"]).toContain(e.ph);
      expect(Number.isInteger(e.ts) && e.ts >= 0).toBe(true);
      expect(e.pid).toBe(0);
      expect(Number.isInteger(e.tid)).toBe(true);
      if (e.ph === "X") expect(e.dur! > 0).toBe(true);
      if (e.ph === "i") expect(e.s).toBe("t");
    }
    expect(events.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => e.args!.name)).toEqual(["CPU 0"]); // prettier-ignore
  });

  it("keeps timestamps non-decreasing and complete events nested on each track", () => {
    const t = track(0);
    for (let i = 1; i < t.length; i++) expect(t[i]!.ts).toBeGreaterThanOrEqual(t[i - 1]!.ts);
    expect(nests(t)).toBe(true);
  });

  it("makes each episode a complete event from its entering count, instructions as duration", () => {
    const eps = events.filter((e) => e.cat === "episode");
    expect(eps.map((e) => e.name)).toEqual(["syscall 39", "syscall 39", "vector 128", "syscall 60"]); // prettier-ignore
    const enter = ofKind(rs, "syscall")[0]!;
    const ret = ofKind(rs, "sysret")[0]!;
    expect(eps[0]).toMatchObject({ ts: enter.icount, dur: ret.icount - enter.icount + 1 });
    expect(eps[0]!.args!.estimatedCycles).toBeGreaterThan(eps[0]!.dur!);
    expect(eps[3]!.args!.open).toBeDefined();
  });

  it("splits an episode into entry, kernel and exit at its CR3 writes, with the user-CR3 stretches inside", () => {
    const ep = events.find((e) => e.cat === "episode")!;
    const end = ep.ts + ep.dur!;
    const inside = (e: ChromeEvent): boolean => e.ts >= ep.ts && e.ts < end;
    const phases = events.filter((e) => e.cat === "phase" && inside(e));
    expect(phases.map((p) => p.name)).toEqual(["entry", "kernel", "exit"]);
    const cr3 = ofKind(rs, "cr", "cr3").filter((r) => r.icount > ep.ts && r.icount < end) as (TraceRecord & { kind: "cr" })[]; // prettier-ignore
    expect(phases[0]).toMatchObject({ ts: ep.ts, dur: cr3[0]!.icount + 1 - ep.ts });
    expect(phases[2]).toMatchObject({ ts: cr3[1]!.icount, dur: end - cr3[1]!.icount });
    const user = events.filter((e) => e.name === "user CR3" && inside(e));
    expect(user.reduce((n, e) => n + e.dur!, 0)).toBe(ep.args!.userCr3Instructions);
    expect(user.reduce((n, e) => n + e.dur!, 0)).toBe(cr3[0]!.icount + 1 - ep.ts + (end - cr3[1]!.icount - 1)); // prettier-ignore
    expect((cr3[0]!.new & PTI_USER_BIT) === 0n).toBe(true);
  });

  it("marks CR3 writes, SWAPGS and the run end as instants", () => {
    const instants = events.filter((e) => e.ph === "i");
    expect(instants.filter((e) => e.cat === "cr3")).toHaveLength(ofKind(rs, "cr", "cr3").length);
    expect(instants.filter((e) => e.name === "SWAPGS")).toHaveLength(ofKind(rs, "swapgs").length);
    expect(instants[instants.length - 1]).toMatchObject({ name: "end: exit 1", cat: "end" });
  });
});
