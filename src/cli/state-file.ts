// The paging part of a `--state-out` file: every paging-structure page reachable from the final
// CR3 of each CPU (base64, by physical address) and each CPU's TLB as text, so that
// `entrylab pt state.json` can show the page tables and TLBs of a finished run without the image.
import { Buffer } from "node:buffer";
import type { Machine } from "../vm/index.js";
import { PhysMem, mappedRanges, formatRanges, pagingStructurePages } from "../vm/index.js";
import { formatPageTables } from "./commands/pt.js";

const PAGE = 4096;
const CR3_FLAGS = 0xfff;

export interface SavedPaging {
  maxPhysAddr: number;
  /** Final CR3 of each CPU, as hex. */
  cr3: string[];
  /** Physical address (hex) → the 4 KiB page, base64. */
  pages: Record<string, string>;
  /** `formatPageTables` text of each CPU's TLB. */
  tlb: string[];
}

export function savePaging(machine: Machine): SavedPaging {
  const mem = machine.mem;
  const maxPhysAddr = machine.cpu.controls.maxPhysAddr;
  const pages: Record<string, string> = {};
  for (const c of machine.cpus) {
    for (const pa of pagingStructurePages(mem, c.cr3 - (c.cr3 % (CR3_FLAGS + 1)), maxPhysAddr))
      pages[`0x${pa.toString(16)}`] = Buffer.from(mem.u8.subarray(pa, pa + PAGE)).toString(
        "base64",
      );
  }
  return {
    maxPhysAddr,
    cr3: machine.cpus.map((c) => `0x${c.cr3.toString(16)}`),
    pages,
    tlb: machine.cpus.map((c) => formatPageTables(mem, c, false)),
  };
}

/** The page-table report from a saved state; an error message when the file lacks it. */
export function pagingReport(state: unknown, cr3Override?: number): string | { error: string } {
  const p = (state as { paging?: SavedPaging } | null)?.paging;
  if (!p || typeof p !== "object" || !p.pages || !Array.isArray(p.cr3))
    return { error: "the state file holds no page tables (write it with `entrylab run --state-out`)" }; // prettier-ignore
  const addrs = Object.keys(p.pages).map((a) => Number(a));
  if (addrs.some((a) => !Number.isSafeInteger(a) || a % PAGE !== 0))
    return { error: "the state file's page-table addresses are malformed" };
  const mem = new PhysMem(Math.max(PAGE, ...addrs.map((a) => a + PAGE)));
  for (const [a, data] of Object.entries(p.pages)) {
    const bytes = Buffer.from(String(data), "base64");
    if (bytes.length !== PAGE) return { error: `the saved page at ${a} is not 4 KiB` };
    mem.load(Number(a), new Uint8Array(bytes));
  }
  const cr3 = cr3Override ?? Number(p.cr3[0]);
  const pml4 = cr3 - (cr3 % (CR3_FLAGS + 1));
  if (!mem.contains(pml4, PAGE) || !(`0x${pml4.toString(16)}` in p.pages))
    return { error: `no page table at CR3 0x${cr3.toString(16)} in the state file` };
  const lines = [`page tables at CR3 0x${cr3.toString(16)} (PML4 0x${pml4.toString(16)}):`];
  lines.push(...formatRanges(mappedRanges(mem, pml4, p.maxPhysAddr)));
  return lines.join("\n") + "\n" + (p.tlb ?? []).join("");
}
