// The trace record: a VM event (src/vm/events.ts) as the recorder stores it — the decoded
// instruction replaced by its disassembly, the fault chain with numeric addresses, RIPs named
// (`sym`, `line`), each with the task the CPU runs (`task`) — plus the recorder's own `stack`
// event. FIELDS lists every kind's fields in their fixed order with their type: the text and
// JSON Lines writers and the JSON Lines reader all follow it, and docs/trace-format.md documents
// it field by field.
import type {
  CrWriteEvent,
  DeliverEvent,
  DoubleFaultEvent,
  EventBase,
  InterruptEvent,
  InvalidateEvent,
  IretEvent,
  MemWrite,
  PageFaultEvent,
  PteWriteEvent,
  RegChange,
  RunEndEvent,
  StaleTlbEvent,
  SchedExitEvent,
  SignalDeliverEvent,
  SchedForkEvent,
  SchedFreeEvent,
  SchedSwitchEvent,
  SchedWakeupEvent,
  SwapgsEvent,
  SyscallEvent,
  SysretEvent,
  TlbFillEvent,
  WalkEvent,
  WrmsrEvent,
} from "../vm/index.js";

/** Where a record's RIP is: `symbol+0xoff` and `file:line`, when the image knows. */
export interface Named {
  sym?: string;
  line?: string;
}

/**
 * The pid of the task the record's CPU runs (the recorder follows `sched-switch` records; pid 0 is
 * the CPU's idle task, the boot task of the model kernel). Absent in traces written before it.
 */
export interface OnTask {
  task?: number;
}

export interface ChainLink {
  vector: number;
  name: string;
  errorCode?: number;
  rip: bigint;
  rsp: bigint;
  cr2: bigint;
  cr3: bigint;
}

export interface TripleFaultRecord extends EventBase {
  kind: "triple-fault";
  chain: ChainLink[];
}

/** The recorder adds the decoded error code (`P|W|U|RSVD|I|PK`, `-` for none). */
export interface PageFaultRecord extends PageFaultEvent {
  bits: string;
}

export interface InsnRecord extends EventBase {
  kind: "insn";
  /** AT&T disassembly (src/isa), `(bad)` for bytes that do not decode. */
  text: string;
  length: number;
  regs: RegChange[];
  writes: MemWrite[];
}

/** The recorder names the RIP of the store that made the entry stale (as `sym`). */
export interface StaleTlbRecord extends StaleTlbEvent {
  writeSym?: string;
}

/** RSP moved from one named region (a sized object symbol of the image, or none) to another. */
export interface StackRecord extends EventBase {
  kind: "stack";
  /** Region names, `-` for none. */
  from: string;
  to: string;
  /** The kind of the event at which the move was seen. */
  cause: string;
}

export type TraceRecord = Named &
  OnTask &
  (
    | SyscallEvent
    | SysretEvent
    | DeliverEvent
    | IretEvent
    | InterruptEvent
    | PageFaultRecord
    | DoubleFaultEvent
    | TripleFaultRecord
    | CrWriteEvent
    | WrmsrEvent
    | SwapgsEvent
    | InvalidateEvent
    | WalkEvent
    | TlbFillEvent
    | InsnRecord
    | PteWriteEvent
    | StaleTlbRecord
    | SchedSwitchEvent
    | SchedWakeupEvent
    | SchedExitEvent
    | SignalDeliverEvent
    | SchedForkEvent
    | SchedFreeEvent
    | RunEndEvent
    | StackRecord
  );

export type TraceKind = TraceRecord["kind"];

/**
 * Field types. Text: `u64` 16 hex digits; `vec` 2, `sel` 4, `pcid` 3, `h4` 4, `h8` 8 hex digits;
 * `dec` decimal; `bool` yes/no; `str` as is. JSON: u64 a "0x" + 16-digit string, the numeric
 * types numbers, bool a boolean; the composite types are described in docs/trace-format.md.
 */
export type FieldType =
  | "u64"
  | "dec"
  | "vec"
  | "sel"
  | "pcid"
  | "h4"
  | "h8"
  | "bool"
  | "str"
  | "frame"
  | "u64s"
  | "decs"
  | "regs"
  | "writes"
  | "chain";

/** A field: name, type, and whether it may be absent. */
export type Field = readonly [name: string, type: FieldType, optional?: true];

/** Fields every record starts with, in order. */
export const BASE_FIELDS: readonly Field[] = [
  ["kind", "str"],
  ["cpu", "dec"],
  ["icount", "dec"],
  ["rip", "u64"],
  ["rsp", "u64"],
  ["task", "dec", true],
];

/** Fields every record may end with. */
export const NAME_FIELDS: readonly Field[] = [
  ["sym", "str", true],
  ["line", "str", true],
];

export const FIELDS: Readonly<Record<TraceKind, readonly Field[]>> = {
  syscall: [["target", "u64"], ["rax", "u64"]],
  sysret: [["target", "u64"], ["cs", "sel"], ["ss", "sel"]],
  deliver: [
    ["vector", "vec"], ["name", "str"], ["soft", "bool"], ["gate", "str"], ["stack", "str"],
    ["fromCpl", "dec"], ["toCpl", "dec"], ["handler", "u64"], ["frame", "frame"],
  ],
  iret: [["frame", "frame"], ["fromCpl", "dec"], ["toCpl", "dec"]],
  interrupt: [["vector", "vec"], ["nmi", "bool"]],
  "page-fault": [["address", "u64"], ["errorCode", "h4"], ["bits", "str"], ["level", "dec"]],
  "double-fault": [["first", "vec"], ["second", "vec"]],
  "triple-fault": [["chain", "chain"]],
  cr: [
    ["reg", "str"], ["old", "u64"], ["new", "u64"], ["flushed", "dec"],
    ["pgd", "u64", true], ["pcid", "pcid", true], ["noflush", "bool", true],
  ],
  wrmsr: [["msr", "h8"], ["value", "u64"]],
  swapgs: [["gsBase", "u64"], ["kernelGsBase", "u64"]],
  invlpg: [["address", "u64"], ["pcid", "pcid"], ["flushed", "dec"]],
  invpcid: [["type", "dec"], ["address", "u64"], ["pcid", "pcid"], ["flushed", "dec"]],
  walk: [
    ["address", "u64"], ["physical", "u64"], ["pcid", "pcid"], ["access", "str"],
    ["levels", "dec"], ["pageSize", "dec"], ["entries", "u64s"],
  ],
  "tlb-fill": [["page", "u64"], ["frame", "u64"], ["pcid", "pcid"], ["global", "bool"], ["pageSize", "dec"]], // prettier-ignore
  insn: [["text", "str"], ["length", "dec"], ["regs", "regs"], ["writes", "writes"]],
  "pte-write": [
    ["entry", "u64"], ["level", "dec"], ["old", "u64"], ["new", "u64"], ["changed", "str"],
    ["affected", "dec"], ["pages", "u64s"], ["pcids", "decs"], ["cpus", "decs"],
  ],
  "stale-tlb": [
    ["address", "u64"], ["pcid", "pcid"], ["access", "str"], ["page", "u64"], ["global", "bool"],
    ["pageSize", "dec"], ["tlbFrame", "u64"], ["tlbRights", "str"], ["walkFrame", "u64", true],
    ["walkRights", "str", true], ["walkFault", "h4", true], ["writeCpu", "dec"],
    ["writeIcount", "dec"], ["writeRip", "u64"], ["writeSym", "str", true], ["entry", "u64"],
    ["level", "dec"], ["old", "u64"], ["new", "u64"],
  ],
  end: [["reason", "str"], ["exitStatus", "dec", true], ["insns", "decs"], ["tlbAudit", "bool", true]],
  stack: [["from", "str"], ["to", "str"], ["cause", "str"]],
  "sched-switch": [["prevComm", "str"], ["prevPid", "dec"], ["prevState", "str"], ["nextComm", "str"], ["nextPid", "dec"]], // prettier-ignore
  "sched-wakeup": [["comm", "str"], ["pid", "dec"], ["targetCpu", "dec"], ["by", "dec"]],
  "sched-exit": [["comm", "str"], ["pid", "dec"]],
  "signal-deliver": [["sig", "dec"], ["errno", "dec"], ["code", "str"], ["handler", "u64"], ["flags", "h8"]],
  "sched-process-fork": [
    ["parentComm", "str"], ["parentPid", "dec"], ["childComm", "str"], ["childPid", "dec"],
    ["stack", "u64"], ["stackSize", "dec"], ["pgd", "u64"],
  ],
  "sched-process-free": [["comm", "str"], ["pid", "dec"]],
}; // prettier-ignore

/** The fields of the composite types' elements (frame: an object; the others: arrays of them). */
export const ELEMENT_FIELDS: Readonly<Record<"frame" | "regs" | "writes" | "chain", readonly Field[]>> = {
  frame: [["ss", "sel"], ["rsp", "u64"], ["rflags", "u64"], ["cs", "sel"], ["rip", "u64"], ["errorCode", "h4", true]],
  regs: [["reg", "str"], ["old", "u64"], ["new", "u64"]],
  writes: [["address", "u64"], ["physical", "u64"], ["size", "dec"], ["value", "u64"]],
  chain: [
    ["vector", "vec"], ["name", "str"], ["errorCode", "h4", true],
    ["rip", "u64"], ["rsp", "u64"], ["cr2", "u64"], ["cr3", "u64"],
  ],
}; // prettier-ignore

export const TRACE_KINDS = Object.keys(FIELDS) as TraceKind[];

/** Every field of a kind in order: base, the kind's own, the names. */
export function fieldsOf(kind: TraceKind): readonly Field[] {
  return [...BASE_FIELDS, ...FIELDS[kind], ...NAME_FIELDS];
}

/** #PF error-code bits (SDM 4.7) by name, for the decoded form. */
export const PF_BITS: readonly (readonly [string, number])[] = [
  ["P", 1 << 0],
  ["W", 1 << 1],
  ["U", 1 << 2],
  ["RSVD", 1 << 3],
  ["I", 1 << 4],
  ["PK", 1 << 5],
];

/** `P|W|U`-style text of a #PF error code (`-` when no bit is set). */
export function pfBitsText(errorCode: number): string {
  const names = PF_BITS.filter(([, bit]) => (errorCode & bit) !== 0).map(([n]) => n);
  return names.length === 0 ? "-" : names.join("|");
}
