// The kernel build: what Kbuild does for the model kernel, through the Host (no file system).
// 1. generate <asm/entrylab-layout.h> from boot/layout.ts;
// 2. compile runtime/asm-offsets.c and turn its markers into <asm/asm-offsets.h> (which shadows
//    the hand-written copy in include/ for this build: C, assembly and the boot builder then
//    share one layout);
// 3. assemble/compile the entry tree (programs/entry) and the runtime (src/kernel-rt/runtime)
//    with the CONFIG_* defines, plus the flat64 C library (printk, putchar, memcpy);
//    a patch series (`patches`, programs/patches) is applied to the tree first, so the patched
//    files keep their own names in diagnostics and line tables;
// 4. link with the kernel layout (text at __START_KERNEL, .data..percpu at 0).
// User programs are built the same way and linked at USER_TEXT_START. Every stage reports into
// the caller's DiagnosticBag; nothing here throws on bad input.
import { joinPath, type DiagnosticBag, type Host, type SourceManager } from "../diag/index.js";
import { KERNEL } from "../diag/codes/kernel.js";
import { COMMAND_LINE } from "../diag/index.js";
import { assembleText } from "../asm/index.js";
import { asmOffsetsText, compileText } from "../cc/index.js";
import { link, parseLayout } from "../link/index.js";
import {
  applyPatches,
  patchedHost,
  type AppliedHunk,
  type ParsedPatch,
  type PatchText,
} from "./patch.js";
import type { ObjectFile } from "../obj/index.js";
import { CRT_LIB_C, CRT_LIB_NAME } from "./crt/index.js";
import {
  LAYOUT_HEADER_NAME,
  kernelLayoutText,
  layoutHeader,
  userLayoutText,
} from "./boot/layout.js";

/** Where the build's generated headers live: a virtual include directory searched first. */
export const GENERATED_INCLUDE = "<entrylab-generated>";
export const KERNEL_INCLUDE = "src/kernel-rt/include";
export const RUNTIME_INCLUDE = "src/kernel-rt/runtime/include";
export const ENTRY_DIR = "programs/entry";
export const USER_DIR = "programs/user";
export const ASM_OFFSETS_SOURCE = "src/kernel-rt/runtime/asm-offsets.c";

/** The kernel's objects, as a Makefile's obj-y lists them: the entry tree, then the runtime. */
export const ENTRY_SOURCES: readonly string[] = [
  "programs/entry/entry_64.S",
  "programs/entry/switch_64.S",
];
export const RUNTIME_SOURCES: readonly string[] = [
  "src/kernel-rt/runtime/head_64.S",
  "src/kernel-rt/runtime/usercopy_64.S",
  "src/kernel-rt/runtime/main.c",
  "src/kernel-rt/runtime/sched.c",
  "src/kernel-rt/runtime/syscall.c",
  "src/kernel-rt/runtime/traps.c",
  "src/kernel-rt/runtime/entry-common.c",
  "src/kernel-rt/runtime/time.c",
  "src/kernel-rt/runtime/pgtable.c",
  "src/kernel-rt/runtime/page_alloc.c",
  "src/kernel-rt/runtime/fault.c",
  "src/kernel-rt/runtime/timer.c",
  "src/kernel-rt/runtime/wait.c",
  "src/kernel-rt/runtime/futex.c",
  "src/kernel-rt/runtime/signal.c",
  "src/kernel-rt/runtime/fork.c",
  "src/kernel-rt/runtime/exit.c",
  "src/kernel-rt/runtime/memory.c",
];
/** Linked into every user program: write_out, print_dec, sys_exit. */
export const USER_LIB = "programs/user/lib.S";

/** The kernel configuration every build has (CONFIG_PAGE_TABLE_ISOLATION is compiled in; the
 * boot decides with X86_FEATURE_PTI whether it runs). */
export const KERNEL_CONFIG: readonly string[] = [
  "CONFIG_X86_64",
  "CONFIG_SMP",
  "CONFIG_PAGE_TABLE_ISOLATION",
];

export interface KernelBuildOptions {
  host: Host;
  sources: SourceManager;
  diags: DiagnosticBag;
  /** Directory the kernel's own files (src/kernel-rt, programs) are read from; default ".". */
  root?: string;
  /** CONFIG_* symbols to define (default KERNEL_CONFIG). */
  config?: readonly string[];
  /** A patch series applied, in order, to the tree's files before the build. */
  patches?: readonly PatchText[];
}

export interface KernelBuild {
  image: ObjectFile;
  /** Every value of the generated asm-offsets.h, by name. */
  offsets: ReadonlyMap<string, number>;
  asmOffsetsHeader: string;
  /** The series applied (empty without patches) and where each hunk went. */
  patches: ParsedPatch[];
  applied: AppliedHunk[];
}

/**
 * A host that serves the generated headers and reads the kernel's own files (paths under
 * src/kernel-rt/ and programs/) from `root`, so their names stay relative in diagnostics and
 * line tables wherever the command runs.
 */
export function kernelHost(host: Host, root: string, generated: Map<string, string>): Host {
  const own = (p: string): boolean => p.startsWith("src/kernel-rt/") || p.startsWith("programs/");
  return {
    readFile(path: string): string | undefined {
      const g = generated.get(path);
      if (g !== undefined) return g;
      return own(path) ? (host.readFile(joinPath(root, path)) ?? host.readFile(path)) : host.readFile(path); // prettier-ignore
    },
  };
}

/** `#define NAME value` lines of a generated asm-offsets.h. */
export function parseOffsets(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of header.matchAll(/^#define\s+([A-Za-z_]\w*)\s+(-?\d+)\b/gm))
    out.set(m[1]!, Number(m[2]));
  return out;
}

interface Unit {
  host: Host;
  sources: SourceManager;
  diags: DiagnosticBag;
  includePaths: string[];
  config: readonly string[];
}

/** Assemble a .S or compile-and-assemble a .c file; undefined on errors (already reported). */
function buildOne(path: string, u: Unit): ObjectFile | undefined {
  const text = u.host.readFile(path);
  if (text === undefined) {
    u.diags.error(KERNEL.NO_USER_PROGRAM, COMMAND_LINE, `cannot read '${path}': no such file`);
    return undefined;
  }
  const defines = u.config.map((name) => ({ name }));
  if (path.endsWith(".c")) {
    const opts = { host: u.host, sources: u.sources, diags: u.diags, includePaths: u.includePaths, defines }; // prettier-ignore
    const asm = compileText(path, text, opts).asm;
    return asm === undefined ? undefined : assembleText(`${path.slice(0, -2)}.s`, asm, opts).object;
  }
  return assembleText(path, text, {
    host: u.host,
    sources: u.sources,
    diags: u.diags,
    includePaths: u.includePaths,
    defines: [{ name: "__ASSEMBLY__" }, ...defines],
  }).object;
}

/** Steps 1-2: the generated headers, or undefined when asm-offsets.c has errors. */
function generateHeaders(
  opts: KernelBuildOptions,
  generated: Map<string, string>,
  host: Host,
): string | undefined {
  generated.set(`${GENERATED_INCLUDE}/${LAYOUT_HEADER_NAME}`, layoutHeader());
  const text = host.readFile(ASM_OFFSETS_SOURCE);
  if (text === undefined) {
    opts.diags.error(KERNEL.MISSING_OFFSET, COMMAND_LINE, `cannot read '${ASM_OFFSETS_SOURCE}'`);
    return undefined;
  }
  const defines = (opts.config ?? KERNEL_CONFIG).map((name) => ({ name }));
  const includePaths = [GENERATED_INCLUDE, RUNTIME_INCLUDE, KERNEL_INCLUDE];
  const r = asmOffsetsText(ASM_OFFSETS_SOURCE, text, { host, sources: opts.sources, diags: opts.diags, includePaths, defines }); // prettier-ignore
  if (r.header === undefined) return undefined;
  generated.set(`${GENERATED_INCLUDE}/asm/asm-offsets.h`, r.header);
  return r.header;
}

/** Build and link the kernel image; undefined when any stage reported errors. */
export function buildKernel(opts: KernelBuildOptions): KernelBuild | undefined {
  const generated = new Map<string, string>();
  const tree = kernelHost(opts.host, opts.root ?? ".", generated);
  const series = applyPatches((p) => tree.readFile(p), opts.patches ?? [], opts);
  if (!series) return undefined;
  const host = patchedHost(tree, series.files);
  const header = generateHeaders(opts, generated, host);
  if (header === undefined) return undefined;
  const config = opts.config ?? KERNEL_CONFIG;
  const base = { host, sources: opts.sources, diags: opts.diags, config };
  const objects: (ObjectFile | undefined)[] = [
    ...ENTRY_SOURCES.map((p) => buildOne(p, { ...base, includePaths: [GENERATED_INCLUDE, KERNEL_INCLUDE, ENTRY_DIR] })), // prettier-ignore
    ...RUNTIME_SOURCES.map((p) => buildOne(p, { ...base, includePaths: [GENERATED_INCLUDE, RUNTIME_INCLUDE, KERNEL_INCLUDE] })), // prettier-ignore
  ];
  const lib = compileText(CRT_LIB_NAME, CRT_LIB_C, { host, sources: opts.sources, diags: opts.diags }); // prettier-ignore
  if (lib.asm !== undefined) objects.push(assembleText(`${CRT_LIB_NAME}.s`, lib.asm, { host, sources: opts.sources, diags: opts.diags }).object); // prettier-ignore
  if (opts.diags.hasErrors || objects.some((o) => o === undefined)) return undefined;
  const layout = parseLayout(kernelLayoutText(), { diags: opts.diags });
  if (!layout) return undefined;
  const image = link(objects as ObjectFile[], { diags: opts.diags, layout, output: "vmlinux" });
  if (!image || opts.diags.hasErrors) return undefined;
  return { image, offsets: parseOffsets(header), asmOffsetsHeader: header, patches: series.patches, applied: series.applied }; // prettier-ignore
}

export interface UserBuildOptions extends KernelBuildOptions {}

/** A name for the built-in programs: `getpid` → programs/user/getpid.S. */
export function userProgramPath(spec: string): string {
  return /^[A-Za-z0-9_-]+$/.test(spec) ? `${USER_DIR}/${spec}.S` : spec;
}

/** Build one user program (its source plus the user library) linked at USER_TEXT_START. */
export function buildUserProgram(spec: string, opts: UserBuildOptions): ObjectFile | undefined {
  const path = userProgramPath(spec);
  // User programs see the layout too (<asm/entrylab-layout.h>: USER_HEAP_START, USER_SHARED_PAGE).
  const generated = new Map([[`${GENERATED_INCLUDE}/${LAYOUT_HEADER_NAME}`, layoutHeader()]]);
  const host = kernelHost(opts.host, opts.root ?? ".", generated);
  if (host.readFile(path) === undefined) {
    opts.diags.error(KERNEL.NO_USER_PROGRAM, COMMAND_LINE, `user program '${spec}' not found (looked for '${path}')`); // prettier-ignore
    return undefined;
  }
  const unit = { host, sources: opts.sources, diags: opts.diags, config: [], includePaths: [GENERATED_INCLUDE, KERNEL_INCLUDE] }; // prettier-ignore
  const objects = [buildOne(path, unit), buildOne(USER_LIB, unit)];
  if (objects.some((o) => o === undefined)) return undefined;
  const layout = parseLayout(userLayoutText(), { diags: opts.diags });
  if (!layout) return undefined;
  const name = path.slice(path.lastIndexOf("/") + 1).replace(/\.[sSc]$/, "");
  const image = link(objects as ObjectFile[], { diags: opts.diags, layout, output: name });
  return image && !opts.diags.hasErrors ? image : undefined;
}
