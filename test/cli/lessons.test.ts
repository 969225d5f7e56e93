// Every lesson (docs/lessons/*.md) and the debugger's reference (docs/debugger.md, whose examples
// are sessions too) stay true: a document's ```console blocks are debugger sessions — a block
// whose first line is `$ entrylab ARGS...` starts one, the blocks after it continue it — and
// running each session's commands (the `(entrylab) ` lines, on standard input) must print exactly
// the transcript the document shows. After a kernel change moves addresses,
// `node scripts/refresh-lessons.mjs` rewrites the transcripts and lists the lines to check in the prose.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const LESSONS = "docs/lessons";
/** Documents checked besides the lessons (scripts/refresh-lessons.mjs refreshes the same list). */
const OTHERS = ["docs/debugger.md"];
const PROMPT = "(entrylab) ";

interface Session {
  args: string[];
  transcript: string;
}

/** Split a command line as a POSIX shell would for the quoting lessons use ('...', "..."). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

function sessions(markdown: string): Session[] {
  const out: Session[] = [];
  for (const m of markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    const body = m[1]!;
    const first = body.split("\n", 1)[0]!;
    if (first.startsWith("$ ")) {
      const words = shellWords(first.slice(2));
      if (words[0] !== "entrylab") throw new Error(`a lesson runs entrylab, not '${words[0]}'`);
      out.push({ args: words.slice(1), transcript: body.slice(first.length + 1) });
    } else {
      if (out.length === 0) throw new Error("a console block continues no session");
      out[out.length - 1]!.transcript += body;
    }
  }
  return out;
}

const lessons = readdirSync(join(ROOT, LESSONS))
  .filter((f) => f.endsWith(".md"))
  .sort()
  .map((f) => `${LESSONS}/${f}`);
const files = [...lessons, ...OTHERS];

describe("lessons", () => {
  it("there is at least one lesson, and each document has a session", () => {
    expect(lessons.length).toBeGreaterThan(0);
    for (const f of files) expect(sessions(readFileSync(join(ROOT, f), "utf8")).length).toBeGreaterThan(0); // prettier-ignore
  });

  it("docs/debugger.md shows debugger output only in checked sessions", () => {
    const text = readFileSync(join(ROOT, "docs/debugger.md"), "utf8");
    const outside = text.replace(/^```console\n[\s\S]*?^```$/gm, "");
    expect(outside.split("\n").filter((l) => l.startsWith(PROMPT))).toEqual([]);
  });

  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    sessions(text).forEach((s, i) => {
      it(`${file}: session ${i + 1} prints what the document shows`, () => {
        const commands = s.transcript.split("\n").filter((l) => l.startsWith(PROMPT)).map((l) => l.slice(PROMPT.length)); // prettier-ignore
        const r = spawnSync(process.execPath, [join(ROOT, "bin/entrylab.js"), ...s.args], { cwd: ROOT, encoding: "utf8", input: commands.join("\n") + "\n" }); // prettier-ignore
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(r.stdout).toBe(s.transcript);
      });
    });
  }
});
