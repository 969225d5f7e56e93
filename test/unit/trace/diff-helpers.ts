// The `trace diff` tests' traces: diff-pair.S built as a baseline and as "patched" trees
// (-DMOVED, -DLATE_CR3, -DEXTRA_INT80), run and recorded at a level.
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import type { EventLevel } from "../../../src/vm/index.js";
import { buildProgram, runProgram } from "./helpers.js";

export const PAIR = "diff-pair.S";

export function recordPair(defines: string[] = [], level: EventLevel = "system"): TraceRecord[] {
  const rec = new TraceRecorder({ image: buildProgram(PAIR, defines), level });
  runProgram(PAIR, { events: rec }, defines);
  return rec.records;
}

/** The records of kind `kind` (and `reg` for cr) in trace order. */
export function ofKind(rs: readonly TraceRecord[], kind: string, reg?: string): TraceRecord[] {
  return rs.filter((r) => r.kind === kind && (reg === undefined || (r.kind === "cr" && r.reg === reg))); // prettier-ignore
}
