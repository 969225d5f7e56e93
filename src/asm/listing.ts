// The `-a` listing: per statement line, the section, address, bytes in hex and the source text.
// Deterministic: it depends only on the input.
import type { SourceManager } from "../diag/index.js";
import type { Assembler } from "./assembler.js";
import { sectionBytes } from "./emit.js";

/** Bytes shown per listing line; longer statements continue on following lines. */
const BYTES_PER_LINE = 8;

export function renderListing(a: Assembler, sources: SourceManager): string {
  const out: string[] = [];
  const bytes = new Map(a.sections.map((s) => [s, sectionBytes(s)]));
  for (const { sec, entry } of a.listing ?? []) {
    const f = sources.get(entry.loc.file);
    const line = f.lineCol(entry.loc.start).line;
    const addr = sec.addr(entry.frag, entry.off);
    const all = bytes.get(sec)!;
    const shown =
      sec.type === "nobits" ? new Uint8Array(0) : all.subarray(addr, addr + entry.length);
    const hex = (from: number) =>
      Array.from(shown.subarray(from, from + BYTES_PER_LINE), (b) =>
        b.toString(16).padStart(2, "0"),
      ).join("");
    const head = `${String(line).padStart(5)} ${sec.name.padEnd(8)} ${addr.toString(16).padStart(4, "0")} `;
    out.push(`${head}${hex(0).padEnd(BYTES_PER_LINE * 2)} ${entry.text}`.trimEnd());
    for (let i = BYTES_PER_LINE; i < shown.length; i += BYTES_PER_LINE) {
      const at = (addr + i).toString(16).padStart(4, "0");
      out.push(`${" ".repeat(5)} ${" ".repeat(Math.max(8, sec.name.length))} ${at} ${hex(i)}`);
    }
  }
  return out.join("\n") + (out.length ? "\n" : "");
}
