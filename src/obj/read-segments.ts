// The reader's program-header pass for images: each PT_LOAD becomes a Segment. Checks the bytes lie
// in the file, file size ≤ memory size, no address wraps, no two segments overlap (virtually or
// physically: the loader would write one over the other), and the entry point lies in a segment.
import * as E from "./elf.js";
import type { Header } from "./read.js";
import { type ReadContext, hex } from "./read-context.js";
import type { Segment } from "./types.js";

const ADDRESS_LIMIT = 1n << 64n;
const PF_KNOWN = E.PF_R | E.PF_W | E.PF_X;

/** The segments ([] for an object), or undefined when any is broken (reported). */
export function readSegments(cx: ReadContext, h: Header): Segment[] | undefined {
  const before = cx.errors;
  const segments: Segment[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const seg = readPhdr(cx, h.phoff + i * E.PHDR_SIZE, i);
    if (seg) segments.push(seg);
  }
  if (cx.errors > before) return undefined;
  checkOverlaps(cx, segments, "vaddr", "virtual");
  checkOverlaps(cx, segments, "paddr", "physical");
  if (h.kind === "exec") checkEntry(cx, segments, h.entry);
  return cx.errors > before ? undefined : segments;
}

// Elf64_Phdr, 56 bytes:
//   0 p_type u32 | 4 p_flags u32 | 8 p_offset u64 | 16 p_vaddr u64 | 24 p_paddr u64
//   32 p_filesz u64 | 40 p_memsz u64 | 48 p_align u64
function readPhdr(cx: ReadContext, at: number, i: number): Segment | undefined {
  const v = cx.view;
  const what = `program header ${i}`;
  const type = v.u32(at);
  const flags = v.u32(at + 4);
  const offset = v.offset(at + 8);
  const filesz = v.offset(at + 32);
  const seg = {
    vaddr: v.u64(at + 16),
    paddr: v.u64(at + 24),
    memSize: v.u64(at + 40),
    align: v.u64(at + 48),
  };
  const before = cx.errors;
  if (type !== E.PT_LOAD)
    cx.error("E4023", `${what}: unsupported type ${hex(type)} (only PT_LOAD)`);
  if ((flags & ~PF_KNOWN) !== 0) cx.error("E4023", `${what}: unsupported flags ${hex(flags)}`);
  if (!cx.inFile(offset, filesz)) {
    cx.error(
      "E4012",
      `${what}: ${filesz ?? "?"} bytes at ${hex(offset ?? 0)} lie past the end of the file (${cx.bytes.length} bytes)`,
    );
  } else if (BigInt(filesz!) > seg.memSize) {
    cx.error("E4023", `${what}: file size ${hex(filesz!)} exceeds memory size ${hex(seg.memSize)}`);
  }
  if (seg.vaddr + seg.memSize > ADDRESS_LIMIT || seg.paddr + seg.memSize > ADDRESS_LIMIT) {
    cx.error(
      "E4023",
      `${what}: ${hex(seg.memSize)} bytes at ${hex(seg.vaddr)} wrap around the address space`,
    );
  }
  if (seg.align !== 0n && (seg.align & (seg.align - 1n)) !== 0n) {
    cx.error("E4026", `${what}: alignment ${seg.align} is not a power of two`);
  }
  if (cx.errors > before) return undefined;
  return {
    ...seg,
    data: cx.bytes.slice(offset!, offset! + filesz!),
    read: (flags & E.PF_R) !== 0,
    write: (flags & E.PF_W) !== 0,
    exec: (flags & E.PF_X) !== 0,
  };
}

function checkOverlaps(
  cx: ReadContext,
  segments: readonly Segment[],
  key: "vaddr" | "paddr",
  what: string,
): void {
  const order = segments
    .map((seg, i) => ({ seg, i }))
    .filter(({ seg }) => seg.memSize > 0n)
    .sort((a, b) => (a.seg[key] < b.seg[key] ? -1 : a.seg[key] > b.seg[key] ? 1 : a.i - b.i));
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1]!;
    const cur = order[k]!;
    if (prev.seg[key] + prev.seg.memSize > cur.seg[key]) {
      cx.error(
        "E4024",
        `segments ${prev.i} (${range(prev.seg[key], prev.seg.memSize)}) and ${cur.i} (${range(cur.seg[key], cur.seg.memSize)}) overlap in ${what} memory`,
      );
    }
  }
}

function range(start: bigint, size: bigint): string {
  return `${hex(start)}–${hex(start + size)}`;
}

function checkEntry(cx: ReadContext, segments: readonly Segment[], entry: bigint): void {
  const seg = segments.find((s) => entry >= s.vaddr && entry < s.vaddr + s.memSize);
  if (!seg) {
    cx.error("E4025", `entry point ${hex(entry)} is outside every segment`);
  } else if (!seg.exec) {
    cx.warning("W4001", `entry point ${hex(entry)} is in a segment that is not executable`);
  }
}
