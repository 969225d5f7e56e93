// The Symbolizer's choice among symbols at one address: code over the linker script's section
// markers (`__entry_text_start` shares entry_SYSCALL_64's address), then the symbol whose size
// covers the address, then a global; checked on hand-made symbols and on the model kernel.
import { describe, expect, it } from "vitest";
import { Symbolizer, isSectionMarker } from "../../../src/trace/index.js";
import type { ObjectFile, Symbol } from "../../../src/obj/index.js";
import { theKernel } from "../kernel-rt/helpers.js";

const BASE = 0x1000n;

function sym(name: string, value: bigint, more: Partial<Symbol> = {}): Symbol {
  return { name, section: 0, value, size: 0n, binding: "global", type: "notype", visibility: "default", ...more }; // prettier-ignore
}

function symbolizer(symbols: Symbol[]): Symbolizer {
  return new Symbolizer({ symbols, sections: [], segments: [] } as unknown as ObjectFile);
}

describe("the Symbolizer at an address several symbols share", () => {
  it("tells section markers from code", () => {
    expect(isSectionMarker(sym("__entry_text_start", BASE))).toBe(true);
    expect(isSectionMarker(sym("_etext", BASE, { type: "func", size: 4n }))).toBe(true);
    expect(isSectionMarker(sym("inner_label", BASE))).toBe(true);
    expect(isSectionMarker(sym("entry_SYSCALL_64", BASE, { size: 16n }))).toBe(false);
    expect(isSectionMarker(sym("start_kernel", BASE, { type: "func" }))).toBe(false);
  });

  it("prefers code over a marker, whichever the image lists first", () => {
    const code = sym("entry_SYSCALL_64", BASE, { size: 0x40n });
    const marker = sym("__entry_text_start", BASE);
    for (const order of [
      [marker, code],
      [code, marker],
    ]) {
      const s = symbolizer(order);
      expect(s.symbol(BASE)).toBe("entry_SYSCALL_64");
      expect(s.symbol(BASE + 0x21n)).toBe("entry_SYSCALL_64+0x21");
    }
    // A local function still beats a global marker.
    expect(symbolizer([marker, { ...code, binding: "local" }]).symbol(BASE + 1n)).toBe("entry_SYSCALL_64+0x1"); // prettier-ignore
    // With nothing else there, the marker names the address.
    expect(symbolizer([marker]).symbol(BASE + 2n)).toBe("__entry_text_start+0x2");
  });

  it("then prefers the symbol whose size covers the address, then a global", () => {
    const short = sym("short_obj", BASE, { type: "object", size: 4n });
    const long = sym("long_obj", BASE, { type: "object", size: 0x100n, binding: "local" });
    const s = symbolizer([short, long]);
    expect(s.symbol(BASE + 2n)).toBe("short_obj+0x2");
    expect(s.symbol(BASE + 8n)).toBe("long_obj+0x8");
    const local = sym("local_fn", BASE, { type: "func", size: 8n, binding: "local" });
    const global = sym("global_fn", BASE, { type: "func", size: 8n });
    expect(symbolizer([local, global]).symbol(BASE)).toBe("global_fn");
    expect(symbolizer([global, local]).symbol(BASE)).toBe("global_fn");
  });
});

describe("the Symbolizer on the model kernel", () => {
  const image = theKernel().image;
  const s = new Symbolizer(image);
  const value = (name: string): bigint => image.symbols.find((x) => x.name === name)!.value;

  it("names entry_SYSCALL_64's instructions after it, not __entry_text_start", () => {
    expect(value("__entry_text_start")).toBe(value("entry_SYSCALL_64"));
    expect(s.symbol(value("entry_SYSCALL_64"))).toBe("entry_SYSCALL_64");
    expect(s.symbol(value("entry_SYSCALL_64") + 0x21n)).toBe("entry_SYSCALL_64+0x21");
  });

  it("never names an address after a marker when a symbol of code or data shares it", () => {
    const named = image.symbols.filter((x) => typeof x.section === "number" && x.type !== "section" && x.type !== "file"); // prettier-ignore
    const shared = named.filter((m) => isSectionMarker(m) && named.some((x) => x.value === m.value && !isSectionMarker(x))); // prettier-ignore
    expect(shared.map((m) => m.name)).toContain("_text");
    for (const m of shared) expect(isSectionMarker(named.find((x) => x.name === s.symbol(m.value))!)).toBe(false); // prettier-ignore
  });
});
