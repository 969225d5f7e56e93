// The patch applier (src/kernel-rt/patch.ts): format-patch mails and bare diffs, exact hunks
// with offsets, new and deleted files, and a diagnostic with the patch's file:line for each way a
// patch can fail.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { KERNEL } from "../../../src/diag/codes/kernel.js";
import { applyPatches, parsePatch, patchedHost } from "../../../src/kernel-rt/patch.js";

const FILE = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
const text = (lines: string[]): string => lines.map((l) => `${l}\n`).join("");

const MAIL = `From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: A Reviewer <reviewer@example.org>
Date: Mon, 9 Nov 2020 10:00:00 +0100
Subject: [PATCH 1/2] lib: spell four and nine out
 in capitals

Why: the text reads better.

Signed-off-by: A Reviewer <reviewer@example.org>
---
 lib/numbers.txt | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)

diff --git a/lib/numbers.txt b/lib/numbers.txt
index 1111111..2222222 100644
--- a/lib/numbers.txt
+++ b/lib/numbers.txt
@@ -2,5 +2,5 @@ one
 two
 three
-four
+FOUR
 five
 six
@@ -8,3 +8,3 @@ seven
 eight
-nine
+NINE
 ten
-- 
2.30.0
`;

function run(files: Record<string, string>, patches: { name: string; text: string }[]) {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = applyPatches((p) => files[p], patches, { sources, diags });
  const where = diags.items.map((d) => `${d.code} ${d.loc ? sources.format(d.loc) : "-"} ${d.message}`); // prettier-ignore
  return { r, diags, where };
}

describe("parsePatch", () => {
  it("reads the mail header's subject, with continuation lines, and skips message and stat", () => {
    const p = parsePatch({ name: "0001.patch", text: MAIL }, { sources: new SourceManager(), diags: new DiagnosticBag() }); // prettier-ignore
    expect(p?.subject).toBe("[PATCH 1/2] lib: spell four and nine out in capitals");
    expect(p?.title).toBe("lib: spell four and nine out in capitals");
    expect(p?.diffs.map((d) => [d.oldPath, d.newPath, d.hunks.length])).toEqual([["lib/numbers.txt", "lib/numbers.txt", 2]]); // prettier-ignore
    expect(p?.diffs[0]!.hunks[1]).toMatchObject({ oldStart: 8, oldCount: 3, newStart: 8, newCount: 3 }); // prettier-ignore
  });
});

describe("applyPatches", () => {
  it("applies a format-patch mail exactly where its hunks say", () => {
    const { r, where } = run({ "lib/numbers.txt": text(FILE) }, [{ name: "0001.patch", text: MAIL }]); // prettier-ignore
    expect(where).toEqual([]);
    expect(r!.files.get("lib/numbers.txt")).toBe(text(FILE.map((l) => (l === "four" || l === "nine" ? l.toUpperCase() : l)))); // prettier-ignore
    expect(r!.applied.map((a) => [a.hunk, a.line, a.offset])).toEqual([
      [1, 2, 0],
      [2, 8, 0],
    ]);
  });

  it("applies hunks at an offset when lines were added above, and reports the offset", () => {
    const shifted = ["zero", "zero-and-a-half", ...FILE];
    const { r, where } = run({ "lib/numbers.txt": text(shifted) }, [{ name: "0001.patch", text: MAIL }]); // prettier-ignore
    expect(where).toEqual([]);
    expect(r!.applied.map((a) => [a.line, a.offset])).toEqual([
      [4, 2],
      [10, 2],
    ]);
    expect(r!.files.get("lib/numbers.txt")!.split("\n")[5]).toBe("FOUR");
  });

  it("refuses a hunk whose context differs (no fuzz), naming the patch line and the file line", () => {
    const changed = FILE.map((l) => (l === "three" ? "THREE" : l));
    const { r, diags, where } = run({ "lib/numbers.txt": text(changed) }, [{ name: "0001.patch", text: MAIL }]); // prettier-ignore
    expect(r).toBeUndefined();
    expect(diags.errors.map((d) => d.code)).toEqual([KERNEL.HUNK_FAILED]);
    // The first @@ is line 18 of the mail; the file's line 3 is the one that changed.
    expect(where[0]).toContain("0001.patch:18:1");
    expect(where[0]).toContain("hunk #1 of 'lib/numbers.txt' does not apply at line 2");
    expect(where[0]).toContain(`line 3 is "THREE", the patch expects "three"`);
  });

  it("refuses a hunk whose removed line differs", () => {
    const changed = FILE.map((l) => (l === "nine" ? "nein" : l));
    const { r, where } = run({ "lib/numbers.txt": text(changed) }, [{ name: "p", text: MAIL }]);
    expect(r).toBeUndefined();
    expect(where[0]).toMatch(/^E9011 p:25:1 hunk #2 .* line 9 is "nein", the patch expects "nine"/); // prettier-ignore
  });

  it("reports a patch to a file that does not exist", () => {
    const { r, where } = run({}, [{ name: "p", text: MAIL }]);
    expect(r).toBeUndefined();
    expect(where).toEqual(["E9012 p:14:1 'p' changes 'lib/numbers.txt', which does not exist"]);
  });

  it("creates and deletes files through /dev/null, and later patches see earlier results", () => {
    const create = `diff --git a/new.h b/new.h
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/new.h
@@ -0,0 +1,2 @@
+#define A 1
+#define B 2
`;
    const edit = `--- a/new.h
+++ b/new.h
@@ -1,2 +1,2 @@
 #define A 1
-#define B 2
+#define B 3
`;
    const remove = `diff --git a/old.h b/old.h
deleted file mode 100644
--- a/old.h
+++ /dev/null
@@ -1 +0,0 @@
-gone
`;
    const { r, where } = run({ "old.h": "gone\n" }, [{ name: "1", text: create }, { name: "2", text: edit }, { name: "3", text: remove }]); // prettier-ignore
    expect(where).toEqual([]);
    expect(r!.files.get("new.h")).toBe("#define A 1\n#define B 3\n");
    expect(r!.files.get("old.h")).toBeNull();
    const host = patchedHost({ readFile: (p) => (p === "old.h" ? "gone\n" : p === "x" ? "x\n" : undefined) }, r!.files); // prettier-ignore
    expect([host.readFile("old.h"), host.readFile("new.h"), host.readFile("x")]).toEqual([undefined, "#define A 1\n#define B 3\n", "x\n"]); // prettier-ignore
  });

  it("refuses to create a file that exists", () => {
    const create = "--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+x\n";
    const { where } = run({ x: "y\n" }, [{ name: "c", text: create }]);
    expect(where).toEqual(["E9013 c:1:1 'c' creates 'x', which already exists"]);
  });

  it("keeps and drops the final newline as the '\\ No newline' markers say", () => {
    const patch = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n";
    const { r, where } = run({ f: "a\nb" }, [{ name: "p", text: patch }]);
    expect(where).toEqual([]);
    expect(r!.files.get("f")).toBe("a\nc\n");
  });

  it("stops the series at the first patch that fails", () => {
    const bad = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-zzz\n+y\n";
    const good = "--- a/g\n+++ b/g\n@@ -1 +1 @@\n-g\n+h\n";
    const { r, diags } = run({ f: "a\n", g: "g\n" }, [{ name: "bad", text: bad }, { name: "good", text: good }]); // prettier-ignore
    expect(r).toBeUndefined();
    expect(diags.errors).toHaveLength(1);
  });
});

describe("malformed patches", () => {
  const cases: [string, string, string][] = [
    ["no diff at all", "From x Mon Sep 17 00:00:00 2001\nSubject: nothing\n\njust words\n", "E9010 p:1:1 'p' contains no diff"], // prettier-ignore
    ["a bad diff --git line", "diff --git a/f\n--- a/f\n+++ b/f\n", "E9010 p:1:1 malformed 'diff --git' line"], // prettier-ignore
    ["--- without +++", "diff --git a/f b/f\n--- a/f\n@@ -1 +1 @@\n", "E9010 p:3:1 expected a '+++ ' line after '--- '"], // prettier-ignore
    [
      "a bad hunk header",
      "--- a/f\n+++ b/f\n@@ -1 +x @@\n-a\n",
      "E9010 p:3:1 malformed hunk header",
    ],
    ["a hunk shorter than its header", "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n", "E9010 p:6:1 hunk ends early: 1 old and 1 new lines missing"], // prettier-ignore
    ["a file diff without hunks", "--- a/f\n+++ b/f\nsomething\n", "E9010 p:3:1 the diff of 'f' has no hunk"], // prettier-ignore
    ["a rename", "diff --git a/f b/g\nsimilarity index 90%\nrename from f\n", "E9014 p:2:1 'similarity index 90%'"], // prettier-ignore
    ["an unknown extended header", "diff --git a/f b/f\nwhatever\n--- a/f\n", "E9010 p:2:1 unexpected line in the header"], // prettier-ignore
  ];
  for (const [what, patch, expected] of cases)
    it(`reports ${what}`, () => {
      const { r, where } = run({ f: "a\nb\n" }, [{ name: "p", text: patch }]);
      expect(r).toBeUndefined();
      expect(where).toHaveLength(1);
      expect(where[0]).toContain(expected);
    });
});
