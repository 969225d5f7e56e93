// Every scenario of programs/scenarios (the baseline, the patch series, page faults, sleeping
// tasks, several CPUs) run with `kernel run --audit-tlb`: the model kernel flushes what it must
// after each page-table change, so `trace check` finds no stale translation in any of them.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch } from "./helpers.js";

const SCENARIOS = readdirSync("programs/scenarios")
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -".json".length));

describe("kernel run --audit-tlb", () => {
  const dir = scratch();
  it.each(SCENARIOS)("%s: no stale translation", (name) => {
    const t = join(dir, `${name}.jsonl`);
    const run = entrylab(["kernel", "run", "--scenario", name, "--trace", t, "--trace-level", "system", "--audit-tlb"]); // prettier-ignore
    expect(run.stderr).not.toMatch(/error\[/);
    const r = entrylab(["trace", "check", t]);
    expect(r.stdout).toMatch(/^ok {7}stale-translation: /m);
  });
});
