// The patch applier: unified diffs in `git format-patch` style applied, in order, to a set of
// texts. A series is what a reviewer posts (programs/patches/*.patch); the kernel build applies
// it to the tree it reads through its Host (build.ts) so the patched files keep their own names.
//
// Accepted: the mail header (`From `, `From:`, `Subject:` with continuation lines), the commit
// message and the `---` diffstat (ignored), `diff --git a/X b/X` with the extended headers git
// writes for plain edits, new and deleted files (`new file mode`, `index`, `--- /dev/null`), and
// `@@ -l,c +l,c @@` hunks with ` `, `-`, `+` and `\ No newline at end of file` lines. A hunk
// applies exactly: every context and removed line must equal the file's, no fuzz, so a reviewer
// learns when a patch no longer applies. Like `git apply`, a hunk may apply at an offset from the
// line its header names (the file gained or lost lines above it); the offset is reported. Renames,
// copies and binary diffs are refused. Texts in, texts out: no file system here.
import type { DiagnosticBag, Host, Loc, SourceManager } from "../diag/index.js";
import { KERNEL } from "../diag/codes/kernel.js";

/** One patch of a series: its name (for diagnostics and line tables) and its text. */
export interface PatchText {
  name: string;
  text: string;
}

export interface HunkLine {
  op: " " | "-" | "+";
  text: string;
}

export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  lines: HunkLine[];
  /** The `\ No newline at end of file` markers: after the old side's / the new side's last line. */
  noEolOld: boolean;
  noEolNew: boolean;
  /** The `@@` line in the patch. */
  loc: Loc;
}

export interface FileDiff {
  /** Paths with git's `a/` / `b/` prefix removed; null for /dev/null (a new or deleted file). */
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
  loc: Loc;
}

export interface ParsedPatch {
  name: string;
  /** The mail's Subject: line (continuations joined), or "" for a bare diff. */
  subject: string;
  /** The subject without its `[PATCH n/m]` tag. */
  title: string;
  diffs: FileDiff[];
}

/** Where a hunk went: `line` is 1-based in the file before the hunk; offset = line - expected. */
export interface AppliedHunk {
  patch: string;
  file: string;
  hunk: number;
  line: number;
  offset: number;
}

export interface PatchResult {
  /** Every file a patch touched, by path: its new text, or null when a patch deleted it. */
  files: Map<string, string | null>;
  patches: ParsedPatch[];
  applied: AppliedHunk[];
}

export interface PatchContext {
  sources: SourceManager;
  diags: DiagnosticBag;
}

const DEV_NULL = "/dev/null";
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const DIFF_GIT = /^diff --git a\/(\S+) b\/(\S+)$/;
/** Extended header lines git writes between `diff --git` and `---` for plain edits. */
const HARMLESS_HEADERS = /^(index |new file mode |deleted file mode |old mode |new mode )/;
const UNSUPPORTED_HEADERS = /^(rename from|rename to|copy from|copy to|similarity index|dissimilarity index|Binary files|GIT binary patch)/; // prettier-ignore

/** A patch's lines with their byte offsets, and a cursor over them. */
class Reader {
  readonly lines: string[];
  readonly starts: number[] = [];
  i = 0;
  constructor(
    readonly file: number,
    text: string,
  ) {
    this.lines = text.split("\n");
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] === "") this.lines.pop();
    let at = 0;
    for (const l of this.lines) {
      this.starts.push(at);
      at += l.length + 1;
    }
  }
  get done(): boolean {
    return this.i >= this.lines.length;
  }
  peek(k = 0): string | undefined {
    return this.lines[this.i + k];
  }
  loc(index = this.i): Loc {
    const start = this.starts[index] ?? this.starts[this.starts.length - 1] ?? 0;
    return { file: this.file, start, end: start + (this.lines[index]?.length ?? 0) };
  }
}

/** Parse one patch; undefined (with diagnostics at its lines) when it is malformed. */
export function parsePatch(patch: PatchText, ctx: PatchContext): ParsedPatch | undefined {
  const file = ctx.sources.add(patch.name, patch.text);
  const r = new Reader(file.id, patch.text);
  const errors = ctx.diags.errors.length;
  const subject = parseMailHeader(r);
  const diffs: FileDiff[] = [];
  while (!r.done) {
    const line = r.peek()!;
    const plain = line.startsWith("--- ") && r.peek(1)?.startsWith("+++ ");
    if (line.startsWith("diff --git ") || plain) {
      const d = parseFileDiff(r, ctx);
      if (!d) return undefined;
      diffs.push(d);
    } else r.i++;
  }
  if (diffs.length === 0) {
    ctx.diags.error(KERNEL.BAD_PATCH, r.loc(0), `'${patch.name}' contains no diff`);
    return undefined;
  }
  if (ctx.diags.errors.length > errors) return undefined;
  const title = subject.replace(/^\[[^\]]*\]\s*/, "");
  return { name: patch.name, subject, title, diffs };
}

/** The mail header of `git format-patch` (up to its blank line): returns the Subject. */
function parseMailHeader(r: Reader): string {
  if (!r.peek()?.startsWith("From ")) return "";
  let subject = "";
  let inSubject = false;
  while (!r.done && r.peek() !== "") {
    const line = r.peek()!;
    if (/^subject:/i.test(line))
      [subject, inSubject] = [line.slice("subject:".length).trim(), true]; // prettier-ignore
    else if (inSubject && /^[ \t]/.test(line)) subject += ` ${line.trim()}`;
    else inSubject = false;
    r.i++;
  }
  return subject;
}

/** Strip git's a/ or b/ prefix and any tab-separated timestamp; null for /dev/null. */
function diffPath(field: string): string | null {
  const path = field.split("\t")[0]!.trim();
  if (path === DEV_NULL) return null;
  return path.startsWith("a/") || path.startsWith("b/") ? path.slice(2) : path;
}

/** `diff --git` (optional), extended headers, `---`, `+++`, then the hunks. */
function parseFileDiff(r: Reader, ctx: PatchContext): FileDiff | undefined {
  const loc = r.loc();
  let gitPaths: [string, string] | undefined;
  if (r.peek()!.startsWith("diff --git ")) {
    const m = DIFF_GIT.exec(r.peek()!);
    if (!m) return bad(ctx, loc, `malformed 'diff --git' line: expected 'diff --git a/PATH b/PATH'`); // prettier-ignore
    gitPaths = [m[1]!, m[2]!];
    r.i++;
    while (!r.done && !r.peek()!.startsWith("--- ") && !r.peek()!.startsWith("diff --git ")) {
      const line = r.peek()!;
      if (UNSUPPORTED_HEADERS.test(line)) {
        ctx.diags.error(KERNEL.PATCH_UNSUPPORTED, r.loc(), `'${line}': renames, copies and binary diffs are not supported`); // prettier-ignore
        return undefined;
      }
      if (!HARMLESS_HEADERS.test(line)) return bad(ctx, r.loc(), `unexpected line in the header of the diff of '${gitPaths[0]}': '${line}'`); // prettier-ignore
      r.i++;
    }
    // A mode-only change has no ---/+++: nothing to apply to the text.
    if (r.done || r.peek()!.startsWith("diff --git ")) return { oldPath: gitPaths[0], newPath: gitPaths[1], hunks: [], loc }; // prettier-ignore
  }
  const oldPath = diffPath(r.peek()!.slice(4));
  r.i++;
  if (!r.peek()?.startsWith("+++ ")) return bad(ctx, r.loc(), `expected a '+++ ' line after '--- '`); // prettier-ignore
  const newPath = diffPath(r.peek()!.slice(4));
  if (oldPath === null && newPath === null) return bad(ctx, r.loc(), "both sides of the diff are /dev/null"); // prettier-ignore
  if (oldPath !== null && newPath !== null && oldPath !== newPath) {
    ctx.diags.error(KERNEL.PATCH_UNSUPPORTED, r.loc(), `'${oldPath}' becomes '${newPath}': renames are not supported`); // prettier-ignore
    return undefined;
  }
  r.i++;
  const hunks: Hunk[] = [];
  while (!r.done && r.peek()!.startsWith("@@")) {
    const h = parseHunk(r, ctx);
    if (!h) return undefined;
    hunks.push(h);
  }
  if (hunks.length === 0) return bad(ctx, r.loc(), `the diff of '${oldPath ?? newPath}' has no hunk`); // prettier-ignore
  return { oldPath, newPath, hunks, loc };
}

/** One `@@ -l,c +l,c @@` hunk: exactly as many old and new lines as its header says. */
function parseHunk(r: Reader, ctx: PatchContext): Hunk | undefined {
  const loc = r.loc();
  const m = HUNK_HEADER.exec(r.peek()!);
  if (!m) return bad(ctx, loc, `malformed hunk header '${r.peek()}': expected '@@ -LINE,COUNT +LINE,COUNT @@'`); // prettier-ignore
  const count = (s: string | undefined): number => (s === undefined ? 1 : Number(s));
  const h: Hunk = { oldStart: Number(m[1]), oldCount: count(m[2]), newStart: Number(m[3]), newCount: count(m[4]), lines: [], noEolOld: false, noEolNew: false, loc }; // prettier-ignore
  r.i++;
  let [olds, news] = [0, 0];
  while (olds < h.oldCount || news < h.newCount || r.peek()?.startsWith("\\")) {
    const line = r.peek();
    if (line?.startsWith("\\")) {
      // The marker belongs to the line before it: that side's last line has no newline.
      const prev = h.lines[h.lines.length - 1];
      if (!prev) return bad(ctx, r.loc(), "'\\ No newline at end of file' before any line of the hunk"); // prettier-ignore
      if (prev.op !== "+") h.noEolOld = true;
      if (prev.op !== "-") h.noEolNew = true;
      r.i++;
      continue;
    }
    // An empty line is a context line whose trailing space a mailer ate.
    const op = line === undefined ? undefined : line === "" ? " " : line[0];
    if (op !== " " && op !== "-" && op !== "+")
      return bad(ctx, r.loc(), `hunk ends early: ${h.oldCount - olds} old and ${h.newCount - news} new lines missing (the header says -${h.oldCount} +${h.newCount})`); // prettier-ignore
    if (op !== "+") olds++;
    if (op !== "-") news++;
    if (olds > h.oldCount || news > h.newCount)
      return bad(ctx, r.loc(), `hunk is longer than its header says (-${h.oldCount} +${h.newCount})`); // prettier-ignore
    h.lines.push({ op, text: line!.slice(1) });
    r.i++;
  }
  return h;
}

function bad(ctx: PatchContext, loc: Loc, message: string): undefined {
  ctx.diags.error(KERNEL.BAD_PATCH, loc, message);
  return undefined;
}

/** A text as lines without their newlines, and whether the last one had one. */
interface Lines {
  lines: string[];
  eol: boolean;
}

function splitLines(text: string): Lines {
  if (text === "") return { lines: [], eol: true };
  const eol = text.endsWith("\n");
  return { lines: (eol ? text.slice(0, -1) : text).split("\n"), eol };
}

function joinLines(l: Lines): string {
  return l.lines.length === 0 ? "" : l.lines.join("\n") + (l.eol ? "\n" : "");
}

/** Does the hunk's old side equal lines[at...]? */
function matchesAt(lines: string[], old: string[], at: number): boolean {
  if (at < 0 || at + old.length > lines.length) return false;
  return old.every((t, k) => lines[at + k] === t);
}

/**
 * The line (0-based) where the hunk's old side occurs, nearest to `expected` and not before
 * `from` (hunks apply in order and never overlap), or -1.
 */
function findHunk(lines: string[], old: string[], expected: number, from: number): number {
  const last = lines.length - old.length;
  for (let d = 0; expected - d >= from || expected + d <= last; d++) {
    if (expected - d >= from && matchesAt(lines, old, expected - d)) return expected - d;
    if (d > 0 && expected + d <= last && expected + d >= from && matchesAt(lines, old, expected + d)) return expected + d; // prettier-ignore
  }
  return -1;
}

/** Apply one file's hunks to its text; undefined (with diagnostics) when a hunk fails. */
function applyFileDiff(
  patch: ParsedPatch,
  d: FileDiff,
  path: string,
  text: string,
  ctx: PatchContext,
  applied: AppliedHunk[],
): string | undefined {
  const src = splitLines(text);
  const out: string[] = [];
  let eol = src.eol;
  let pos = 0;
  let ok = true;
  d.hunks.forEach((h, i) => {
    const old = h.lines.filter((l) => l.op !== "+").map((l) => l.text);
    const expected = h.oldCount === 0 ? h.oldStart : h.oldStart - 1;
    const at = findHunk(src.lines, old, Math.max(expected, pos), pos);
    if (at < 0) {
      ok = false;
      reportFailedHunk(src.lines, old, expected, `hunk #${i + 1} of '${path}'`, h, ctx);
      return;
    }
    out.push(...src.lines.slice(pos, at), ...h.lines.filter((l) => l.op !== "-").map((l) => l.text)); // prettier-ignore
    pos = at + old.length;
    if (pos === src.lines.length) eol = h.noEolNew ? false : h.noEolOld ? true : eol;
    applied.push({ patch: patch.name, file: path, hunk: i + 1, line: at + 1, offset: at - expected }); // prettier-ignore
  });
  if (!ok) return undefined;
  out.push(...src.lines.slice(pos));
  return joinLines({ lines: out, eol });
}

/** Name the first line that differs where the hunk should have applied. */
function reportFailedHunk(
  lines: string[],
  old: string[],
  expected: number,
  what: string,
  h: Hunk,
  ctx: PatchContext,
): void {
  // prettier-ignore
  const k = old.findIndex((t, j) => lines[expected + j] !== t);
  const line = expected + Math.max(k, 0) + 1;
  const found = lines[line - 1];
  const detail =
    found === undefined
      ? `the file has only ${lines.length} lines`
      : `line ${line} is ${JSON.stringify(found)}, the patch expects ${JSON.stringify(old[k] ?? "")}`;
  ctx.diags.error(KERNEL.HUNK_FAILED, h.loc, `${what} does not apply at line ${expected + 1} (nor at any offset): ${detail}`); // prettier-ignore
}

/**
 * Apply a series in order to the files `read` returns (undefined: no such file). Later patches
 * see earlier ones' results. Returns the touched files, or undefined with diagnostics: a patch
 * that does not apply stops the series (what follows was written against its result).
 */
export function applyPatches(
  read: (path: string) => string | undefined,
  patches: readonly PatchText[],
  ctx: PatchContext,
): PatchResult | undefined {
  const files = new Map<string, string | null>();
  const current = (path: string): string | undefined => (files.has(path) ? (files.get(path) ?? undefined) : read(path)); // prettier-ignore
  const parsed: ParsedPatch[] = [];
  const applied: AppliedHunk[] = [];
  for (const text of patches) {
    const p = parsePatch(text, ctx);
    if (!p) return undefined;
    parsed.push(p);
    for (const d of p.diffs) if (!applyDiff(p, d, current, files, ctx, applied)) return undefined;
  }
  return { files, patches: parsed, applied };
}

function applyDiff(
  p: ParsedPatch,
  d: FileDiff,
  current: (path: string) => string | undefined,
  files: Map<string, string | null>,
  ctx: PatchContext,
  applied: AppliedHunk[],
): boolean {
  const path = (d.newPath ?? d.oldPath)!;
  const before = current(path);
  if (d.oldPath === null && before !== undefined) {
    ctx.diags.error(KERNEL.PATCH_FILE_EXISTS, d.loc, `'${p.name}' creates '${path}', which already exists`); // prettier-ignore
    return false;
  }
  if (d.oldPath !== null && before === undefined) {
    ctx.diags.error(KERNEL.PATCH_FILE_MISSING, d.loc, `'${p.name}' changes '${path}', which does not exist`); // prettier-ignore
    return false;
  }
  const after = applyFileDiff(p, d, path, before ?? "", ctx, applied);
  if (after === undefined) return false;
  if (d.newPath === null && after !== "") {
    ctx.diags.error(KERNEL.HUNK_FAILED, d.loc, `'${p.name}' deletes '${path}' but its hunks leave ${splitLines(after).lines.length} lines`); // prettier-ignore
    return false;
  }
  files.set(path, d.newPath === null ? null : after);
  return true;
}

/** A host that serves the patched files over `host` (a deleted file reads as missing). */
export function patchedHost(host: Host, files: ReadonlyMap<string, string | null>): Host {
  return {
    readFile(path: string): string | undefined {
      return files.has(path) ? (files.get(path) ?? undefined) : host.readFile(path);
    },
  };
}
