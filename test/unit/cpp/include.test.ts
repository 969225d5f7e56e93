// #include search, guards, #pragma once, the depth limit and the include chain on lines.
import { describe, expect, it } from "vitest";
import { chainOf, diagList, run, where } from "./helpers.js";

describe("cpp #include", () => {
  it("searches the including file's directory first for quotes, then -I paths", () => {
    const files = {
      "src/a.h": "local a",
      "inc/a.h": "system a",
      "inc/b.h": '#include "a.h"',
      "src/sub/c.h": '#include "../a.h"',
    };
    const r = run('#include "a.h"\n#include <a.h>\n#include "b.h"\n#include "sub/c.h"\n', {
      files,
      includePaths: ["inc"],
      name: "src/main.S",
    });
    expect(r.nonBlank).toEqual(["local a", "system a", "system a", "local a"]);
    expect(r.result.files).toEqual(["src/main.S", "src/a.h", "inc/a.h", "inc/b.h", "src/sub/c.h"]);
    expect(r.diags).toEqual([]);
  });

  it("does not search the current directory for <...>", () => {
    const r = run("#include <a.h>\n", { files: { "a.h": "x" } });
    expect(diagList(r)).toEqual(["E1009 main.S:1:10 a.h: No such file or directory"]);
  });

  it("stops at a missing include, as gcc does (fatal: the rest would only cascade)", () => {
    const r = run('#include "missing.h"\nafter\n#error not reached\n', { files: {} });
    expect(diagList(r)).toEqual(["E1009 main.S:1:10 missing.h: No such file or directory"]);
    expect(r.result.fatal).toBe(true);
    expect(r.nonBlank).not.toContain("after");
    expect(run("ok\n", {}).result.fatal).toBe(false);
  });

  it("accepts a macro-expanded header name", () => {
    const r = run('#define H "a.h"\n#define S <b.h>\n#include H\n#include S\n', {
      files: { "a.h": "A", "inc/b.h": "B" },
      includePaths: ["inc"],
    });
    expect(r.nonBlank).toEqual(["A", "B"]);
  });

  it("honours include guards and #pragma once", () => {
    const files = {
      "g.h": "#ifndef G_H\n#define G_H\nguarded\n#endif\n",
      "o.h": "#pragma once\nonce\n",
    };
    const r = run('#include "g.h"\n#include "g.h"\n#include "o.h"\n#include "o.h"\n', { files });
    expect(r.nonBlank).toEqual(["guarded", "once"]);
  });

  it("stops at the include depth limit with a diagnostic instead of overflowing", () => {
    const r = run('#include "self.h"\n', {
      files: { "self.h": 'x\n#include "self.h"\n' },
      maxIncludeDepth: 5,
    });
    expect(r.nonBlank).toEqual(["x", "x", "x", "x", "x"]);
    expect(diagList(r)).toEqual(["E1014 self.h:2:1 #include nested depth 6 exceeds maximum of 5"]);
    expect(chainOf(r, r.diags[0]!.loc!)).toHaveLength(5);
  });

  it("reports a malformed #include", () => {
    expect(diagList(run("#include\n"))).toEqual([
      `E1020 main.S:1:1 #include expects "FILENAME" or <FILENAME>`,
    ]);
    expect(diagList(run("#include foo\n"))).toEqual([
      `E1020 main.S:1:10 #include expects "FILENAME" or <FILENAME>`,
    ]);
  });

  it("gives lines of an included file an include chain naming the directive", () => {
    const files = { "a.h": '\n#include "b.h"\n', "b.h": "deep" };
    const r = run('first\n#include "a.h"\nlast\n', { files });
    const deep = r.result.lines.find((l) => l.text === "deep")!;
    expect(where(r, deep.origin)).toBe("b.h:1:1");
    expect(chainOf(r, deep.origin)).toEqual(["include b.h @ a.h:2:1", "include a.h @ main.S:2:1"]);
    const last = r.result.lines.find((l) => l.text === "last")!;
    expect(where(r, last.origin)).toBe("main.S:3:1");
    expect(last.origin.chain).toBeUndefined();
  });

  it("reports an unterminated #if at the end of the header that opened it", () => {
    const r = run('#include "a.h"\n#endif\n', { files: { "a.h": "#if 1\n" } });
    expect(diagList(r)).toEqual([
      "E1002 a.h:1:1 unterminated #if",
      "E1005 main.S:2:1 #endif without #if",
    ]);
  });
});
