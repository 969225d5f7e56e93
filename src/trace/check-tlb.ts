// `trace check`, the TLB check: `stale-translation` — a translation used from the TLB after the
// paging-structure entry it was built from had changed, with no invalidation in between (SDM
// 4.10.4). The VM's TLB audit (src/vm/tlb-audit.ts, `--audit-tlb`) does the work while the run
// goes: it records each such change (`pte-write`) and the first use per entry that gives what a
// walk would not (`stale-tlb`). The first `stale-tlb` record is the violation; this file turns it
// into a sentence naming the store, the use and the flush that was missing. A trace recorded
// without the audit (its `end` record lacks `tlbAudit`, and it holds no audit record) cannot say,
// so the check is skipped with a note saying how to record one. check.ts runs it with the rest.
import type { CheckInfo, Violation } from "./check.js";
import type { Named, StaleTlbRecord, TraceRecord } from "./schema.js";

export const TLB_CHECKS: readonly CheckInfo[] = [
  { name: "stale-translation", title: "a TLB entry was used after its page-table entry changed, without the flush it needed" }, // prettier-ignore
];

/** The note of the check on a trace recorded without the audit. */
export const NEEDS_AUDIT =
  "needs a trace recorded with --audit-tlb (entrylab run|kernel run --trace FILE.jsonl --audit-tlb)";

const LEVEL_NAMES = ["", "PML4E", "PDPTE", "PDE", "PTE"];

export interface TlbCheck {
  /** Whether the trace was recorded with the audit on. */
  audited: boolean;
  violation?: Violation;
}

/** The first `stale-tlb` record, with the last `context` records of its CPU before it. */
export function checkTlb(records: readonly TraceRecord[], context: number): TlbCheck {
  const recent = new Map<number, TraceRecord[]>();
  let audited = false;
  for (const r of records) {
    if (r.kind === "pte-write" || (r.kind === "end" && r.tlbAudit === true)) audited = true;
    if (r.kind === "stale-tlb") {
      const message = staleMessage(r);
      return { audited: true, violation: { check: "stale-translation", message, at: r, context: recent.get(r.cpu) ?? [] } }; // prettier-ignore
    }
    let list = recent.get(r.cpu);
    if (!list) recent.set(r.cpu, (list = []));
    list.push(r);
    if (list.length > context) list.shift();
  }
  return { audited };
}

/** What broke: the use, the store behind it and the invalidation that did not come. */
export function staleMessage(r: StaleTlbRecord & Named): string {
  const use = `${r.access} of ${hex(r.address)} at icount ${r.icount}${at(r.sym)} (PCID ${r.pcid})`;
  const gave = `the TLB gave frame ${hex(r.tlbFrame)} (${r.tlbRights})`;
  const now =
    r.walkFrame !== undefined
      ? `the page tables now give frame ${hex(r.walkFrame)} (${r.walkRights ?? "-"})`
      : `a walk now faults (#PF error ${hex(BigInt(r.walkFault ?? 0))})`;
  const level = LEVEL_NAMES[r.level] ?? `level ${r.level} entry`;
  const where = r.writeCpu === r.cpu ? "" : ` on CPU ${r.writeCpu}`;
  const write = `the ${level} at ${hex(r.entry)} mapping ${hex(r.page)} changed from ${hex(r.old)} to ${hex(r.new)} at icount ${r.writeIcount}${at(r.writeSym)}${where}`; // prettier-ignore
  return `stale translation: ${use}: ${gave}, ${now}; ${write}, and ${missingFlush(r)} after it`;
}

/** The invalidations that would have dropped the entry (SDM 4.10.4.1), none of which came. */
function missingFlush(r: StaleTlbRecord & Named): string {
  const page = hex(r.page);
  const cpu = r.writeCpu === r.cpu ? "" : ` on CPU ${r.cpu} (a TLB shootdown)`;
  if (r.global) return `no INVLPG of ${page}, CR4.PGE toggle or INVPCID type 2${cpu} came`;
  if (r.pcid === 0) return `no INVLPG of ${page} or CR3 write${cpu} came`;
  return `no INVLPG of ${page} under PCID ${r.pcid}, INVPCID for PCID ${r.pcid} or CR3 write to PCID ${r.pcid} without the no-flush bit${cpu} came`; // prettier-ignore
}

function at(sym: string | undefined): string {
  return sym === undefined ? "" : ` (${sym})`;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}
