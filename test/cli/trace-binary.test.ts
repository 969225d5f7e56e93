// Binary traces end to end (docs/trace-format.md, "Binary traces"): `run` and `kernel run`
// (a scenario) write them with --trace-format bin or a *.elt name; every `trace` command reads
// them, told apart by the magic, and prints byte for byte what it prints for the JSON Lines
// trace of the same run; `trace convert` goes both ways; a cut, corrupt or future file is one
// diagnostic and status 3 for every command, never a stack trace.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch, traceWithoutExitSwapgs } from "./helpers.js";

const SYS = "test/system";
const ROUNDTRIP = "test/unit/trace/roundtrip.S";
const MAGIC = [0x89, 0x45, 0x4c, 0x54, 0x0d, 0x0a, 0x1a, 0x0a];

function isBinary(path: string): boolean {
  return MAGIC.every((b, i) => readFileSync(path)[i] === b);
}

describe("writing binary traces", () => {
  const dir = scratch();

  it("picks the format from --trace-format bin or a .elt name; other names keep their format", () => {
    const run = (name: string, ...more: string[]) => {
      const t = join(dir, name);
      const r = entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", t, ...more]);
      expect([r.status, r.stderr]).toEqual([1, ""]);
      return t;
    };
    expect(isBinary(run("a.elt"))).toBe(true);
    expect(isBinary(run("a.trace", "--trace-format", "bin"))).toBe(true);
    expect(isBinary(run("a.jsonl"))).toBe(false);
    expect(readFileSync(run("a.txt"), "latin1")).toMatch(/^0 \d{10} [0-9a-f]{16} cr /);
    const bad = entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", join(dir, "x"), "--trace-format", "binary"]); // prettier-ignore
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/E0001.*'binary' is not one of text, jsonl, bin/);
  });

  it("is read by its magic, whatever its name, and converts to the same JSON Lines", () => {
    const jsonl = join(dir, "r.jsonl");
    const disguised = join(dir, "r-bin.jsonl");
    entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", jsonl, "--trace-level", "insn"]);
    entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", disguised, "--trace-level", "insn", "--trace-format", "bin"]); // prettier-ignore
    expect(isBinary(disguised)).toBe(true);
    expect(readFileSync(disguised).length * 4).toBeLessThan(readFileSync(jsonl).length);
    const back = join(dir, "back.jsonl");
    expect(entrylab(["trace", "convert", disguised, "-o", back]).status).toBe(0);
    expect(readFileSync(back, "latin1")).toBe(readFileSync(jsonl, "latin1"));
    const bin = join(dir, "again.elt");
    expect(entrylab(["trace", "convert", back, "-o", bin]).status).toBe(0);
    expect(readFileSync(bin)).toEqual(readFileSync(disguised));
    const text = entrylab(["trace", "convert", bin, "-o", join(dir, "t.out"), "--format", "text"]);
    expect(text.status).toBe(0);
    expect(readFileSync(join(dir, "t.out"), "latin1")).toBe(entrylab(["trace", "show", jsonl]).stdout); // prettier-ignore
  });

  it("is written by kernel run with a scenario, and reads as its JSON Lines twin", () => {
    const [j, b] = [join(dir, "pp.jsonl"), join(dir, "pp.elt")];
    for (const t of [j, b]) expect(entrylab(["kernel", "run", "--scenario", "pingpong", "--trace", t]).status).toBe(1); // prettier-ignore
    expect(isBinary(b)).toBe(true);
    for (const cmd of ["stats", "show"]) {
      const [x, y] = [entrylab(["trace", cmd, j]), entrylab(["trace", cmd, b])];
      expect(y.status).toBe(0);
      expect(y.stdout).toBe(x.stdout);
    }
  });
});

describe("every trace command gives the same bytes from either form", () => {
  // The same names in two directories, one holding JSON Lines and one binary: outputs that
  // name the files (diff, report) compare too.
  const dir = scratch();
  const [jdir, bdir] = [join(dir, "j"), join(dir, "b")];
  mkdirSync(jdir);
  mkdirSync(bdir);
  entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", join(jdir, "a"), "--trace-format", "jsonl", "--trace-level", "insn"]); // prettier-ignore
  entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", join(bdir, "a"), "--trace-format", "bin", "--trace-level", "insn"]); // prettier-ignore
  writeFileSync(join(jdir, "b"), readFileSync(traceWithoutExitSwapgs(dir)));
  entrylab(["trace", "convert", join(jdir, "b"), "-o", join(bdir, "b"), "--format", "bin"]);

  it.each([
    ["show", "a", "--kind", "cr,swapgs,stack"],
    ["show", "a", "--from", "4300", "--to", "4310", "--format", "jsonl"],
    ["stats", "a"],
    ["check", "a"],
    ["check", "b"],
    ["diff", "a", "b"],
    ["diff", "a", "b", "--format", "json", "--level", "system"],
    ["export", "b"],
    ["report", "a", "--diff", "b"],
  ])("trace %s", (...args) => {
    const [j, b] = [entrylab(["trace", ...args], jdir), entrylab(["trace", ...args], bdir)];
    expect(isBinary(join(bdir, "a")) && !isBinary(join(jdir, "a"))).toBe(true);
    expect(b.stdout.length).toBeGreaterThan(0);
    expect({ status: b.status, stdout: b.stdout, stderr: b.stderr }).toEqual({ status: j.status, stdout: j.stdout, stderr: j.stderr }); // prettier-ignore
  });
});

describe("bad binary traces", () => {
  const dir = scratch();
  const good = join(dir, "good.elt");
  entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", good]);
  const bytes = readFileSync(good);
  const cut = join(dir, "cut.elt");
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const v9 = join(dir, "v9.elt");
  writeFileSync(v9, Uint8Array.from([...bytes.subarray(0, 8), 9, 0, ...bytes.subarray(10)]));
  // After the header, a LAYOUT chunk (tag 2, 3 bytes) of a kind named by string 200 (varint
  // 0xc8 0x01), which no STRING chunk defined.
  const badIndex = join(dir, "index.elt");
  writeFileSync(badIndex, Uint8Array.from([...bytes.subarray(0, 12), 2, 3, 0, 0xc8, 0x01, 0, 1, 0])); // prettier-ignore

  it.each([
    [cut, "E8009", /the file ends inside a chunk/],
    [v9, "E8010", /version 9: this entrylab reads version 1/],
    [badIndex, "E8012", /string index 200 out of range/],
  ])("%s: one diagnostic and status 3 from every command", (file, code, message) => {
    for (const args of [
      ["show", file],
      ["stats", file],
      ["check", file],
      ["diff", good, file],
      ["export", file],
      ["report", file],
      ["convert", file, "-o", join(dir, "out.jsonl")],
    ]) {
      // prettier-ignore
      const r = entrylab(["trace", ...args]);
      expect(r.status).toBe(3);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`error[${code}]: ${file}: at byte `);
      expect(lines[0]).toMatch(message);
    }
  });
});
