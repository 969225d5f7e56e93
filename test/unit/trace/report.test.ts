// `trace report` (src/trace/report): the page for a small hand-made trace (every section, with
// the numbers worked out by hand), a violated check linked to its timeline mark, escaping of
// what a trace names, determinism, well-formed markup, the timeline's budget on a long trace,
// and real traces — roundtrip.S, the diff pair, and the model kernel's baseline and patch 1.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import { bootKernel, buildKernel } from "../../../src/kernel-rt/index.js";
import type { KernelBuild } from "../../../src/kernel-rt/index.js";
import {
  CHECKS,
  CostModel,
  TraceRecorder,
  aggregate,
  cpuTimeline,
  diffTraces,
  elementCount,
  escapeHtml,
  formatDiff,
  formatText,
  traceReport,
  traceStats,
  triggerTotals,
} from "../../../src/trace/index.js";
import type { Segment, TraceRecord } from "../../../src/trace/index.js";
import type { EventLevel } from "../../../src/vm/index.js";
import { host, program, theKernel } from "../kernel-rt/helpers.js";
import { recordPair } from "./diff-helpers.js";
import { buildProgram, runProgram } from "./helpers.js";
import { checkHtml } from "./html-check.js";

const KPGD = 0x10000n;
/** The user half of the PTI pair: the kernel PGD + 4 KiB (CR3 bit 12). */
const UPGD = 0x11000n;
const USER_GS = 0x7000n;
const KERNEL_GS = 0xffff888000100000n;
const KSTACK = "kernel stack of pid 1";
const USTACK = "user stack of pid 1";

const at = (kind: string, icount: number, more: object = {}): TraceRecord => ({ kind, cpu: 0, icount, rip: 0xffffffff81000000n + BigInt(icount), rsp: 0n, ...more }) as TraceRecord; // prettier-ignore
const cr3 = (icount: number, old: bigint, now: bigint, pcid = 0): TraceRecord => at("cr", icount, { reg: "cr3", old, new: now, flushed: 0, pcid, noflush: pcid !== 0 }); // prettier-ignore
const swapgs = (icount: number, gs: bigint, kgs: bigint): TraceRecord => at("swapgs", icount, { gsBase: gs, kernelGsBase: kgs }); // prettier-ignore
const stack = (icount: number, from: string, to: string, cause: string): TraceRecord => at("stack", icount, { from, to, cause }); // prettier-ignore

/**
 * Boot on the kernel CR3 to count 30 (the user CR3 loaded at 25), SYSRETQ to user mode, one
 * getpid (SYSCALL at 50 → SYSRETQ at 72, the kernel CR3 from 53 to 70), exit at 100.
 * `withExitSwapgs: false` drops the exit path's SWAPGS: user mode gets the kernel's GS base.
 */
function handMade(withExitSwapgs = true): TraceRecord[] {
  return [
    stack(0, "-", KSTACK, "walk"),
    cr3(25, KPGD, UPGD),
    at("sysret", 30, { target: 0x401000n, cs: 0x33, ss: 0x2b }),
    stack(30, KSTACK, USTACK, "sysret"),
    at("syscall", 50, { target: 0xffffffff81000000n, rax: 39n }),
    swapgs(51, KERNEL_GS, USER_GS),
    cr3(52, UPGD | 1n, KPGD | 1n, 1),
    stack(52, USTACK, KSTACK, "cr"),
    cr3(70, KPGD | 1n, UPGD | 0x801n, 0x801),
    stack(70, KSTACK, USTACK, "cr"),
    ...(withExitSwapgs ? [swapgs(71, USER_GS, KERNEL_GS)] : []),
    at("sysret", 72, { target: 0x401000n, cs: 0x33, ss: 0x2b, sym: "syscall_return_via_sysret+0x20" }), // prettier-ignore
    at("end", 100, { reason: "exit", exitStatus: 0, insns: [100] }),
  ];
}

/** The text of a section (tags dropped, entities kept). */
function sectionText(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
  if (!m) throw new Error(`no section ${id}`);
  return m[1]!.replace(/<svg[\s\S]*?<\/svg>/g, "[svg]").replace(/<[^>]+>/g, " ").replace(/\s+/g, " "); // prettier-ignore
}

/** The cells of the first table row whose first cells are `lead`. */
function row(html: string, ...lead: string[]): string[] {
  for (const m of html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)) {
    const cells = [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, "")); // prettier-ignore
    if (lead.every((l, i) => cells[i] === l)) return cells;
  }
  throw new Error(`no row ${lead.join(" | ")}`);
}

describe("the report of a hand-made trace", () => {
  const rs = handMade();
  const html = traceReport(rs, { names: { trace: "small.jsonl" } });

  it("is one well-formed page with its sections and a contents bar, nothing loaded from elsewhere", () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(checkHtml(html).problems).toEqual([]);
    for (const id of ["summary", "checks", "timeline", "episodes"]) {
      expect(html).toContain(`<section id="${id}">`);
      expect(html).toContain(`<a href="#${id}">`);
    }
    expect(html).not.toContain('<section id="diff">'); // no --diff
    // Self-contained: no script, no external resource, no URL but anchors (and SVG's namespace).
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
    expect(html.match(/https?:\/\/[^"]*/g) ?? []).toEqual(["http://www.w3.org/2000/svg", "http://www.w3.org/2000/svg"]); // prettier-ignore
  });

  it("summarises the run: records, instructions, user-CR3 count, episodes, how it ended", () => {
    const s = sectionText(html, "summary");
    expect(s).toContain("trace small.jsonl");
    expect(s).toContain("trace level system");
    expect(s).toContain("CPUs 1");
    expect(s).toContain("records 13: cr 3, end 1, stack 4, swapgs 2, syscall 1, sysret 2");
    expect(s).toContain("instructions 100");
    // User CR3 from count 26 (after the write at 25) through 52 (the write's own instruction),
    // and from 71 on: 27 + 29.
    expect(s).toContain("on the user CR3 56 (bit 12, from the CR3-write timeline)");
    expect(s).toContain("episodes 1 user→kernel→user round trips");
    expect(s).toContain("run end exit, exit status 0, at count 100 on CPU 0");
  });

  it("lists every check; none violated here", () => {
    const s = sectionText(html, "checks");
    expect(s).toContain("No check is violated.");
    expect(row(html, "ok", "swapgs-balance")).toHaveLength(4);
    expect(row(html, "ok", "user-return-with-kernel-cr3")).toHaveLength(4);
    expect(row(html, "skipped", "kernel-code-on-user-cr3")[3]).toBe("needs a trace with --trace-level insn"); // prettier-ignore
  });

  it("tables the episode as trace stats counts it, with estimated cycles said to be an estimate", () => {
    // SYSCALL at 50 through SYSRETQ at 72: 23 instructions; on the user CR3: 50–52 and 71–72.
    const ep = row(html, "1", "syscall 39", "50", "72");
    // TLB misses: "-", a system-level trace has no page walks to count.
    expect(ep.slice(4, 11)).toEqual(["23", "5", "2", "-", "0", "0", "0"]);
    // Cycles: 23 instructions, the two CR3 writes (no flush), the two SWAPGS, SYSCALL and SYSRETQ each in place of one.
    const c = new CostModel().figures;
    expect(Number(ep[11])).toBe(23 * c.insn + 2 * (c.cr3NoFlush - c.insn) + 2 * (c.swapgs - c.insn) + (c.syscall - c.insn) + (c.sysret - c.insn)); // prettier-ignore
    expect(row(html, "1", "syscall 39", "23")).toEqual(["1", "syscall 39", "23", "5", "2", "-", "0", "0", "0", ep[11]]); // prettier-ignore
    const s = sectionText(html, "episodes");
    expect(s).toContain("an estimate: see the cost model in docs/trace-format.md");
    expect(s).toContain("The cost model&#39;s figures (the default figures)");
    expect(row(html, "cr3NoFlush")).toEqual(["cr3NoFlush", String(c.cr3NoFlush), ""]);
  });

  it("names an overriding cost file and shows the figures it changed", () => {
    const page = traceReport(rs, { names: { trace: "small.jsonl", cost: "my-costs.json" }, cost: new CostModel({ swapgs: 40 }) }); // prettier-ignore
    expect(sectionText(page, "episodes")).toContain(
      "(the default figures, overridden by my-costs.json)",
    );
    expect(row(page, "swapgs")).toEqual(["swapgs", "40", "default 25"]);
  });

  it("draws the timeline's bands from the records: mode, page table, stack, the episode", () => {
    const t = cpuTimeline(traceStats(rs).cpus[0]!, rs, []);
    const [mode, pt, st, eps] = t.bands.map((b) => b.segments.map((s) => [s.key, s.from, s.to]));
    expect(mode).toEqual([["cpl-kernel", 0, 31], ["cpl-user", 31, 51], ["cpl-kernel", 51, 73], ["cpl-user", 73, 100]]); // prettier-ignore
    expect(pt).toEqual([["pt-kernel", 0, 26], ["pt-user", 26, 53], ["pt-kernel", 53, 71], ["pt-user", 71, 100]]); // prettier-ignore
    // The first move is recorded at count 0: it applies from instruction 1 (before it: no region).
    expect(st).toEqual([["stack-none", 0, 1], ["stack-kernel", 1, 31], ["stack-user", 31, 53], ["stack-kernel", 53, 71], ["stack-user", 71, 100]]); // prettier-ignore
    expect(eps).toEqual([["ep-syscall", 50, 73]]);
    expect(t.bands[3]!.segments[0]!.title).toMatch(/^syscall 39 #1: counts 50–72, 23 instructions, 5 on the user CR3, 2 CR3 writes/); // prettier-ignore
    expect(t.marks[0]!.marks.map((m) => m.at)).toEqual([25, 52, 70]);
    // As SVG: one rect per segment, each with its tooltip.
    expect(html).toContain(`<title>user page table, CR3 0x11000 (address space 0x10000): counts 26–52 (27 instructions)</title>`); // prettier-ignore
  });

  it("is deterministic: the same records give the same bytes", () => {
    expect(traceReport(handMade(), { names: { trace: "small.jsonl" } })).toBe(html);
  });
});

describe("the summary of a run that triple-faulted", () => {
  it("shows the end's reason and every fault of the chain", () => {
    const chain = [
      { vector: 14, name: "#PF", errorCode: 2, rip: 0xffffffff81000010n, rsp: 0xfffffe0000003f58n, cr2: 0xdead000n, cr3: KPGD }, // prettier-ignore
      { vector: 8, name: "#DF", errorCode: 0, rip: 0xffffffff81000010n, rsp: 0xfffffe0000003f58n, cr2: 0xdead000n, cr3: KPGD }, // prettier-ignore
      { vector: 14, name: "#PF", errorCode: 2, rip: 0xffffffff81000010n, rsp: 0xfffffe0000003f58n, cr2: 0xfffffe0000003f50n, cr3: KPGD }, // prettier-ignore
    ];
    const rs = [...handMade().slice(0, -1), at("double-fault", 90, { first: 14, second: 14 }), at("triple-fault", 90, { chain }), at("end", 90, { reason: "triple-fault", insns: [90] })]; // prettier-ignore
    const html = traceReport(rs, { names: { trace: "tf.jsonl" } });
    expect(checkHtml(html).problems).toEqual([]);
    const s = sectionText(html, "summary");
    expect(s).toContain("run end triple-fault, at count 90 on CPU 0");
    expect(s).toContain("double faults 1");
    expect(s).toContain("triple fault at count 90 on CPU 0; the chain:");
    expect(row(html, "2", "8", "#DF")).toEqual(["2", "8", "#DF", "0x0", "0xffffffff81000010", "0xfffffe0000003f58", "0xdead000", "0x10000"]); // prettier-ignore
    expect(row(html, "3", "14", "#PF")[6]).toBe("0xfffffe0000003f50");
    // And on the timeline: the #DF and the triple fault as fault marks.
    expect(html).toContain("<title>#DF at count 90 (0xffffffff8100005a)</title>");
  });
});

describe("a violated check in the report", () => {
  const rs = handMade(false);
  const html = traceReport(rs, { names: { trace: "broken.jsonl" } });

  it("shows the violation with its message and context as trace check prints them, linked both ways to the timeline", () => {
    expect(checkHtml(html).problems).toEqual([]);
    const cells = row(html, "violated", "swapgs-balance");
    expect(cells[3]).toBe("first at count 72 on CPU 0");
    const s = sectionText(html, "checks");
    expect(s).toContain(`1 of ${CHECKS.length} checks violated.`);
    expect(s).toContain(`swapgs-balance return to user mode with GS base ${escapeHtml(`0x${KERNEL_GS.toString(16)}`)}; it was 0x${USER_GS.toString(16)} at the entry`); // prettier-ignore
    const sysret = rs.find((r) => r.kind === "sysret" && r.icount === 72)!;
    expect(html).toContain(`  &gt; ${escapeHtml(formatText(sysret))}</pre>`);
    expect(html).toContain(`    ${escapeHtml(formatText(rs[9]!))}\n`); // the stack move just before it
    // The check links to the mark (id v-…), the mark back to the check (id check-…).
    expect(html).toContain('<a href="#v-swapgs-balance">');
    expect(html).toMatch(/<a href="#check-swapgs-balance"><polygon [^>]*id="v-swapgs-balance"/);
    expect(html).toContain('id="zoom-swapgs-balance"');
  });
});

describe("escaping what a trace names", () => {
  const evil = '<script>alert("x")</script>';
  const region = `<b>stack</b> & 'co'`;
  const rs = handMade(false).map((r) => (r.kind === "sysret" ? { ...r, sym: evil } : r.kind === "stack" && r.to === USTACK ? { ...r, to: region } : r)); // prettier-ignore
  const html = traceReport(rs, { names: { trace: "<i>t</i>.jsonl", image: '"img"' }, other: rs });

  it("writes symbols, region names and file names as text, never as markup", () => {
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b>stack");
    expect(html).not.toContain("<i>t");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("RSP on &lt;b&gt;stack&lt;/b&gt; &amp; &#39;co&#39;");
    expect(html).toContain("<title>entrylab trace report: &lt;i&gt;t&lt;/i&gt;.jsonl</title>");
    expect(checkHtml(html).problems).toEqual([]);
  });

  it("escapes the five characters that matter, in text and attributes", () => {
    expect(escapeHtml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&#39;");
  });
});

describe("the well-formedness checker", () => {
  it("catches what it is for", () => {
    expect(checkHtml("<p><b>x</p></b>").problems).toHaveLength(2);
    expect(checkHtml("<p>a < b</p>").problems).toEqual([expect.stringMatching(/^bare "<"/)]);
    expect(checkHtml('<p id="a"></p><p id="a"></p>').problems).toEqual([expect.stringMatching(/^duplicate id a/)]); // prettier-ignore
    expect(checkHtml('<a href="#nowhere">x</a>').problems).toEqual(['href="#nowhere" names no id']); // prettier-ignore
    expect(checkHtml("<p>R&D</p>").problems).toHaveLength(1);
    expect(checkHtml("<div><rect/></div>").problems).toHaveLength(1);
    expect(checkHtml("<svg><rect/></svg><meta>").problems).toEqual([]);
  });
});

/** A long run: `n` getpid round trips of 40 instructions, 10 of them on the user CR3 at each end. */
function longTrace(n: number): TraceRecord[] {
  const rs: TraceRecord[] = [cr3(0, KPGD, UPGD)];
  for (let i = 0; i < n; i++) {
    const s = 100 + i * 50;
    rs.push(at("syscall", s, { target: 0n, rax: 39n }), stack(s, USTACK, "-", "syscall"), cr3(s + 5, UPGD, KPGD), stack(s + 6, "-", KSTACK, "insn")); // prettier-ignore
    rs.push(cr3(s + 35, KPGD, UPGD), stack(s + 36, KSTACK, USTACK, "insn"), at("sysret", s + 39, { target: 0n, cs: 0x33, ss: 0x2b })); // prettier-ignore
    if (i % 1000 === 0) rs.push(at("page-fault", s + 45, { address: 0x1000n, errorCode: 4, bits: "U", level: 4 })); // prettier-ignore
  }
  const total = 100 + n * 50;
  rs.push(at("end", total, { reason: "exit", exitStatus: 0, insns: [total] }));
  return rs;
}

describe("the timeline of a long run", () => {
  const n = 20_000;
  const rs = longTrace(n);
  const stats = traceStats(rs);

  it("stays within its budget per band and per row of marks", () => {
    const t = cpuTimeline(stats.cpus[0]!, rs, []);
    for (const b of t.bands) expect(b.segments.length).toBeLessThanOrEqual(1000);
    for (const m of t.marks) expect(m.marks.length).toBeLessThanOrEqual(1000);
    // The episodes (40 counts of every 50) still show, as what covers most of the run.
    expect(t.bands[3]!.segments.map((x) => x.title)).toEqual([expect.stringMatching(/^mostly system call episode: 80% of counts 0–1000099 /)]); // prettier-ignore
    expect(elementCount(t)).toBeLessThanOrEqual(6 * 1000);
    const small = cpuTimeline(stats.cpus[0]!, rs, [], { budget: 50 });
    expect(elementCount(small)).toBeLessThanOrEqual(6 * 50);
  });

  it("keeps the whole page bounded: rects in the SVGs do not grow with the run", () => {
    const page = traceReport(rs, { names: { trace: "long.jsonl" } });
    const rects = (page.match(/<rect /g) ?? []).length;
    // The whole run's timeline (≤ 6 rows of 1000) plus the zoomed first episode (a handful).
    expect(rects).toBeLessThanOrEqual(6 * 1000 + 20);
    expect(rects).toBeLessThan(n);
    expect(page).toMatch(/<title>mostly system call episode: \d+% of counts \d+–\d+ \(\d+ instructions\), aggregated over \d+ segments<\/title>/); // prettier-ignore
    expect(page).toContain("… and 19500 more episodes (entrylab trace stats lists them all)");
    expect(checkHtml(page).problems).toEqual([]);
  });

  it("aggregates a band to the value that covers most of each stretch", () => {
    // 0–89 kernel, then alternating 1-count user and 9-count kernel stretches: mostly kernel.
    const segs: Segment[] = [{ from: 0, to: 90, key: "k", title: "" }];
    for (let c = 90; c < 10_000; c += 10) segs.push({ from: c, to: c + 1, key: "u", title: "" }, { from: c + 1, to: c + 10, key: "k", title: "" }); // prettier-ignore
    const out = aggregate(segs, { from: 0, to: 10_000 }, 10);
    expect(out).toEqual([{ from: 0, to: 10_000, key: "k", title: "mostly k: 90% of counts 0–9999 (10000 instructions), aggregated over 1983 segments" }]); // prettier-ignore
    // A sparse band keeps a short span visible where it is the only value.
    const sparse = aggregate([...Array(20).keys()].map((i) => ({ from: i * 500, to: i * 500 + 3, key: "e", title: "" })), { from: 0, to: 10_000 }, 10, true); // prettier-ignore
    expect(sparse.map((s) => [s.from, s.to])).toEqual([[0, 10_000]]);
  });
});

describe("the report of real traces", () => {
  function record(file: string, level: EventLevel): TraceRecord[] {
    const rec = new TraceRecorder({ image: buildProgram(file), level });
    runProgram(file, { events: rec });
    return rec.records;
  }

  it("tables roundtrip.S's episodes as trace stats sums them", () => {
    const rs = record("roundtrip.S", "insn");
    const html = traceReport(rs, { names: { trace: "rt.jsonl" } });
    expect(checkHtml(html).problems).toEqual([]);
    const cost = new CostModel();
    for (const t of triggerTotals(traceStats(rs, { cost }).cpus[0]!.episodes))
      expect(row(html, String(t.count), t.trigger)).toEqual([t.count, t.trigger, t.instructions, t.userCr3Instructions, t.cr3Writes, t.tlbMisses, t.flushes, t.dropped, t.faults, t.cycles].map(String)); // prettier-ignore
    expect(sectionText(html, "summary")).toContain("trace level insn (every retired instruction)");
  });

  it("puts trace diff's content side by side: first divergence, units, totals", () => {
    const a = recordPair();
    const b = recordPair(["LATE_CR3"]);
    const html = traceReport(a, { names: { trace: "base.jsonl", other: "late.jsonl" }, other: b });
    expect(checkHtml(html).problems).toEqual([]);
    const d = diffTraces(a, b, { cost: new CostModel() });
    const text = formatDiff(d, { a: "base.jsonl", b: "late.jsonl" });
    const s = sectionText(html, "diff");
    expect(s).toContain(`result: ${/^result: (.*)$/m.exec(text)![1]}`);
    const first = /^first divergence: (.*)$/m.exec(text)![1]!;
    expect(s).toContain(first);
    for (const how of text.matchAll(/^ {2}how: (.*)$/gm)) expect(s).toContain(escapeHtml(how[1]!));
    // The differing event marked in each side's context.
    expect(html.match(/<tr class="hit">/g)).toHaveLength(2);
    // Totals per episode type, A → B where they differ (as the text's table).
    for (const r of d.summary) {
      const cells = row(html, r.trigger);
      expect(text).toMatch(new RegExp(`^ {2}${cells.slice(0, 8).map((c) => c.replace(/[()+]/g, "\\$&")).join(" +")}`, "m")); // prettier-ignore
    }
  });
});

describe("the report of the model kernel, baseline and patch 1", () => {
  const PATCH1 = "programs/patches/0001-x86-pti-switch-cr3-in-c-on-the-syscall-path.patch";

  function patched(): KernelBuild {
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const k = buildKernel({ host, sources, diags, patches: [{ name: PATCH1, text: readFileSync(PATCH1, "latin1") }] }); // prettier-ignore
    if (diags.hasErrors || !k) throw new Error(renderDiagnostics(diags.items, sources));
    return k;
  }

  /** getpid's run (ten getpid calls, a write, exit) with the boot builder's regions named. */
  function getpid(k: KernelBuild): TraceRecord[] {
    const diags = new DiagnosticBag();
    const rec = new TraceRecorder({ image: k.image, level: "system" });
    const booted = bootKernel(k, [{ name: "getpid", image: program("getpid") }], { pti: true, pcid: true }, { diags, machine: { maxInsns: 2_000_000, events: rec, output: () => {} } }); // prettier-ignore
    if (!booted) throw new Error(diags.items.map((d) => d.message).join("\n"));
    rec.addRegions(booted.regions);
    booted.machine.run();
    return rec.records;
  }

  it("shows the getpid episodes, the entry stack on the timeline and where the CR3 write moved", () => {
    const a = getpid(theKernel());
    const b = getpid(patched());
    const html = traceReport(a, { names: { trace: "baseline.jsonl", other: "patch1.jsonl" }, other: b, level: "system" }); // prettier-ignore
    expect(checkHtml(html).problems).toEqual([]);
    const eps = traceStats(a, { cost: new CostModel() }).cpus[0]!;
    const getpids = triggerTotals(eps.episodes).find((t) => t.trigger === "syscall 39")!;
    expect(getpids.count).toBe(10);
    // Split by task: getpid never sleeps, so it slept across nothing and was never switched out.
    expect(row(html, "10", "syscall 39")).toEqual(["10", "syscall 39", getpids.instructions, 0, 0, getpids.userCr3Instructions, 20, "-", 0, 0, 0, getpids.cycles].map(String)); // prettier-ignore
    expect(sectionText(html, "summary")).toContain(`instructions ${eps.instructions}`);
    // The boot builder's regions are on the stack band: the exit path runs on the entry stack.
    expect(html).toMatch(/<rect [^>]*class="stack-entry"><title>RSP on entry stack of CPU 0: /);
    // Patch 1 moves the kernel-bound CR3 write into C: the diff says where.
    const s = sectionText(html, "diff");
    expect(s).toContain("pid 1 episode syscall 39 #1 (cpu 0)");
    expect(s).toMatch(/function: entry_SYSCALL_64 in A, user_pagetable_escape in B/);
    const row39 = row(html, "syscall 39");
    expect(row39[3]).toMatch(/^\d+ → \d+ \(\+\d+\)$/); // more instructions on the user CR3
  }, 60_000);
});
