// `entrylab pt STATE`: the page tables and TLBs a run's --state-out file saved, shown without the
// image, the same as `entrylab pt IMAGE --run` shows them.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch } from "./helpers.js";

const HELLO = "programs/bare/hello.S";

describe("entrylab pt STATE", () => {
  const dir = scratch();
  const state = join(dir, "state.json");
  const run = entrylab(["run", HELLO, "--state-out", state]);

  it("shows the saved tables and TLB as pt --run does", () => {
    expect(run.status).toBe(1);
    const fromState = entrylab(["pt", state]);
    expect(fromState.stderr).toBe("");
    expect(fromState.status).toBe(0);
    const live = entrylab(["pt", HELLO, "--run"]);
    const tables = (t: string) =>
      t.split("\n").filter((l) => l.startsWith("0x") || l.startsWith("page tables"));
    expect(tables(fromState.stdout).length).toBeGreaterThan(1);
    expect(tables(fromState.stdout)).toEqual(tables(live.stdout));
    expect(fromState.stdout).toMatch(/^CPU 0 TLB \(strict\): \d+ hits/m);
    expect(fromState.stdout).toMatch(/pcid 0: \d+ entries/);
  });

  it("rejects a CR3 with no saved table and a file without tables", () => {
    const bad = entrylab(["pt", state, "--cr3", "0x5000"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/error\[E0004\]: .*no page table at CR3 0x5000/);
    const empty = join(dir, "empty.json");
    writeFileSync(empty, '{"regs": {}}');
    expect(entrylab(["pt", empty]).stderr).toMatch(/holds no page tables/);
    const junk = join(dir, "junk.json");
    writeFileSync(junk, "{not json");
    expect(entrylab(["pt", junk]).stderr).toMatch(/not a JSON state file/);
    expect(entrylab(["pt", join(dir, "missing.json")]).status).toBe(3);
  });
});
