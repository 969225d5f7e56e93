// binutils as an oracle: readelf, nm and size must read what writeObject produces without a
// warning. Skipped (with the reason printed) on a host without binutils.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeObject } from "../../../src/obj/index.js";
import { richImage, richObject } from "./fixtures.js";

function hasTool(tool: string): boolean {
  const r = spawnSync(tool, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    console.log(`skipping ${tool} checks: ${tool} is not available on this host`);
    return false;
  }
  return true;
}

const dir = mkdtempSync(join(tmpdir(), "entrylab-obj-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function run(
  tool: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const objPath = file("entry.o", writeObject(richObject()));
const imgPath = file("vmlinux", writeObject(richImage()));

describe.skipIf(!hasTool("readelf"))("readelf", () => {
  it("reads an object with no warning", () => {
    const r = run("readelf", ["-h", "-S", "-s", "-r", "-W", objPath]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Type:\s+REL/);
    expect(r.stdout).toMatch(/Machine:\s+<unknown>: 0x4c45/);
    expect(r.stdout).toMatch(/\.rela\.text\s+RELA/);
    expect(r.stdout).toMatch(/\.entrylab\.lines\s+PROGBITS/);
    expect(r.stdout).toMatch(/FUNC\s+GLOBAL DEFAULT\s+1 entry_SYSCALL_64/);
    expect(r.stdout).toMatch(/do_syscall_64 - 4/);
    expect(r.stdout).toMatch(/SECTION LOCAL\s+DEFAULT\s+1/);
  });

  it("reads an image with no warning, program headers included", () => {
    const r = run("readelf", ["-h", "-l", "-S", "-s", "-r", "-W", imgPath]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Type:\s+EXEC/);
    expect(r.stdout).toMatch(/Entry point address:\s+0xffffffff81000000/);
    expect(r.stdout).toMatch(
      /LOAD\s+0x001000 0xffffffff81000000 0x0000000001000000 0x000050 0x000050 R E/,
    );
    // Sections sit inside their segments.
    expect(r.stdout).toMatch(/00\s+\.text \.rodata/);
    expect(r.stdout).toMatch(/01\s+\.data \.bss/);
  });
});

describe.skipIf(!hasTool("nm") || !hasTool("size"))("nm and size", () => {
  it("nm lists the symbols of an object and an image", () => {
    const o = run("nm", [objPath]);
    expect(o.stderr).toBe("");
    expect(o.stdout).toMatch(/^0000000000000000 T entry_SYSCALL_64$/m);
    expect(o.stdout).toMatch(/^\s+U do_syscall_64$/m);
    expect(o.stdout).toMatch(/^0000000000000040 B jiffies$/m);
    const i = run("nm", [imgPath]);
    expect(i.stderr).toBe("");
    expect(i.stdout).toMatch(/^ffffffff81000000 T startup_64$/m);
  });

  it("size adds up text, data and bss", () => {
    const r = run("size", [objPath, imgPath]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // The object: .text 0x30 + .note 28 + .altinstructions 12 = 88; .data 16; .bss 4096.
    expect(r.stdout).toMatch(/^\s+88\s+16\s+4096\s+\d+\s+[0-9a-f]+\s+\S*entry\.o$/m);
    expect(r.stdout).toMatch(/^\s+80\s+32\s+8192\s+\d+\s+[0-9a-f]+\s+\S*vmlinux$/m);
  });
});
