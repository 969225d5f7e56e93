// Builds the CLI for a fast start (`npm run build`, which `npm test` and `npm run bench` run):
//
// 1. esbuild bundles src/cli/main.ts into one script, dist/entrylab.vm.js: importing chevrotain's
//    package entry alone costs ~230 ms of module resolution, one file costs none. The script is a
//    CommonJS body wrapped in a function expression so bin/entrylab.js can compile it with
//    node:vm's `Script`, which (unlike ES modules) accepts a V8 code cache.
// 2. A second node process (this script with --code-cache) runs the script on a small warm-up
//    (--version, assembling and running a few lines) and saves V8's code for every function
//    compiled by then as dist/entrylab.vm.cache. With it a start skips parsing and compiling the
//    0.8 MB bundle and the functions a command needs. Same script, same cache bytes (SEED_FLAG).
//
// The cache is keyed by a hash of the script: the script's last line names the key, the cache
// file starts with it, and bin/entrylab.js uses the cache only when both agree (V8 itself only
// checks the source length, its version and its flags, and rejects a cache from another Node).
// dist/entrylab.mjs is a one-line module that runs bin/entrylab.js, for `node dist/entrylab.mjs`.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const SCRIPT = join(DIST, "entrylab.vm.js");
const CACHE = join(DIST, "entrylab.vm.cache");
/** The line that ends the script and starts the cache file; bin/entrylab.js reads the same. */
const KEY_PREFIX = "//# entrylab-build-key=";
/** The script's parameters: CommonJS's, plus what `import.meta.url` becomes in a CJS bundle. */
const PARAMS = "exports, require, module, __filename, __dirname, __entrylab_import_meta_url";

/**
 * commander loads node:child_process when it is imported, for executable subcommands, which
 * entrylab has none of: ~3 ms of every start. The bundle gets a stand-in that loads the module on
 * first use of any of its exports.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.namespace === "lazy"
        ? { path: "node:child_process", external: true }
        : { path: "child_process", namespace: "lazy" },
    );
    b.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents:
        'let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:child_process"))[key] });\n', // prettier-ignore
      loader: "js",
    }));
  },
};

/** Bundles the CLI and returns the script's text, key line included. */
async function bundle() {
  const result = await build({
    stdin: { contents: 'export { main } from "./src/cli/main.ts";', resolveDir: ROOT, loader: "ts", sourcefile: "entry.ts" }, // prettier-ignore
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: SCRIPT,
    write: false,
    sourcemap: "linked",
    minifySyntax: true,
    minifyWhitespace: true,
    logLevel: "warning",
    define: { "import.meta.url": "__entrylab_import_meta_url" },
    plugins: [lazyChildProcess],
    // Strict, as the ES modules it is made of (and the ES module bundle it replaces) are.
    banner: { js: `(function (${PARAMS}) {\n"use strict";` },
    footer: { js: "})" },
  });
  let text;
  for (const file of result.outputFiles) {
    if (file.path === SCRIPT) text = file.text;
    else writeAtomically(file.path, file.contents);
  }
  const key = createHash("sha256").update(text).digest("hex");
  return `${text}${text.endsWith("\n") ? "" : "\n"}${KEY_PREFIX}${key}\n`;
}

/** Writes through a temporary name so a reader never sees half a file. */
function writeAtomically(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  mkdirSync(dirname(path), { recursive: true }); // dist/ does not exist in a fresh clone
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

// --- warm-up -------------------------------------------------------------------------------------

const WARM_UP_ASM = `#define STACK_TOP 0x9000
#define GUEST_STATUS 3
	.macro SAVE reg
	push \\reg
	.endm
	.section .text
	.globl _start
_start:
	mov $STACK_TOP, %rsp
	xor %eax, %eax
	mov $1, %ecx
1:	add %ecx, %eax
	SAVE %rax
	pop %rdx
	movq 8(%rsp,%rcx,8), %rbx
	lea counter(%rip), %rsi
	cmp $GUEST_STATUS, %eax
	jne 1b
	outb %al, $0xf4		# isa-debug-exit: entrylab run ends with status (GUEST_STATUS << 1) | 1
	.section .data
counter:
	.quad 0, 1
	.asciz "entrylab"
`;

/** The status of `entrylab run` on WARM_UP_ASM: the guest writes GUEST_STATUS to isa-debug-exit. */
const RUN_STATUS = (3 << 1) | 1;

/** Runs the commands a typical start runs, in this process, with their output thrown away. */
async function warmUp(main) {
  const dir = mkdtempSync(join(tmpdir(), "entrylab-build-"));
  const src = join(dir, "warm.S");
  writeFileSync(src, WARM_UP_ASM);
  const out = process.stdout.write;
  const err = process.stderr.write;
  const exitCode = process.exitCode;
  const statuses = [];
  try {
    process.stdout.write = process.stderr.write = () => true;
    statuses.push(await main(["--version"]));
    statuses.push(await main(["as", src, "-o", join(dir, "warm.o")]));
    statuses.push(await main(["run", src]));
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = exitCode;
    rmSync(dir, { recursive: true, force: true });
  }
  if (statuses.join() !== `0,0,${RUN_STATUS}`) {
    throw new Error(`build: the warm-up run failed (statuses ${statuses.join(", ")})`);
  }
}

/** Compiles the script as bin/entrylab.js does, warms it up and returns V8's code cache. */
async function codeCache(text) {
  const script = new Script(text, { filename: SCRIPT });
  const mod = { exports: {} };
  const require = createRequire(SCRIPT);
  script.runInThisContext()(mod.exports, require, mod, SCRIPT, DIST, pathToFileURL(SCRIPT).href);
  await warmUp(mod.exports.main);
  return script.createCachedData();
}

/** Argument that runs only the code cache step, in a process started with SEED_FLAG. */
const CACHE_STEP = "--code-cache";
/**
 * V8's random seed, fixed in the process that makes the cache: with it the cache has the same
 * bytes on every build of the same script. The seed is not among the flags a cache must match.
 */
const SEED_FLAG = "--random-seed=1";

if (process.argv[2] === CACHE_STEP) {
  const text = readFileSync(SCRIPT, "utf8");
  const keyLine = text.slice(text.lastIndexOf(KEY_PREFIX));
  const data = await codeCache(text);
  writeAtomically(CACHE, Buffer.concat([Buffer.from(keyLine, "latin1"), data]));
} else {
  const text = await bundle();
  // The old cache goes first: a failed build must not leave it beside a new script.
  rmSync(CACHE, { force: true });
  rmSync(join(DIST, "entrylab.mjs.map"), { force: true }); // left by builds before the code cache
  writeAtomically(SCRIPT, text);
  writeAtomically(join(DIST, "entrylab.mjs"), '// Generated by scripts/build.mjs.\nimport "../bin/entrylab.js";\n'); // prettier-ignore
  const step = [SEED_FLAG, fileURLToPath(import.meta.url), CACHE_STEP];
  const r = spawnSync(process.execPath, step, { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`build: making the code cache failed (status ${r.status})`);
}
