// Scenario files (src/kernel-rt/scenario.ts): defaults, the repository's two scenarios, and a
// diagnostic at the offending key for each kind of bad field.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { parseScenario } from "../../../src/kernel-rt/index.js";

function parse(text: string, name = "s.json") {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const s = parseScenario(name, text, { sources, diags });
  return { s, where: diags.items.map((d) => `${d.code} ${sources.format(d.loc!)} ${d.message}`) };
}

describe("parseScenario", () => {
  it("fills the defaults and turns machine numbers into flag strings", () => {
    const { s, where } = parse('{ "users": ["getpid"], "machine": { "cpus": 2, "mem": "32M" } }', "dir/x.json"); // prettier-ignore
    expect(where).toEqual([]);
    expect(s).toEqual({ name: "x", description: "", tree: "baseline", patches: [], config: { pti: true, pcid: true }, machine: { cpus: "2", mem: "32M" }, users: ["getpid"], trace: { level: "system" } }); // prettier-ignore
  });

  it("reads the repository's scenarios", () => {
    for (const name of ["baseline-getpid", "pti-c-getpid"]) {
      const path = `programs/scenarios/${name}.json`;
      const { s, where } = parse(readFileSync(path, "utf8"), path);
      expect(where).toEqual([]);
      expect([s!.name, s!.users, s!.trace.level]).toEqual([name, ["getpid"], "insn"]);
    }
    const p = parse(readFileSync("programs/scenarios/pti-c-getpid.json", "utf8")).s!;
    expect(p.patches).toEqual(["programs/patches/0001-x86-pti-switch-cr3-in-c-on-the-syscall-path.patch"]); // prettier-ignore
  });

  it("parses every scenario in programs/scenarios, whose patches and programs exist", () => {
    const names = readdirSync("programs/scenarios").filter((f) => f.endsWith(".json"));
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const file of names) {
      const path = `programs/scenarios/${file}`;
      const { s, where } = parse(readFileSync(path, "utf8"), path);
      expect(where).toEqual([]);
      for (const patch of s!.patches) expect(existsSync(patch)).toBe(true);
      for (const user of s!.users) expect(existsSync(`programs/user/${user}.S`)).toBe(true);
    }
  });

  it("runs the sleeping story on one CPU in four designs, the same workload each", () => {
    const read = (n: string) => parse(readFileSync(`programs/scenarios/${n}-pingpong.json`, "utf8")).s!; // prettier-ignore
    const designs = ["baseline", "pti-c", "pti-task-stack", "pti-wrong-sleep"].map(read);
    for (const d of designs) expect([d.users, d.machine.cpus, d.trace.level, d.config.tick]).toEqual([["pingpong", "pingpong"], "1", "insn", 0]); // prettier-ignore
    expect(designs.map((d) => d.patches.map((p) => p.slice("programs/patches/".length, "programs/patches/".length + 4)))).toEqual([[], ["0001", "0002"], ["0001", "0002", "0003"], ["0001", "0002", "0004"]]); // prettier-ignore
  });

  it("takes the timer's period from config.tick and rejects a bad one", () => {
    expect(parse('{ "config": { "tick": 0 } }').s!.config).toEqual({ pti: true, pcid: true, tick: 0 }); // prettier-ignore
    expect(parse('{ "config": { "pti": false, "tick": 20000 } }').s!.config).toEqual({ pti: false, pcid: true, tick: 20000 }); // prettier-ignore
    for (const bad of ["-1", "1.5", '"1000"', "4294967296"]) {
      const { s, where } = parse(`{ "config": { "tick": ${bad} } }`);
      expect(s).toBeUndefined();
      expect(where).toEqual(["E9021 s.json:1:15 'config.tick' must be an integer from 0 (no timer) to 4294967295: instructions per tick"]); // prettier-ignore
    }
  });

  it("takes config.nmiInt3 as a boolean", () => {
    expect(parse('{ "config": { "nmiInt3": true } }').s!.config).toEqual({ pti: true, pcid: true, nmiInt3: true }); // prettier-ignore
    const { s, where } = parse('{ "config": { "nmiInt3": 1 } }');
    expect(s).toBeUndefined();
    expect(where).toEqual(["E9021 s.json:1:15 'config.nmiInt3' must be true or false"]);
  });

  it("reports bad JSON at the parser's position", () => {
    const { s, where } = parse('{\n  "users": ["getpid"]\n  "x": 1\n}');
    expect(s).toBeUndefined();
    expect(where[0]).toMatch(/^E9020 s\.json:3:3 not valid JSON/);
  });

  it("reports each bad field at its key", () => {
    const { s, where } = parse('{ "tree": "other", "trace": { "level": "all" }, "machine": { "cpus": -1 }, "patches": [1] }'); // prettier-ignore
    expect(s).toBeUndefined();
    expect(where).toEqual([
      "E9021 s.json:1:3 'tree' must be one of baseline",
      "E9021 s.json:1:76 'patches' must be an array of strings",
      "E9021 s.json:1:62 'machine.cpus' must be a string or a non-negative integer",
      "E9021 s.json:1:31 'trace.level' must be one of system, paging, insn",
    ]);
  });
});
