// Rewrite the transcripts of docs/lessons/*.md and of docs/debugger.md (whose examples are
// sessions too) from what entrylab prints now (after `npm run build`). A change to the model
// kernel moves its addresses and instruction counts, and test/cli/lessons.test.ts then fails on
// every document that shows them; this script reruns each document's debugger sessions — the
// `(entrylab) ` commands of its ```console blocks, as the test does — and puts each command's new
// output after it. It prints every transcript line that changed: the document's prose may quote
// the old value and must be checked by hand.
//
// Usage: node scripts/refresh-lessons.mjs [docs/FILE.md ...]   (default: every lesson and docs/debugger.md)
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LESSONS = join(ROOT, "docs/lessons");
/** Documents checked besides the lessons (the test's list). */
const OTHERS = ["docs/debugger.md"];
const PROMPT = "(entrylab) ";
const BLOCK = /^```console\n([\s\S]*?)^```$/gm;

/** The ```console blocks of a lesson, grouped into sessions (a `$ entrylab ...` line starts one). */
function sessions(markdown) {
  const out = [];
  for (const m of markdown.matchAll(BLOCK)) {
    const body = m[1];
    const first = body.split("\n", 1)[0];
    const block = { at: m.index + "```console\n".length, body };
    if (first.startsWith("$ "))
      out.push({ args: shellWords(first.slice(2)).slice(1), blocks: [block] }); // prettier-ignore
    else if (out.length > 0) out[out.length - 1].blocks.push(block);
    else throw new Error("a console block continues no session");
  }
  return out;
}

/** Split a command line as a POSIX shell would for the quoting lessons use ('...', "..."). */
function shellWords(line) {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const commandsOf = (body) => body.split("\n").filter((l) => l.startsWith(PROMPT));

/** Run one session; returns each command's output, its `(entrylab) ` line included. */
function run(session) {
  const commands = session.blocks.flatMap((b) => commandsOf(b.body).map((l) => l.slice(PROMPT.length))); // prettier-ignore
  const r = spawnSync(process.execPath, [join(ROOT, "bin/entrylab.js"), ...session.args], { cwd: ROOT, encoding: "utf8", input: commands.join("\n") + "\n" }); // prettier-ignore
  if (r.status !== 0 || r.stderr !== "") throw new Error(`entrylab ${session.args.join(" ")}: status ${r.status}\n${r.stderr}`); // prettier-ignore
  const parts = r.stdout.split(/^(?=\(entrylab\) )/m).filter((p) => p.startsWith(PROMPT));
  if (parts.length !== commands.length) throw new Error(`expected ${commands.length} outputs, got ${parts.length}`); // prettier-ignore
  return parts;
}

function refresh(file) {
  const text = readFileSync(file, "utf8");
  const edits = [];
  for (const s of sessions(text)) {
    const parts = run(s);
    let k = 0;
    for (const b of s.blocks) {
      const n = commandsOf(b.body).length;
      const first = b.body.split("\n", 1)[0];
      const head = first.startsWith("$ ") ? first + "\n" : "";
      edits.push({ at: b.at, length: b.body.length, body: head + parts.slice(k, k + n).join("") });
      k += n;
    }
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.body + out.slice(e.at + e.length); // prettier-ignore
  if (out === text) return console.log(`${file}: unchanged`);
  writeFileSync(file, out);
  const before = new Set(text.split("\n"));
  const changed = out.split("\n").filter((l) => !before.has(l));
  console.log(`${file}: ${changed.length} transcript line(s) changed; check the prose for the old values:`); // prettier-ignore
  for (const l of changed) console.log(`  + ${l}`);
}

const files = process.argv.slice(2);
const lessons = readdirSync(LESSONS).filter((f) => f.endsWith(".md")).sort().map((f) => join(LESSONS, f)); // prettier-ignore
const targets = files.length > 0 ? files : [...lessons, ...OTHERS.map((f) => join(ROOT, f))];
for (const f of targets) refresh(f);
