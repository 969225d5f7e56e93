// Helpers for the assembly tests and the fuzzer: build a .S file with entrylab (assemble + link
// for flat64) and run it on the VM; build the same file natively with gcc and run it.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { assembleText } from "../../src/asm/index.js";
import { DiagnosticBag, SourceManager } from "../../src/diag/index.js";
import { link } from "../../src/link/index.js";
import { createMachine } from "../../src/vm/index.js";
import type { RunResult } from "../../src/vm/index.js";
import { fileHost } from "../support/host.js";

export const ASM_DIR = new URL(".", import.meta.url).pathname;

const nodeHost = fileHost;

export interface VmOutcome {
  output: string;
  result: RunResult;
}

/** Assemble `text` (as file `name`), link it for flat64 and run it on the VM. */
export function runOnVm(
  name: string,
  text: string,
  opts: {
    defines?: Array<{ name: string; value?: string }>;
    maxInsns?: number;
    /** The vendor the VM models where Intel and AMD differ (default: the reference, amd). */
    vendor?: "intel" | "amd";
  } = {},
): VmOutcome {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = assembleText(name, text, {
    host: nodeHost, sources, diags, includePaths: [ASM_DIR], defines: opts.defines ?? [],
  }); // prettier-ignore
  const image = r.object && link([r.object], { diags });
  if (!image || diags.hasErrors)
    throw new Error(`entrylab build of ${name} failed:\n${report(diags)}`);
  let output = "";
  const decoder = new TextDecoder("latin1");
  const m = createMachine({
    output: (b) => (output += decoder.decode(b)),
    maxInsns: opts.maxInsns ?? 50_000_000,
    vendor: opts.vendor ?? "amd",
  });
  const problems = m.loadFlat64(image);
  if (problems.length > 0)
    throw new Error(`loadFlat64 of ${name}: ${problems.map((p) => p.message).join("; ")}`);
  const result = m.run();
  return { output, result };
}

function report(diags: DiagnosticBag): string {
  return diags.items
    .map((d) => `${d.code} ${d.message} ${d.loc ? JSON.stringify(d.loc) : ""}`)
    .join("\n");
}

/** Why the native half cannot run here, or undefined when it can (x86-64 Linux with gcc). */
export function nativeUnavailable(): string | undefined {
  if (platform() !== "linux" || arch() !== "x64")
    return `host is ${platform()}/${arch()}, not x86-64 Linux`;
  const gcc = spawnSync("gcc", ["--version"], { encoding: "utf8" });
  if (gcc.status !== 0) return "gcc not found";
  return undefined;
}

/** Build `src` natively (static, no libc) into `exe` and run it; returns its stdout. */
export function runNative(src: string, exe: string, defines: string[] = []): string {
  execFileSync(
    "gcc",
    ["-nostdlib", "-static", "-DNATIVE", `-I${ASM_DIR}`, ...defines, "-o", exe, src],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  return execFileSync(exe, { encoding: "latin1", maxBuffer: 64 << 20 });
}

/** The CPU vendor string of this host ("AuthenticAMD", "GenuineIntel", ...). */
/** The VM vendor option that models this host's CPU. */
export function hostVendorOption(): "intel" | "amd" {
  return hostVendor() === "GenuineIntel" ? "intel" : "amd";
}

export function hostVendor(): string {
  try {
    const m = /vendor_id\s*:\s*(\S+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}
