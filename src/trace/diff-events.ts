// Event alignment inside two aligned units (episodes) for `trace diff` (./diff.ts). An event's
// KEY — its kind and the fields that say which event it is (the system call number, the vector,
// which CR, which way a CR3 write goes, the MSR, the stack moved to, an instruction's mnemonic
// and function) — drives the alignment; its FIELDS — the rest of what matters for that kind,
// with addresses reduced to the function they are in, values that are addresses dropped — and
// its GAP — instructions since the previous matched event — are then compared (a flush's count
// of dropped entries is shown, not compared: it moves with the layout). An event on one side only
// whose key also appears on the other side only is reported as MOVED.
import { alignSequences } from "./align.js";
import type { Unit } from "./episodes.js";
import { PTI_USER_BIT } from "./stats.js";
import type { TraceRecord } from "./schema.js";

/** One event as the diff shows and compares it. */
export interface EventView {
  /** Index in its unit's records. */
  index: number;
  kind: string;
  icount: number;
  /** Instructions from the unit's entering record (its first for boot/user stretches). */
  offset: number;
  /** Instructions since the previous matched event of the unit (or its start). */
  gap: number;
  /** `symbol+0xoff` of RIP, `-` when outside the image. */
  where: string;
  /** The compared fields: `fn` (the function, without offset) and the kind's own. */
  fields: Record<string, string>;
  /** The record's task (pid), when the trace has them: compared, shown only where it differs. */
  task?: number;
}

export interface EventDiff {
  what: "changed" | "moved" | "only-a" | "only-b";
  a?: EventView;
  b?: EventView;
  /** One line per difference. */
  how: string[];
}

export interface UnitCompare {
  diffs: EventDiff[];
  /** Rendered events around the first difference (or the unit's first events). */
  contextA: EventView[];
  contextB: EventView[];
}

/** MSRs whose values are addresses (a patch that moves code or data changes them). */
const ADDRESS_MSRS: ReadonlySet<number> = new Set([
  0x174, 0x175, 0x176, // IA32_SYSENTER_CS/ESP/EIP
  0xc0000082, 0xc0000083, // LSTAR, CSTAR
  0xc0000100, 0xc0000101, 0xc0000102, // FS_BASE, GS_BASE, KERNEL_GS_BASE
]); // prettier-ignore
/** Hex literals this long in a disassembly are addresses, not small immediates. */
const ADDRESS_LITERAL = /\b0x[0-9a-f]{5,}\b/g;
const RIP_RELATIVE = /-?0x[0-9a-f]+\(%rip\)/g;

const hex = (v: bigint | number, digits: number): string => v.toString(16).padStart(digits, "0");

function fnOf(r: TraceRecord): string {
  if (r.sym === undefined) return "-";
  const plus = r.sym.indexOf("+");
  return plus < 0 ? r.sym : r.sym.slice(0, plus);
}

function cr3Half(v: bigint): string {
  return (v & PTI_USER_BIT) !== 0n ? "user" : "kernel";
}

/** The fields that say which event a record is (besides its kind). */
function keyFields(r: TraceRecord): string {
  switch (r.kind) {
    case "syscall": return String(r.rax);
    case "deliver": return r.name;
    case "interrupt": return String(r.vector);
    case "cr": return r.reg === "cr3" ? `cr3 ${cr3Half(r.new)}` : r.reg;
    case "wrmsr": return hex(r.msr, 8);
    case "stack": return r.to;
    case "invpcid": return String(r.type);
    case "walk": return r.access;
    case "insn": return `${r.text.split(" ")[0]} ${fnOf(r)}`;
    default: return "";
  } // prettier-ignore
}

export function eventKey(r: TraceRecord): string {
  return `${r.kind} ${keyFields(r)}`;
}

/** The kind's compared fields, addresses left out. */
function ownFields(r: TraceRecord): Record<string, string> {
  switch (r.kind) {
    case "syscall": return { rax: String(r.rax) };
    case "sysret": return { cs: hex(r.cs, 4), ss: hex(r.ss, 4) };
    case "deliver": {
      const f: Record<string, string> = { vector: hex(r.vector, 2), soft: String(r.soft), gate: r.gate, stack: r.stack, fromCpl: String(r.fromCpl), toCpl: String(r.toCpl) }; // prettier-ignore
      if (r.frame.errorCode !== undefined) f.errorCode = hex(r.frame.errorCode, 4);
      return f;
    }
    case "iret": return { fromCpl: String(r.fromCpl), toCpl: String(r.toCpl), cs: hex(r.frame.cs, 4) };
    case "interrupt": return { vector: hex(r.vector, 2), nmi: String(r.nmi) };
    case "page-fault": return { bits: r.bits, level: String(r.level) };
    case "double-fault": return { first: hex(r.first, 2), second: hex(r.second, 2) };
    case "triple-fault": return { chain: r.chain.map((c) => c.name).join(",") };
    case "cr":
      if (r.reg !== "cr3") return { reg: r.reg, new: hex(r.new, 16), flushed: String(r.flushed) };
      return { reg: r.reg, to: cr3Half(r.new), pcid: hex(r.pcid ?? 0, 3), noflush: String(r.noflush ?? false), flushed: String(r.flushed) }; // prettier-ignore
    case "wrmsr": return ADDRESS_MSRS.has(r.msr) ? { msr: hex(r.msr, 8) } : { msr: hex(r.msr, 8), value: hex(r.value, 16) }; // prettier-ignore
    case "invlpg": return { pcid: hex(r.pcid, 3), flushed: String(r.flushed) };
    case "invpcid": return { type: String(r.type), pcid: hex(r.pcid, 3), flushed: String(r.flushed) };
    case "walk": return { access: r.access, levels: String(r.levels), pageSize: String(r.pageSize) };
    case "tlb-fill": return { pcid: hex(r.pcid, 3), global: String(r.global), pageSize: String(r.pageSize) }; // prettier-ignore
    case "insn": return { text: r.text.replace(RIP_RELATIVE, "ADDR(%rip)").replace(ADDRESS_LITERAL, "ADDR") }; // prettier-ignore
    case "stack": return { from: r.from, to: r.to };
    case "sched-switch": return { prevPid: String(r.prevPid), prevState: r.prevState, nextPid: String(r.nextPid) }; // prettier-ignore
    case "sched-wakeup": return { pid: String(r.pid), targetCpu: String(r.targetCpu), by: String(r.by) }; // prettier-ignore
    case "sched-exit": return { pid: String(r.pid) };
    case "signal-deliver": return { sig: String(r.sig), code: r.code };
    case "sched-process-fork": return { parentPid: String(r.parentPid), childPid: String(r.childPid) }; // prettier-ignore
    case "sched-process-free": return { pid: String(r.pid) };
    default: return {};
  } // prettier-ignore
}

function view(u: Unit, i: number, gap: number): EventView {
  const r = u.records[i]!;
  const base = u.records[u.enter ?? 0]!.icount;
  const v: EventView = { index: i, kind: r.kind, icount: r.icount, offset: r.icount - base, gap, where: r.sym ?? "-", fields: { fn: fnOf(r), ...ownFields(r) } }; // prettier-ignore
  if (r.task !== undefined) v.task = r.task;
  return v;
}

/** The first `n` events of a unit, rendered (context for a unit on one side only). */
export function unitHead(u: Unit, n: number): EventView[] {
  const out: EventView[] = [];
  for (let i = 0; i < Math.min(n, u.records.length); i++) out.push(view(u, i, i === 0 ? 0 : u.records[i]!.icount - u.records[i - 1]!.icount)); // prettier-ignore
  return out;
}

/**
 * Fields shown but not compared: how many TLB entries a flush dropped depends on what the TLB
 * happened to hold, which moves with the code and data layout a patch changes. Whether and what a
 * write flushes (the CR3 half, PCID and no-flush bit; INVLPG's and INVPCID's PCID) is compared.
 */
const SHOWN_ONLY = new Set(["flushed"]);

function fieldChanges(a: EventView, b: EventView): string[] {
  const how: string[] = [];
  if (a.gap !== b.gap) how.push(`gap: ${a.gap} instructions since the previous matched event in A, ${b.gap} in B (at +${a.offset} vs +${b.offset} into the unit)`); // prettier-ignore
  // Equal pids are no news; a trace without tasks (written before them) compares with any.
  if (a.task !== undefined && b.task !== undefined && a.task !== b.task) how.push(`task: pid ${a.task} in A, pid ${b.task} in B`); // prettier-ignore
  for (const k of new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])) {
    if (SHOWN_ONLY.has(k)) continue;
    const x = a.fields[k];
    const y = b.fields[k];
    if (x !== y) how.push(`${k === "fn" ? "function" : k}: ${x ?? "(none)"} in A, ${y ?? "(none)"} in B`); // prettier-ignore
  }
  return how;
}

/** Where an event stands: after which event of its unit. */
function after(u: Unit, i: number): string {
  return i === 0 ? "the unit's first event" : `after the ${u.records[i - 1]!.kind}`;
}

interface Walked {
  diffs: { diff: EventDiff; aIndex?: number; bIndex?: number }[];
}

/** Align and compare two units' events. */
function walk(ua: Unit, ub: Unit): Walked {
  const steps = alignSequences(ua.records.map(eventKey), ub.records.map(eventKey));
  const baseA = ua.records[0]!.icount;
  const baseB = ub.records[0]!.icount;
  let lastA = baseA;
  let lastB = baseB;
  const out: Walked["diffs"] = [];
  const pendingA = new Map<string, EventDiff[]>(); // one-sided events waiting for a move partner
  const pendingB = new Map<string, EventDiff[]>();
  const oneSided = (side: "a" | "b", u: Unit, i: number, last: number): void => {
    const key = eventKey(u.records[i]!);
    const v = view(u, i, u.records[i]!.icount - last);
    const other = (side === "a" ? pendingB : pendingA).get(key);
    const partner = other?.shift();
    if (partner !== undefined) {
      // A move: the same event on both sides, at different places in the unit.
      partner.what = "moved";
      partner[side] = v;
      const pa = partner.a!;
      const pb = partner.b!;
      partner.how = [`moved: in A at +${pa.offset}, event ${pa.index + 1} (${after(ua, pa.index)}); in B at +${pb.offset}, event ${pb.index + 1} (${after(ub, pb.index)})`, ...fieldChanges(pa, pb).filter((h) => !h.startsWith("gap:"))]; // prettier-ignore
      return;
    }
    const d: EventDiff = { what: side === "a" ? "only-a" : "only-b", [side]: v, how: [`only in ${side.toUpperCase()}`] }; // prettier-ignore
    const mine = side === "a" ? pendingA : pendingB;
    mine.set(key, [...(mine.get(key) ?? []), d]);
    out.push(side === "a" ? { diff: d, aIndex: i } : { diff: d, bIndex: i });
  };
  for (const s of steps) {
    if (s.op === "a") oneSided("a", ua, s.a, lastA);
    else if (s.op === "b") oneSided("b", ub, s.b, lastB);
    else {
      const ra = ua.records[s.a]!;
      const rb = ub.records[s.b]!;
      const va = view(ua, s.a, ra.icount - lastA);
      const vb = view(ub, s.b, rb.icount - lastB);
      lastA = ra.icount;
      lastB = rb.icount;
      const how = fieldChanges(va, vb);
      if (how.length > 0) out.push({ diff: { what: "changed", a: va, b: vb, how }, aIndex: s.a, bIndex: s.b }); // prettier-ignore
    }
  }
  return { diffs: out };
}

function around(u: Unit, center: number, context: number): EventView[] {
  const from = Math.max(0, center - context);
  const to = Math.min(u.records.length, center + context + 1);
  const out: EventView[] = [];
  for (let i = from; i < to; i++) out.push(view(u, i, i === 0 ? 0 : u.records[i]!.icount - u.records[i - 1]!.icount)); // prettier-ignore
  return out;
}

export function compareUnits(ua: Unit, ub: Unit, context: number): UnitCompare {
  const w = walk(ua, ub);
  const diffs = w.diffs.map((d) => d.diff);
  const first = w.diffs[0];
  if (first === undefined) return { diffs, contextA: [], contextB: [] };
  // Context centres on the first difference on each side; a side without it centres on the
  // nearest event before (the diff's other side tells where that is).
  const ai = first.diff.a?.index ?? nearest(first.diff.b!, ua);
  const bi = first.diff.b?.index ?? nearest(first.diff.a!, ub);
  return { diffs, contextA: around(ua, ai, context), contextB: around(ub, bi, context) };
}

/** The index of the last event of `u` at or before `v`'s offset into its own unit. */
function nearest(v: EventView, u: Unit): number {
  const base = u.records[u.enter ?? 0]!.icount;
  let i = 0;
  while (i + 1 < u.records.length && u.records[i + 1]!.icount - base <= v.offset) i++;
  return i;
}
