// Runs the built CLI (dist/entrylab.mjs, made by `npm run build`, which `npm test` runs first)
// as a user would, capturing stdout, stderr and the exit status.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/entrylab.js");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  /** The command line it ran (after `entrylab`). */
  args: string[];
}

export function entrylab(args: string[], cwd = ROOT): CliResult {
  if (!existsSync(join(ROOT, "dist/entrylab.mjs"))) throw new Error("run `npm run build` first");
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "latin1" });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, args };
}

/** A fresh temporary directory holding the given files. */
export function scratch(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "entrylab-"));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

/**
 * A JSONL trace of test/unit/trace/roundtrip.S with the exit path's SWAPGS (the last before the
 * SYSRET) taken out: the return to user mode keeps the kernel's GS base (`swapgs-balance`).
 * Written as `dir/broken.jsonl`; returns its path.
 */
export function traceWithoutExitSwapgs(dir: string): string {
  const t = join(dir, "roundtrip.jsonl");
  entrylab(["run", "-I", "test/system", "test/unit/trace/roundtrip.S", "--trace", t]);
  const lines = readFileSync(t, "utf8").trimEnd().split("\n");
  const sysret = lines.findIndex((l) => l.includes('"kind":"sysret"'));
  const swapgs = lines.slice(0, sysret).map((l, i) => [l, i] as const).filter(([l]) => l.includes('"kind":"swapgs"')).pop()![1]; // prettier-ignore
  const broken = join(dir, "broken.jsonl");
  writeFileSync(broken, lines.filter((_, i) => i !== swapgs).join("\n") + "\n");
  return broken;
}
