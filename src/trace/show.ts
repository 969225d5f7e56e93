// `trace show`: the records that pass a filter — CPU, task (pid), kinds, the symbol their RIP is
// in, and an instruction-count range (both ends included).
import type { TraceKind, TraceRecord } from "./schema.js";

export interface ShowFilter {
  cpu?: number;
  /** The pid of the task the record's CPU ran (`task`); records without one never match. */
  task?: number;
  kinds?: readonly TraceKind[];
  /** A symbol name: records whose RIP is at it or inside it (`name` or `name+0x…`). */
  symbol?: string;
  from?: number;
  to?: number;
}

export function matches(r: TraceRecord, f: ShowFilter): boolean {
  if (f.cpu !== undefined && r.cpu !== f.cpu) return false;
  if (f.task !== undefined && r.task !== f.task) return false;
  if (f.kinds !== undefined && !f.kinds.includes(r.kind)) return false;
  if (f.from !== undefined && r.icount < f.from) return false;
  if (f.to !== undefined && r.icount > f.to) return false;
  if (f.symbol !== undefined) {
    const s = r.sym;
    if (s === undefined || (s !== f.symbol && !s.startsWith(`${f.symbol}+`))) return false;
  }
  return true;
}

export function filterRecords(rs: readonly TraceRecord[], f: ShowFilter): TraceRecord[] {
  return rs.filter((r) => matches(r, f));
}
