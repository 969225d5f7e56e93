// `entrylab trace report` end to end: the page for the model kernel's baseline-getpid scenario
// compared with pti-c-getpid (patch 1), its numbers as `trace stats` and `trace diff` print them;
// a violated check; the same page on standard output and from a second run; bad input → 2.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkHtml } from "../unit/trace/html-check.js";
import { entrylab, scratch, traceWithoutExitSwapgs } from "./helpers.js";

const SYS = "test/system";
const ROUNDTRIP = "test/unit/trace/roundtrip.S";

/** The CLI's output, which helpers.ts reads as latin1, as the UTF-8 it is. */
function utf8(latin1: string): string {
  return Buffer.from(latin1, "latin1").toString("utf8");
}

/** The cells of the first table row whose first cells are `lead` (tags dropped). */
function row(html: string, ...lead: string[]): string[] {
  for (const m of html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)) {
    const cells = [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, "")); // prettier-ignore
    if (lead.every((l, i) => cells[i] === l)) return cells;
  }
  throw new Error(`no row ${lead.join(" | ")}`);
}

describe("entrylab trace report", () => {
  const dir = scratch();
  const a = join(dir, "baseline.jsonl");
  const b = join(dir, "pti-c.jsonl");
  const img = join(dir, "vmlinux");
  const page = join(dir, "report.html");

  it("writes the page for baseline-getpid compared with pti-c-getpid, with trace stats' and trace diff's numbers", () => {
    expect(entrylab(["kernel", "run", "--scenario", "baseline-getpid", "--trace", a]).status).toBe(
      1,
    ); // getpid exits 1 // prettier-ignore
    expect(entrylab(["kernel", "run", "--scenario", "pti-c-getpid", "--trace", b]).status).toBe(1);
    expect(entrylab(["kernel", "build", "-o", img]).status).toBe(0);
    const r = entrylab(["trace", "report", a, "--diff", b, "--level", "system", "--image", img, "-o", page]); // prettier-ignore
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(checkHtml(html).problems).toEqual([]);
    for (const id of ["summary", "checks", "timeline", "episodes", "diff"]) expect(html).toContain(`<section id="${id}">`); // prettier-ignore
    // The episodes by type, as `trace stats` prints them.
    const stats = entrylab(["trace", "stats", a]).stdout;
    // Split by task (the kernel's trace): insns, then slept and switched-out, before user-cr3.
    const getpid = /^ +(10) +(syscall 39) +(\d+) +(0) +(0) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$/m.exec(stats)!; // prettier-ignore
    const cells = row(html, "10", "syscall 39");
    expect(cells.filter((_, i) => i !== 7)).toEqual(getpid.slice(1));
    expect(cells[7]).toMatch(/^[1-9]\d*$/); // TLB misses: the page walks of an insn-level trace
    expect(html).toContain(
      `~${/^total: ~(\d+) estimated cycles/m.exec(stats)![1]} estimated cycles`,
    );
    // The checks, with the image's entry text: all pass on the baseline.
    expect(row(html, "ok", "kernel-code-on-user-cr3")).toHaveLength(4);
    expect(html).toContain("<th>image</th><td>" + img + "</td>");
    // The diff, as `trace diff --level system` says it.
    const diff = utf8(entrylab(["trace", "diff", "--level", "system", a, b]).stdout);
    expect(html).toContain(`<strong>result: </strong>${/^result: (.*)$/m.exec(diff)![1]}`);
    const first = /^first divergence: (.*)$/m.exec(diff)![1]!;
    expect(html).toContain(`<p>${first}</p>`);
    const sum = /^ {2}(syscall 39) +(\d+) +(\d+ → \d+ \(\+\d+\)) +(\d+ → \d+ \(\+\d+\))/m.exec(
      diff,
    )!;
    expect(row(html, "syscall 39").slice(0, 4)).toEqual(sum.slice(1, 5));
  }, 60_000);

  it("writes the same page to standard output, byte for byte, run after run", () => {
    const r = entrylab(["trace", "report", a, "--diff", b, "--level", "system", "--image", img]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(page, "latin1"));
  });

  it("shows a violated check with its context, and still exits 0 (the page was written)", () => {
    // Drop the exit path's SWAPGS: the return to user mode keeps the kernel's GS base.
    const broken = traceWithoutExitSwapgs(dir);
    const out = join(dir, "broken.html");
    const r = entrylab(["trace", "report", broken, "-o", out]);
    expect(r.status).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(row(html, "violated", "swapgs-balance")[3]).toMatch(/^first at count \d+ on CPU 0$/);
    const check = entrylab(["trace", "check", broken]).stdout;
    const context = check.slice(check.indexOf("\nswapgs-balance: ") + 1).trimEnd().split("\n").slice(1); // prettier-ignore
    expect(context.length).toBeGreaterThan(1);
    expect(html).toContain(`<pre>${context.join("\n").replace(/>/g, "&gt;")}</pre>`);
  });

  it("ends trouble with a diagnostic: status 2, or 3 for a file it cannot read or write", () => {
    const text = join(dir, "rt.txt");
    entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", text]); // a text trace
    const cost = join(dir, "bad-cost.json");
    writeFileSync(cost, '{"swapgs": -1}');
    const cases: [string[], number, RegExp][] = [
      [["trace", "report", join(dir, "missing.jsonl")], 3, /error\[E0002\]: cannot read/],
      [["trace", "report", text], 2, /error\[E8004\]/],
      [
        ["trace", "report", a, "-o", join(dir, "no-dir", "r.html")],
        3,
        /error\[E0003\]: cannot write/,
      ],
      [["trace", "report", a, "--diff", join(dir, "missing.jsonl")], 3, /error\[E0002\]/],
      [["trace", "report", a, "--cost", cost], 2, /error\[E8008\]/],
      [["trace", "report", a, "--image", join(dir, "missing.img")], 3, /error\[E0002\]/],
      [
        ["trace", "report", a, "--level", "system"],
        2,
        /error\[E0001\]: --context and --level need --diff/,
      ],
      [
        ["trace", "report", a, "--diff", b, "--level", "fine"],
        2,
        /error\[E0001\]: --level: 'fine'/,
      ],
    ];
    for (const [args, status, message] of cases) {
      const r = entrylab(args);
      expect({ args, status: r.status }).toEqual({ args, status });
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });
});
