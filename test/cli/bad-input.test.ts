// Every way a user can hand entrylab a bad image, object or option, end to end through the built
// CLI: each must end in one clear `entrylab: error[EXXXX]: ...` line (or several, one per problem),
// the exit status docs/diagnostics.md documents, and never a stack trace. The bad files are made by
// building a valid program with the CLI and patching bytes of its ELF headers.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { entrylab, ROOT, scratch, type CliResult } from "./helpers.js";

const EXIT_INPUT = 1;
const EXIT_USAGE = 2;
const EXIT_IO = 3;
/** `run`'s own trouble, apart from every guest status. */
const EXIT_TROUBLE = 2;
const LE = true;

// Elf64_Ehdr / Elf64_Phdr / Elf64_Shdr field offsets (ELF gABI).
const E_MACHINE = 18;
const E_ENTRY = 24;
const E_PHOFF = 32;
const E_SHOFF = 40;
const E_FLAGS = 48;
const E_PHENTSIZE = 54;
const E_SHENTSIZE = 58;
const E_SHSTRNDX = 62;
const EI_CLASS = 4;
const EI_DATA = 5;
const P_VADDR = 16;
const P_PADDR = 24;
const P_MEMSZ = 40;
const SH_NAME = 0;
const EM_X86_64 = 62;
const ELFCLASS32 = 1;
const ELFDATA2MSB = 2;
const IMAGE_BASE = 0x100000n;

const PROGRAM = [
  "\t.globl _start",
  "_start:",
  "\tmovq $1, %rax",
  "\tcli",
  "\thlt",
  "\t.data",
  "value:\t.quad 5",
  "",
].join("\n");

let dir = "";
let object = new Uint8Array();
let image = new Uint8Array();

beforeAll(() => {
  dir = scratch({ "t.S": PROGRAM, "nostart.S": "\t.text\nhelper:\n\tnop\n" });
  for (const [src, out] of [
    ["t.S", "t.o"],
    ["nostart.S", "nostart.o"],
  ]) {
    const r = entrylab(["as", join(dir, src!), "-o", join(dir, out!)]);
    expect(r.stderr).toBe("");
  }
  expect(entrylab(["link", join(dir, "t.o"), "-o", join(dir, "t.img")]).status).toBe(0);
  object = new Uint8Array(readFileSync(join(dir, "t.o")));
  image = new Uint8Array(readFileSync(join(dir, "t.img")));
  mkdirSync(join(dir, "adir"));
  writeFileSync(join(dir, "plain"), "a regular file\n");
});

/** A copy of `bytes` with `edit` applied through a DataView. */
function patched(bytes: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

/** Byte offset of program header `i`, read from e_phoff and e_phentsize. */
function phdr(v: DataView, i: number): number {
  return Number(v.getBigUint64(E_PHOFF, LE)) + i * v.getUint16(E_PHENTSIZE, LE);
}

/** Byte offset of section header `i`, read from e_shoff and e_shentsize. */
function shdr(v: DataView, i: number): number {
  return Number(v.getBigUint64(E_SHOFF, LE)) + i * v.getUint16(E_SHENTSIZE, LE);
}

/** Move program header `i` to `vaddr` (and `paddr`, by default the same). */
function placeSegment(v: DataView, i: number, vaddr: bigint, paddr = vaddr): void {
  v.setBigUint64(phdr(v, i) + P_VADDR, vaddr, LE);
  v.setBigUint64(phdr(v, i) + P_PADDR, paddr, LE);
}

let serial = 0;
/** Write `bytes` to a fresh file in the scratch directory; returns its path. */
function file(bytes: Uint8Array, suffix = ".img"): string {
  const path = join(dir, `bad${serial++}${suffix}`);
  writeFileSync(path, bytes);
  return path;
}

/** No JS stack trace, no internal-error report: only entrylab's own diagnostics. */
function expectNoCrash(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s{4}at /m);
  expect(r.stderr).not.toMatch(/E0005|internal error/);
}

/**
 * The run failed with `status`, reported `code`, and the message says each of `words`. `run`
 * passes its guest's status through, so its input and I/O errors are trouble (2) instead of the
 * other commands' 1 and 3, which a guest's exit 0 and 1 are (docs/diagnostics.md).
 */
function expectError(r: CliResult, status: number, code: string, ...words: RegExp[]): void {
  expectNoCrash(r);
  expect(r.stderr).toMatch(new RegExp(`^entrylab: error\\[${code}\\]: `, "m"));
  for (const w of words) expect(r.stderr).toMatch(w);
  const own = r.args[0] === "run" && (status === EXIT_INPUT || status === EXIT_IO);
  expect(r.status).toBe(own ? EXIT_TROUBLE : status);
}

/** The three commands that read an ELF file, with the arguments each needs around it. */
const READERS: Array<[string, (path: string) => string[]]> = [
  ["run", (p) => ["run", p]],
  ["objdump", (p) => ["objdump", p]],
  ["link", (p) => ["link", p, "-o", join(dir, "out.img")]],
];

/** Every reader rejects the file with status 1, `code` and `words`. */
function rejectedByAll(path: string, code: string, ...words: RegExp[]): void {
  for (const [, args] of READERS) expectError(entrylab(args(path)), EXIT_INPUT, code, ...words);
}

describe("broken ELF files: run, objdump and link give the same diagnostic", () => {
  it("an empty file", () => {
    rejectedByAll(file(new Uint8Array()), "E4001", /truncated: 0 bytes/, /ELF64 header needs 64/);
  });

  it("a file that is not ELF at all", () => {
    const text = new TextEncoder().encode("just some text\n");
    rejectedByAll(file(text), "E4002", /not an ELF file/);
  });

  it("an image and an object truncated inside the ELF header", () => {
    for (const [bytes, len] of [
      [image, 1],
      [image, 16],
      [image, 63],
      [object, 40],
    ] as const) {
      const r = entrylab(["objdump", file(bytes.subarray(0, len))]);
      expectError(r, EXIT_INPUT, "E4001", new RegExp(`truncated: ${len} bytes`));
    }
    rejectedByAll(file(image.subarray(0, 20)), "E4001", /truncated: 20 bytes/);
  });

  it("an image and an object truncated after the header: the header tables are cut off", () => {
    for (const bytes of [image, object]) {
      for (const len of [64, 200, bytes.length >> 1, bytes.length - 1]) {
        const r = entrylab(["objdump", file(bytes.subarray(0, len))]);
        expectError(r, EXIT_INPUT, "E4011", /section header table/, /past the end of the file/);
        expect(r.stderr).toContain(`(${len} bytes)`);
      }
    }
    rejectedByAll(file(image.subarray(0, image.length - 1)), "E4011", /section header table/);
    rejectedByAll(file(object.subarray(0, 100)), "E4011", /section header table/);
  });

  it("a section header table whose offset is past the end of the file", () => {
    const bad = patched(image, (v) => v.setBigUint64(E_SHOFF, 1n << 40n, LE));
    rejectedByAll(file(bad), "E4011", /section header table/, /at 0x10000000000/);
    const obj = patched(object, (v) => v.setBigUint64(E_SHOFF, BigInt(object.length), LE));
    rejectedByAll(file(obj, ".o"), "E4011", /past the end of the file/);
  });

  it("section contents past the end of the file", () => {
    const bad = patched(image, (v) => v.setBigUint64(shdr(v, 1) + 24, 0x100000n, LE));
    rejectedByAll(file(bad), "E4012", /section \[1\] \.text/, /past the end of the file/);
  });

  it("a bad section-name string table index (e_shstrndx), and a name past its end", () => {
    const missing = patched(image, (v) => v.setUint16(E_SHSTRNDX, 99, LE));
    rejectedByAll(file(missing), "E4014", /e_shstrndx 99 is not a section/);
    const notStrings = patched(image, (v) => v.setUint16(E_SHSTRNDX, 1, LE));
    rejectedByAll(file(notStrings), "E4013", /named by e_shstrndx, is not a string table/);
    const name = patched(image, (v) => v.setUint32(shdr(v, 1) + SH_NAME, 0xffff, LE));
    rejectedByAll(file(name), "E4013", /string index 65535 is past the end of string table/);
  });

  it("the wrong class and the wrong byte order", () => {
    const elf32 = patched(image, (v) => v.setUint8(EI_CLASS, ELFCLASS32));
    rejectedByAll(file(elf32), "E4003", /ELFCLASS32 \(32-bit\)/, /entrylab objects are ELFCLASS64/);
    const msb = patched(object, (v) => v.setUint8(EI_DATA, ELFDATA2MSB));
    rejectedByAll(file(msb, ".o"), "E4004", /big-endian/, /little-endian/);
  });

  it("the wrong e_machine: one error naming the machine, no follow-on e_flags complaint", () => {
    const bad = patched(object, (v) => v.setUint16(E_MACHINE, EM_X86_64, LE));
    for (const [, args] of READERS) {
      const r = entrylab(args(file(bad, ".o")));
      expectError(r, EXIT_INPUT, "E4008", /x86-64 object, not an entrylab object/, /0x3e/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("an x86-64 object built by gcc -c on this host", () => {
    const gcc = spawnSync("gcc", ["--version"]);
    if (gcc.error || gcc.status !== 0) {
      console.warn("bad-input: gcc is not installed; the gcc-built x86-64 object case is not run");
      return;
    }
    const src = join(dir, "native.S");
    writeFileSync(src, "\t.globl _start\n_start:\n\tcli\n\thlt\n");
    const built = spawnSync("gcc", ["-c", src, "-o", join(dir, "native.o")], { encoding: "utf8" });
    expect(built.stderr).toBe("");
    for (const [, args] of READERS) {
      const r = entrylab(args(join(dir, "native.o")));
      expectError(r, EXIT_INPUT, "E4008", /native\.o: x86-64 object, not an entrylab object/);
      expect(r.stderr).not.toMatch(/E4009/);
    }
  });

  it("another bytecode version in e_flags", () => {
    const bad = patched(image, (v) => v.setUint32(E_FLAGS, 99, LE));
    rejectedByAll(
      file(bad),
      "E4009",
      /built for bytecode version 99/,
      /this entrylab reads version/,
    );
  });

  it("overlapping PT_LOAD segments, virtually and physically", () => {
    const bad = patched(image, (v) => placeSegment(v, 1, IMAGE_BASE + 4n));
    rejectedByAll(file(bad), "E4024", /segments 0 .* and 1 .* overlap in virtual memory/);
    const phys = patched(image, (v) => v.setBigUint64(phdr(v, 1) + P_PADDR, IMAGE_BASE, LE));
    rejectedByAll(file(phys), "E4024", /overlap in physical memory/);
  });

  it("an entry point outside every segment", () => {
    const bad = patched(image, (v) => v.setBigUint64(E_ENTRY, 0x500000n, LE));
    rejectedByAll(file(bad), "E4025", /entry point 0x500000 is outside every segment/);
  });

  it("a directory given as input: a read error, status 3", () => {
    for (const [, args] of READERS) {
      const r = entrylab(args(join(dir, "adir")));
      expectError(r, EXIT_IO, "E0002", /cannot read '.*adir': it is a directory/);
    }
    const src = entrylab(["run", join(dir, "adir") + "/"]);
    expectError(src, EXIT_IO, "E0002", /it is a directory/);
  });

  it("a missing input file: status 3", () => {
    for (const [, args] of READERS) {
      const r = entrylab(args(join(dir, "nowhere.o")));
      expectError(r, EXIT_IO, "E0002", /cannot read '.*nowhere\.o'/);
    }
  });
});

describe("images that are valid ELF but cannot boot with flat64: run only", () => {
  it("a relocatable object given to run alone is linked for flat64, as its help says", () => {
    const r = entrylab(["run", join(dir, "t.o"), "--state-out", join(dir, "obj.json")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, "obj.json"), "utf8")) as { end: string };
    expect(state.end).toBe("halt");
    const none = entrylab(["run", join(dir, "nostart.o")]);
    expectError(none, EXIT_INPUT, "E5004", /entry symbol '_start' is not defined/);
  });

  it("an image given to link, or to run with other files: the image is named, status 2", () => {
    const img = join(dir, "t.img");
    const link = entrylab(["link", img, "-o", join(dir, "out.img")]);
    expectError(
      link,
      EXIT_USAGE,
      "E0004",
      /'.*t\.img' is a linked image \(ET_EXEC\), not an object/,
    );
    const mixed = entrylab(["run", img, join(dir, "t.o")]);
    expectError(mixed, EXIT_USAGE, "E0004", /t\.img' is a linked image/, /run it alone/);
  });

  it("a segment beyond guest memory: --mem 1M with an image linked at 1 MiB", () => {
    const r = entrylab(["run", "--mem", "1M", join(dir, "t.img")]);
    expectError(r, EXIT_INPUT, "E7002", /segment at 0x100000/, /does not fit in guest memory/);
    expect(r.stderr).toMatch(/0x100000 bytes; see --mem/);
    const huge = patched(image, (v) => v.setBigUint64(phdr(v, 1) + P_MEMSZ, 1n << 40n, LE));
    expectError(entrylab(["run", file(huge)]), EXIT_INPUT, "E7002", /does not fit/);
    expect(entrylab(["objdump", file(huge)]).status).toBe(0);
  });

  it("a segment over the flat64 GDT and page tables, or the boot stack below 0x80000", () => {
    const low = patched(image, (v) => {
      placeSegment(v, 0, 0x1000n);
      v.setBigUint64(E_ENTRY, 0x1000n, LE);
    });
    const r = entrylab(["run", file(low)]);
    expectError(r, EXIT_INPUT, "E7005", /segment at 0x1000 overlaps the flat64 boot structures/);
    const stack = patched(image, (v) => placeSegment(v, 1, 0x7f000n));
    const s = entrylab(["run", file(stack)]);
    expectError(s, EXIT_INPUT, "E7005", /segment at 0x7f000/, /below 0x80000/);
    // The file itself is fine: only booting it with flat64 is not.
    expect(entrylab(["objdump", file(low)]).status).toBe(0);
  });

  it("an entry point the boot identity map cannot reach", () => {
    const split = patched(image, (v) => {
      placeSegment(v, 0, 0x200000n, IMAGE_BASE);
      v.setBigUint64(E_ENTRY, 0x200000n, LE);
    });
    const r = entrylab(["run", file(split)]);
    expectError(r, EXIT_INPUT, "E7007", /linked at 0x200000 but loaded at 0x100000/, /p_vaddr = p_paddr/); // prettier-ignore
    const high = patched(image, (v) => {
      placeSegment(v, 0, 0xffffffff80000000n, IMAGE_BASE);
      v.setBigUint64(E_ENTRY, 0xffffffff80000000n, LE);
    });
    const h = entrylab(["run", file(high)]);
    expectError(h, EXIT_INPUT, "E7007", /0xffffffff80000000 is above the flat64 identity map/);
  });
});

describe("outputs that cannot be written: status 3", () => {
  it("link, as and run --state-out into a directory, a missing directory, or through a file", () => {
    const obj = join(dir, "t.o");
    const cases: Array<[string[], RegExp]> = [
      [["link", obj, "-o", join(dir, "adir")], /cannot write '.*adir': it is a directory/],
      [["link", obj, "-o", join(dir, "no/such/x.img")], /no such directory/],
      [["link", obj, "-o", join(dir, "plain/x.img")], /not a directory/],
      [["as", join(dir, "t.S"), "-o", join(dir, "adir")], /it is a directory/],
      [["run", join(dir, "t.img"), "--state-out", join(dir, "adir")], /it is a directory/],
    ];
    for (const [args, words] of cases) {
      const r = entrylab(args);
      expectError(r, EXIT_IO, "E0003", words);
      expect(r.stderr).not.toMatch(/EISDIR|ENOTDIR|open '/);
    }
  });
});

describe("the command line: status 2", () => {
  it("unknown options on every reading command", () => {
    for (const cmd of ["run", "objdump", "link"]) {
      const r = entrylab([cmd, "--frobnicate", join(dir, "t.o")]);
      expectError(r, EXIT_USAGE, "E0001", /unknown option '--frobnicate'/);
    }
    expectError(entrylab(["objdump", "-o", "x", join(dir, "t.o")]), EXIT_USAGE, "E0001", /unknown option '-o'/); // prettier-ignore
  });

  it("unknown commands, also after help", () => {
    expectError(entrylab(["frobnicate"]), EXIT_USAGE, "E0001", /unknown command 'frobnicate'/);
    const help = entrylab(["help", "frobnicate"]);
    expectError(help, EXIT_USAGE, "E0001", /unknown command 'frobnicate'/);
    expect(help.stdout).toBe("");
  });

  it("bad option values", () => {
    const img = join(dir, "t.img");
    const cases: Array<[string, string, RegExp]> = [
      ["--max-insns", "0", /--max-insns: '0' is not a positive count/],
      ["--max-insns", "-5", /--max-insns: '-5' is not a positive count/],
      ["--max-insns", "1.5", /not a positive count/],
      ["--max-insns", "lots", /not a positive count/],
      ["--mem", "0", /--mem: '0' is not a size/],
      ["--mem", "10X", /--mem: '10X' is not a size \(e\.g\. 65536, 64M, 1G\)/],
      ["--mem", "4097", /--mem: '4097' is not a multiple of 4K/],
      ["--mem", "100G", /--mem: '100G' is more than the VM can address/],
    ];
    for (const [option, value, words] of cases) {
      const r = entrylab(["run", option, value, img]);
      expectError(r, EXIT_USAGE, "E0001", words);
      expect(r.stdout).toBe("");
    }
  });

  it("an option missing its value", () => {
    for (const args of [
      ["run", join(dir, "t.img"), "--mem"],
      ["link", join(dir, "t.o"), "-o"],
    ]) {
      expectError(entrylab(args), EXIT_USAGE, "E0001", /option '.*' argument missing/);
    }
  });

  it("missing required arguments", () => {
    for (const [cmd, arg] of [
      ["run", "files"],
      ["link", "files"],
      ["objdump", "file"],
      ["as", "file"],
    ]) {
      const r = entrylab([cmd!]);
      expectError(r, EXIT_USAGE, "E0001", new RegExp(`missing required argument '${arg}'`));
    }
  });

  it("--help on every command, with status 0", () => {
    const top = entrylab(["--help"]);
    expect(top.status).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z][\w-]*) /gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(["as", "objdump", "link", "run", "cc"]));
    for (const cmd of commands.filter((c) => c !== "help")) {
      const r = entrylab([cmd, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: entrylab ${cmd} `));
      expect(r.stderr).toBe("");
    }
  });

  it("the exit statuses in docs/diagnostics.md are the ones src/cli/exit.ts defines", () => {
    const exitTs = readFileSync(join(ROOT, "src/cli/exit.ts"), "utf8");
    const defined = [...exitTs.matchAll(/^export const EXIT_\w+ = (\d+);/gm)].map((m) => m[1]);
    const docs = readFileSync(join(ROOT, "docs/diagnostics.md"), "utf8");
    const table = docs.slice(docs.indexOf("## Exit statuses"));
    const documented = [...table.matchAll(/^\| (\d+) +\|/gm)].map((m) => m[1]);
    expect(documented).toEqual(defined);
  });
});
