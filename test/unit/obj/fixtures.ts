// Sample objects and images shared by the obj tests: small, but with every kind of field set.
import type { LineEntry, ObjectFile, Section, Symbol } from "../../../src/obj/index.js";
import { R_32S, R_64, R_PC32, R_PC8 } from "../../../src/obj/index.js";

function section(name: string, fields: Partial<Section>): Section {
  const data = fields.data ?? new Uint8Array();
  return {
    name,
    type: "progbits",
    alloc: true,
    write: false,
    exec: false,
    align: 1,
    data,
    size: data.length,
    addr: 0n,
    relocs: [],
    ...fields,
  };
}

function sym(name: string, fields: Partial<Symbol>): Symbol {
  return {
    name,
    section: 0,
    value: 0n,
    size: 0n,
    binding: "local",
    type: "notype",
    visibility: "default",
    ...fields,
  };
}

/** A well-formed ELF note: namesz 9, descsz 4, type 1, "entrylab\0" padded to 12, a 4-byte desc. */
function entrylabNote(): Uint8Array {
  const note = new Uint8Array(28);
  const v = new DataView(note.buffer);
  v.setUint32(0, 9, true);
  v.setUint32(4, 4, true);
  v.setUint32(8, 1, true);
  note.set(new TextEncoder().encode("entrylab"), 12);
  v.setUint32(24, 0x2a, true);
  return note;
}

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

/** A relocatable object with code, data, bss, a note, relocations of several kinds and lines. */
export function richObject(): ObjectFile {
  const text = section(".text", { exec: true, align: 16, data: bytes(48, 1) });
  const data = section(".data", { write: true, align: 8, data: bytes(16, 2) });
  const bss = section(".bss", { type: "nobits", write: true, align: 64, size: 4096 });
  const note = section(".note.entrylab", { type: "note", align: 4, data: entrylabNote() });
  const alt = section(".altinstructions", { align: 1, data: bytes(12, 4) });
  text.relocs = [
    { offset: 4, type: R_PC32, symbol: 6, addend: -4n },
    { offset: 12, type: R_32S, symbol: 1, addend: 8n },
    { offset: 20, type: R_PC8, symbol: 4, addend: -1n },
  ];
  data.relocs = [{ offset: 0, type: R_64, symbol: 5, addend: 0x10n }];
  alt.relocs = [
    { offset: 0, type: R_PC32, symbol: 0, addend: 0n },
    { offset: 4, type: R_PC32, symbol: 7, addend: 0x7fffffffn },
  ];
  const symbols: Symbol[] = [
    sym(".text", { type: "section" }),
    sym(".data", { section: 1, type: "section" }),
    sym("entry.S", { section: "abs", type: "file" }),
    sym("PAGE_SHIFT", { section: "abs", value: 12n }),
    sym(".Llocal", { value: 24n }),
    sym("entry_SYSCALL_64", { binding: "global", type: "func", size: 40n }),
    sym("do_syscall_64", { section: "undef", binding: "global" }),
    sym("cpu_tss_rw", { section: "undef", binding: "weak", visibility: "hidden" }),
    sym("jiffies", { section: 2, binding: "global", type: "object", size: 8n, value: 64n }),
  ];
  return {
    kind: "rel",
    name: "entry.o",
    sections: [text, data, bss, note, alt],
    symbols,
    lines: richLines(),
    entry: 0n,
    segments: [],
  };
}

function richLines(): LineEntry[] {
  const macro = {
    kind: "gas-macro",
    name: "SWITCH_TO_KERNEL_CR3",
    file: "entry_64.S",
    line: 90,
    col: 2,
  } as const;
  const include = {
    kind: "include",
    name: "calling.h",
    file: "entry_64.S",
    line: 3,
    col: 1,
  } as const;
  return [
    { section: 0, offset: 0, file: "entry_64.S", line: 88, col: 2, chain: [] },
    { section: 0, offset: 8, file: "calling.h", line: 200, col: 3, chain: [macro, include] },
    { section: 0, offset: 16, file: "calling.h", line: 201, col: 3, chain: [macro, include] },
    { section: 0, offset: 24, file: "entry_64.S", line: 91, col: 2, chain: [] },
    { section: 4, offset: 0, file: "entry_64.S", line: 95, col: 5, chain: [] },
    { section: 0, offset: 32, file: "entry_64.S", line: 12, col: 1, chain: [] },
  ];
}

export const KERNEL_BASE = 0xffffffff81000000n;
export const PHYS_BASE = 0x1000000n;

/** An image with a text and a data segment, a bss tail, symbols at addresses and lines. */
export function richImage(): ObjectFile {
  const textBytes = bytes(0x40, 5);
  const dataBytes = bytes(0x20, 6);
  const text = section(".text", { exec: true, align: 16, data: textBytes, addr: KERNEL_BASE });
  const rodata = section(".rodata", { align: 8, data: bytes(0x10, 7), addr: KERNEL_BASE + 0x40n });
  const data = section(".data", {
    write: true,
    align: 8,
    data: dataBytes,
    addr: KERNEL_BASE + 0x1000n,
  });
  const bss = section(".bss", {
    type: "nobits",
    write: true,
    align: 4096,
    size: 0x2000,
    addr: KERNEL_BASE + 0x2000n,
  });
  const segText = new Uint8Array(0x50);
  segText.set(textBytes, 0);
  segText.set(rodata.data, 0x40);
  return {
    kind: "exec",
    name: "vmlinux",
    sections: [text, rodata, data, bss],
    symbols: [
      sym("startup_64", { binding: "global", type: "func", value: KERNEL_BASE, size: 0x10n }),
      sym("jiffies", {
        section: 2,
        binding: "global",
        type: "object",
        value: KERNEL_BASE + 0x1000n,
        size: 8n,
      }),
    ],
    lines: [
      { section: 0, offset: 0, file: "head_64.S", line: 10, col: 1, chain: [] },
      { section: 0, offset: 8, file: "head_64.S", line: 11, col: 1, chain: [] },
    ],
    entry: KERNEL_BASE,
    segments: [
      {
        vaddr: KERNEL_BASE,
        paddr: PHYS_BASE,
        data: segText,
        memSize: 0x50n,
        read: true,
        write: false,
        exec: true,
        align: 0x200000n,
      },
      {
        vaddr: KERNEL_BASE + 0x1000n,
        paddr: PHYS_BASE + 0x1000n,
        data: dataBytes,
        memSize: 0x3000n,
        read: true,
        write: true,
        exec: false,
        align: 0x1000n,
      },
    ],
  };
}
