// `entrylab kernel run|build --patch FILE...` and `kernel run --scenario NAME|FILE` end to end.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, entrylab, scratch } from "./helpers.js";

const PATCH1 = "programs/patches/0001-x86-pti-switch-cr3-in-c-on-the-syscall-path.patch";
const GETPID_OUT = "getpid: pid 1 after 10 calls\n";

describe("kernel --patch", () => {
  it("runs the patched kernel with the same output and a clean exit", () => {
    const r = entrylab(["kernel", "run", "--patch", join(ROOT, PATCH1), "--pcid", "off"]);
    expect(r.stderr).toBe("");
    expect([r.stdout, r.status]).toEqual([GETPID_OUT, 1]);
  });

  it("reports a hunk that no longer applies at the patch's line, and builds nothing", () => {
    const dir = scratch();
    // Change one context line of the first entry_64.S hunk that touches code.
    const text = readFileSync(join(ROOT, PATCH1), "latin1").replace(" \tswapgs\t", " \tswapgs ");
    const broken = join(dir, "broken.patch");
    writeFileSync(broken, text);
    const r = entrylab(["kernel", "build", "--patch", broken, "-o", join(dir, "vmlinux")]);
    expect(r.status).toBe(2);
    // The error is at the `@@` line of the hunk holding the changed line.
    const lines = text.split("\n");
    const changed = lines.findIndex((l) => l.startsWith(" \tswapgs "));
    const line =
      lines
        .slice(0, changed)
        .map((l) => l.startsWith("@@ "))
        .lastIndexOf(true) + 1;
    expect(line).toBeGreaterThan(0);
    expect(r.stderr).toContain(`broken.patch:${line}:1: error[E9011]: hunk #3 of 'programs/entry/entry_64.S' does not apply`); // prettier-ignore
  });

  it("reports a patch file that cannot be read (status 2, as every kernel trouble)", () => {
    const r = entrylab(["kernel", "build", "--patch", "no-such.patch", "-o", "/dev/null"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E0002]: cannot read patch 'no-such.patch'");
  });
});

describe("kernel run --scenario", () => {
  it("runs both named scenarios with the baseline's output", () => {
    for (const name of ["baseline-getpid", "pti-c-getpid"]) {
      const r = entrylab(["kernel", "run", "--scenario", name]);
      expect([r.stdout, r.stderr, r.status]).toEqual([GETPID_OUT, "", 1]);
    }
  });

  it("takes the scenario's patches and trace level, and the CR3 write moves into C", () => {
    const dir = scratch();
    const t = join(dir, "t.jsonl");
    expect(entrylab(["kernel", "run", "--scenario", "pti-c-getpid", "--trace", t]).status).toBe(1);
    const lines = readFileSync(t, "utf8").split("\n");
    expect(lines.some((l) => l.includes('"kind":"insn"'))).toBe(true); // the scenario's level
    expect(lines.some((l) => l.includes('"kind":"cr"') && l.includes("user_pagetable_escape+0x"))).toBe(true); // prettier-ignore
  });

  it("validates the file: bad JSON, unknown fields and wrong types, each at its place", () => {
    const dir = scratch({
      "syntax.json": '{ "users": ["getpid"] ',
      "fields.json": '{ "users": "getpid", "config": { "pti": "yes" }, "colour": 1 }',
    });
    const a = entrylab(["kernel", "run", "--scenario", join(dir, "syntax.json")]);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/syntax\.json:\d+:\d+: error\[E9020\]: not valid JSON/);
    const b = entrylab(["kernel", "run", "--scenario", join(dir, "fields.json")]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(
      /fields\.json:1:3: error\[E9021\]: 'users' must be an array of strings/,
    );
    expect(b.stderr).toMatch(
      /fields\.json:1:\d+: error\[E9021\]: 'config\.pti' must be true or false/,
    );
    expect(b.stderr).toMatch(
      /fields\.json:1:\d+: error\[E9021\]: unknown field 'colour' in the scenario/,
    );
  });

  it("reports an unknown scenario name (status 2)", () => {
    const r = entrylab(["kernel", "run", "--scenario", "no-such-scenario"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E9022]: scenario 'no-such-scenario' not found");
  });
});
