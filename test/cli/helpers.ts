// Runs the built CLI (dist/entrylab.mjs, made by `npm run build`, which `npm test` runs first)
// as a user would, capturing stdout, stderr and the exit status.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
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
