// The differential half of the random-program tests: build one generated program with entrylab
// (src/cc → src/asm → link with the flat64 C runtime → the VM, as test/c does) and with the
// host's gcc, run both, and say whether they printed the same. What each side "printed" is its
// output followed by how it ended, so a fault or a wrong exit status is a difference too.
// gcc builds with UBSan: a program it flags is a generator bug, reported as such.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runOnVm } from "../build.js";

/** Instructions the VM may run for one program: generated programs do far less. */
const MAX_INSNS = 50_000_000;
/** The native build: no optimisation, as test/c; UBSan stops at the first undefined operation. */
const GCC_FLAGS = ["-w", "-fno-pie", "-no-pie", "-fsanitize=undefined", "-fno-sanitize-recover=all"]; // prettier-ignore

/** gcc itself crashed on the program (gcc 12 does on some nested structure calls). */
export class GccCrash extends Error {}

export interface Outcome {
  vm: string;
  native: string;
  same: boolean;
}

function vmSide(text: string, file: string): string {
  try {
    const { output, result } = runOnVm([{ name: file, text }], MAX_INSNS);
    const end = result.faultChain
      ? `fault ${JSON.stringify(result.faultChain)}`
      : `${result.reason} ${result.exitStatus}`;
    return `${output}[${end}]`;
  } catch (e) {
    return `[entrylab failed: ${(e as Error).message}]`;
  }
}

/** Build with gcc at `opt` and run; throws when gcc rejects it, UBSan fires or it fails. */
export function nativeSide(file: string, exe: string, opt = "-O0"): string {
  try {
    execFileSync("gcc", [...GCC_FLAGS, opt, "-o", exe, file], { stdio: ["ignore", "ignore", "pipe"] }); // prettier-ignore
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? "");
    if (stderr.includes("internal compiler error")) throw new GccCrash(stderr);
    throw e;
  }
  const r = spawnSync(exe, { encoding: "latin1", maxBuffer: 64 << 20, timeout: 10_000 });
  if (r.status !== 0) throw new Error(`native run of ${file} (${opt}) failed: ${r.status} ${r.stderr}`); // prettier-ignore
  // crt0 passes main's 0 to exit: isa-debug-exit reports (0 << 1) | 1.
  return `${r.stdout}[exit 1]`;
}

/**
 * Run `text` both ways in `work` (a scratch directory). Throws when gcc rejects the program or
 * the native run fails: that is a bug in the generator, not in entrylab.
 */
export function runBoth(text: string, work: string, stem: string): Outcome {
  const file = join(work, `${stem}.c`);
  writeFileSync(file, text);
  const native = nativeSide(file, join(work, stem));
  const vm = vmSide(text, file);
  return { vm, native, same: vm === native };
}
