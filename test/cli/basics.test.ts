import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../src/diag/index.js";
import { readObject } from "../../src/obj/index.js";
import { entrylab, ROOT, scratch } from "./helpers.js";

describe("entrylab CLI basics", () => {
  it("prints its version, equal to package.json's", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = entrylab(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^entrylab ${pkg.version.replace(/\./g, "\\.")} \\(bytecode v\\d+\\)\\n$`),
    );
  });

  it("has --help on every command", () => {
    for (const cmd of [[], ["as"], ["objdump"], ["codes"]]) {
      const r = entrylab([...cmd, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: entrylab/);
    }
  });

  it("rejects an unknown option with a usage error and status 2", () => {
    const r = entrylab(["as", "--frobnicate", "x.S"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^entrylab: error\[E0001\]: unknown option '--frobnicate'/);
  });

  it("rejects an unknown command with status 2", () => {
    const r = entrylab(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error\[E0001\]/);
  });

  it("reports a missing input file with status 3", () => {
    const r = entrylab(["as", "/nonexistent/x.S"]);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe("entrylab: error[E0002]: cannot read '/nonexistent/x.S'\n");
  });

  it("lists diagnostic codes and looks one up", () => {
    const all = entrylab(["codes"]);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/^E0001  usage error/m);
    expect(entrylab(["codes", "e0002"]).stdout).toBe("E0002  cannot read an input file\n");
    expect(entrylab(["codes", "E9999"]).status).toBe(2);
  });

  it("assembles a UTF-8 string literal to its bytes, as GNU as does", () => {
    // "é→€" is c3 a9, e2 86 92, e2 82 ac in UTF-8 (GNU as copies the bytes; corpus strings.s).
    const dir = scratch({ "u.s": Buffer.from('\t.data\n\t.ascii "\u00e9\u2192\u20ac"\n', "utf8") });
    const r = entrylab(["as", join(dir, "u.s"), "-o", join(dir, "u.o")]);
    expect(r.stderr).toBe("");
    const obj = readObject(
      new Uint8Array(readFileSync(join(dir, "u.o"))),
      "u.o",
      new DiagnosticBag(),
    );
    const data = obj!.sections.find((s) => s.name === ".data")!;
    expect(Buffer.from(data.data).toString("hex")).toBe("c3a9e28692e282ac");
  });
});
