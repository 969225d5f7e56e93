// Enforces the dependency rules of ../shared/design/architecture.md by reading every import.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../../src");

/** Which modules each module may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  diag: [],
  isa: [],
  cpp: ["diag"],
  asm: ["cpp", "isa", "obj", "diag"],
  cc: ["cpp", "diag"],
  obj: ["isa", "diag"],
  link: ["obj", "diag", "isa"],
  vm: ["isa", "obj", "diag"],
  "kernel-rt": ["vm", "link", "asm", "cc", "cpp", "obj", "isa", "diag"],
  trace: ["isa", "obj", "vm", "diag"],
  debug: ["vm", "trace", "obj", "isa", "diag"],
  cli: ["*"],
};
const HOST_MODULES =
  /^(node:)?(fs|path|child_process|process|os|readline|worker_threads|url)(\/.*)?$/;

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

function imports(text: string): string[] {
  const out: string[] = [];
  const re =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push((m[1] ?? m[2])!);
  return out;
}

function moduleOf(file: string): string {
  return relative(SRC, file).split("/")[0]!;
}

describe("architecture dependency rules", () => {
  const files = [...sourceFiles(SRC)];

  it("finds the modules", () => {
    expect(new Set(files.map(moduleOf))).toContain("diag");
  });

  it("every import stays within what its module may use", () => {
    const broken: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      const allowed = ALLOWED[from];
      if (!allowed) {
        broken.push(`${relative(SRC, file)}: module '${from}' is not in the architecture`);
        continue;
      }
      for (const spec of imports(readFileSync(file, "utf8"))) {
        if (!spec.startsWith(".")) {
          if (from !== "cli" && HOST_MODULES.test(spec))
            broken.push(`${relative(SRC, file)}: host module '${spec}' outside src/cli`);
          continue;
        }
        const target = moduleOf(join(file, "..", spec));
        if (target !== from && !allowed.includes("*") && !allowed.includes(target))
          broken.push(`${relative(SRC, file)}: ${from} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("core modules do not reach for the clock, the process or unseeded randomness", () => {
    const leaks: string[] = [];
    for (const file of files) {
      if (moduleOf(file) === "cli") continue;
      const text = readFileSync(file, "utf8");
      if (
        /process\.(argv|exit|stdout|stderr|env)|Date\.now\(|performance\.now\(|Math\.random\(/.test(
          text,
        )
      )
        leaks.push(relative(SRC, file));
    }
    expect(leaks).toEqual([]);
  });

  it("detects a broken rule (the checker itself can fail)", () => {
    expect(imports('import { x } from "../vm/index.js";')).toEqual(["../vm/index.js"]);
    expect(moduleOf(join(SRC, "vm", "cpu.ts"))).toBe("vm");
  });
});
