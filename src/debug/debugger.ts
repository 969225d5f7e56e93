// The debugger: gdb-flavoured commands over a Machine, one command line at a time, each
// returning text (deterministic, no I/O: the CLI and a browser page both drive it). Execution
// goes through Machine.debugStep, one instruction boundary at a time, so a stop after an event
// delivery shows the frame the CPU just pushed, before the handler's first instruction. With
// several CPUs, `continue` interleaves them as the machine's own run does (each CPU `quantum`
// instructions in turn); `stepi` steps the selected CPU only.
//
// Stops: breakpoints and the instruction catchpoints (syscall, sysret, iret, swapgs, cr3,
// wrmsr) stop BEFORE the instruction (RIP at it, as gdb stops at a breakpoint); the event
// catchpoints (exception, interrupt) stop right AFTER the delivery (RIP at the handler, frame on
// the stack).
import { VECTOR_NAMES, u64 } from "../vm/index.js";
import { FLAG_IF } from "../isa/index.js";
import type { Cpu, DeliverEvent, RunResult, VmEvent } from "../vm/index.js";
import { ArgError, parseAddress, parseCount } from "./args.js";
import { eventText, followTrail, type TrailEntry } from "./events.js";
import { hex, Names } from "./names.js";
import { kernelStackName } from "../trace/index.js";
import type { DebugTarget, DebugTask } from "./target.js";
import { Views } from "./views.js";
import { HELP } from "./help.js";

/** What `catch` can wait for. */
export const CATCH_KINDS = ["syscall", "sysret", "exception", "interrupt", "iret", "cr3", "swapgs", "wrmsr"] as const; // prettier-ignore
export type CatchKind = (typeof CATCH_KINDS)[number];

/** Instruction catchpoints: the disassembly of the instruction they stop before. */
const INSN_CATCH: Partial<Record<CatchKind, RegExp>> = {
  syscall: /^syscall$/,
  sysret: /^sysret/,
  iret: /^iret/,
  swapgs: /^swapgs$/,
  cr3: /^mov\S*\s+%\w+,%cr3$/,
  // The model kernel's WRMSRs are the x2APIC's: its setup, EOIs, IPIs (SDM 10.12.1.2).
  wrmsr: /^wrmsr$/,
};

/** `continue` gives up after this many steps without a stop (a guest that never stops). */
export const CONTINUE_LIMIT = 50_000_000;
const DEFAULT_DISAS = 8;
const DEFAULT_STACK = 8;
/** RSP's number among the GPRs (SDM vol. 2, table 2-2). */
const RSP = 4;
/** The first vector the SDM leaves to external interrupts (6.2): below it, exceptions. */
const FIRST_INTERRUPT_VECTOR = 32;
/** Vectors 0-15 are illegal for a fixed interrupt (SDM 10.5.3), as `--inject irq:V` has it. */
const MIN_FIXED_VECTOR = 16;
const MAX_VECTOR = 255;

interface Stop {
  id: number;
  kind: "breakpoint" | CatchKind;
  addr?: bigint;
  vector?: number;
  hits: number;
}

export class Debugger {
  readonly names: Names;
  readonly views: Views;
  private readonly stops: Stop[] = [];
  private nextId = 1;
  /** The CPU the views look at and `stepi` steps. */
  private sel = 0;
  /** Round-robin state of `continue`: whose turn, and what is left of its quantum. */
  private turn = 0;
  private left: number;
  private ended: RunResult | undefined;
  private readonly lastDeliver: (DeliverEvent | undefined)[];
  private readonly lastNoflush: (boolean | undefined)[];
  private readonly pid: (number | undefined)[];
  private readonly trails = new Map<string, TrailEntry[]>();
  /** The boot's tasks, then forked ones (sched_process_fork), less the freed (sched_process_free). */
  private tasks: DebugTask[];

  constructor(private readonly target: DebugTarget) {
    this.names = new Names(target);
    this.views = new Views(target, this.names);
    const n = target.machine.cpus.length;
    this.left = target.machine.quantum;
    this.lastDeliver = new Array(n).fill(undefined);
    this.lastNoflush = new Array(n).fill(undefined);
    this.pid = new Array(n).fill(undefined);
    this.tasks = [...(target.tasks ?? [])];
    // Exact stops need the interpreter: a compiled block runs several instructions at once.
    target.machine.jitThreshold = Infinity;
  }

  private get cpu(): Cpu {
    return this.target.machine.cpus[this.sel]!;
  }

  /** Run one command line; the text it prints (no trailing newline; "" for nothing). */
  execute(line: string): string {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) return "";
    try {
      return this.dispatch(text).join("\n");
    } catch (e) {
      if (e instanceof ArgError) return `error: ${e.message}`;
      throw e;
    }
  }

  private dispatch(text: string): string[] {
    const x = /^x(?:\/(\d*)([gbx]?))?\s+(.+)$/.exec(text);
    if (x) return this.examine(x[1], x[2], x[3]!);
    const [cmd = "", ...args] = text.split(/\s+/);
    switch (cmd) {
      case "help": case "h": return [...HELP];
      case "break": case "b": case "br": return this.breakAt(args);
      case "delete": case "d": return this.remove(args);
      case "info": case "i": return this.info(args);
      case "catch": return this.catchOn(args);
      case "stepi": case "si": return this.stepi(args);
      case "continue": case "c": case "cont": return this.cont(args);
      case "regs": return this.views.regs(this.cpu);
      case "where": case "bt": case "backtrace": return this.where();
      case "disas": case "disassemble": return this.disas(args);
      case "stack": return this.views.stack(this.cpu, parseCount(args[0], "stack", DEFAULT_STACK));
      case "frame": case "f": return this.views.frame(this.cpu, this.lastDeliver[this.sel]);
      case "cr": return this.views.cr(this.cpu, this.lastNoflush[this.sel]);
      case "gs": return this.views.gs(this.cpu);
      case "tss": return this.views.tss(this.cpu);
      case "apic": return this.views.apic(this.cpu);
      case "tlb": return this.views.tlb(this.cpu, args[0] === undefined ? undefined : this.pcidArg(args[0])); // prettier-ignore
      case "pt": return this.pt(args);
      case "cpu": return this.selectCpu(args);
      case "task": return this.task();
      case "inject": return this.inject(args);
      default: throw new ArgError(`unknown command '${cmd}' (try 'help')`);
    }
  } // prettier-ignore

  // ---- breakpoints and catchpoints ----------------------------------------------------------

  private breakAt(args: string[]): string[] {
    if (args.length === 0) throw new ArgError("break: give SYM, SYM+OFF or an address");
    const addr = parseAddress(args.join(" "), this.names, this.cpu);
    const s: Stop = { id: this.nextId++, kind: "breakpoint", addr, hits: 0 };
    this.stops.push(s);
    return [`Breakpoint ${s.id} at ${hex(addr)}: ${this.names.where(addr)}`];
  }

  private catchOn(args: string[]): string[] {
    const kind = args[0] as CatchKind | undefined;
    if (kind === undefined || !CATCH_KINDS.includes(kind))
      throw new ArgError(`catch: give one of ${CATCH_KINDS.join(", ")}`);
    const s: Stop = { id: this.nextId++, kind, hits: 0 };
    if (args[1] !== undefined) {
      if (kind !== "exception" && kind !== "interrupt") throw new ArgError(`catch ${kind} takes no argument`); // prettier-ignore
      s.vector = parseVector(args[1]);
    }
    this.stops.push(s);
    return [`Catchpoint ${s.id} (${catchName(s)})`];
  }

  private remove(args: string[]): string[] {
    if (args.length === 0) {
      this.stops.length = 0;
      return ["Deleted every breakpoint and catchpoint"];
    }
    for (const a of args) {
      const i = this.stops.findIndex((s) => String(s.id) === a);
      if (i < 0) throw new ArgError(`delete: no breakpoint or catchpoint number ${a}`);
      this.stops.splice(i, 1);
    }
    return [];
  }

  private info(args: string[]): string[] {
    const what = args[0] ?? "";
    if (["break", "b", "breakpoints", "br"].includes(what)) return this.listStops();
    if (["registers", "r", "reg"].includes(what)) return this.views.regs(this.cpu);
    if (["tasks", "task"].includes(what)) return this.listTasks();
    throw new ArgError("info: give 'break', 'registers' or 'tasks'");
  }

  /** Every live task: pid, comm, where it runs (last sched_switch), its kernel stack. */
  private listTasks(): string[] {
    if (this.tasks.length === 0) return ["No tasks known."];
    const out = ["  PID  COMM             CPU  KERNEL STACK"];
    for (const t of [...this.tasks].sort((a, b) => a.pid - b.pid)) {
      const cpu = this.pid.indexOf(t.pid);
      const stack = this.names.region(kernelStackName(t.pid));
      const range = stack ? `[${hex(stack.start)}, ${hex(stack.end)})` : "-";
      out.push(`${String(t.pid).padStart(5)}  ${t.name.padEnd(16)} ${(cpu < 0 ? "-" : String(cpu)).padStart(3)}  ${range}`); // prettier-ignore
    }
    return out;
  }

  private listStops(): string[] {
    if (this.stops.length === 0) return ["No breakpoints or catchpoints."];
    const out = ["Num  Type        What"];
    for (const s of this.stops) {
      const what = s.kind === "breakpoint" ? `${hex(s.addr!)} ${this.names.where(s.addr!)}` : catchName(s); // prettier-ignore
      const hits = s.hits === 0 ? "" : `, hit ${s.hits} time${s.hits === 1 ? "" : "s"}`;
      out.push(`${String(s.id).padEnd(4)} ${(s.kind === "breakpoint" ? "breakpoint" : "catchpoint").padEnd(11)} ${what}${hits}`); // prettier-ignore
    }
    return out;
  }

  // ---- execution -----------------------------------------------------------------------------

  /** One boundary of CPU k; updates what the views and `where` know from the events it made. */
  private step(k: number, idle: number): VmEvent[] {
    const result = this.target.machine.debugStep(k, idle);
    const events = this.target.events.drain();
    for (const e of events) this.follow(e);
    this.forgetMovedFrame(k, events);
    if (result !== undefined) this.ended = result;
    return events;
  }

  /**
   * Once RSP has left the frame of CPU k's last delivery, that frame is history: an exit that
   * copies an IRET frame to the same address (the entry stack's top) must not pass for it.
   */
  private forgetMovedFrame(k: number, events: VmEvent[]): void {
    const last = this.lastDeliver[k];
    if (last === undefined || events.some((e) => e.kind === "deliver")) return;
    if (this.views.reg(this.target.machine.cpus[k]!, RSP) !== last.rsp) this.lastDeliver[k] = undefined; // prettier-ignore
  }

  private follow(e: VmEvent): void {
    if (e.kind === "deliver") this.lastDeliver[e.cpu] = e;
    if (e.kind === "cr" && e.reg === "cr3") this.lastNoflush[e.cpu] = e.noflush;
    if (e.kind === "sched-switch") {
      this.pid[e.cpu] = e.nextPid;
      return;
    }
    if (e.kind === "sched-process-fork" || e.kind === "sched-process-free") {
      this.names.followTask(e);
      const pid = e.kind === "sched-process-fork" ? e.childPid : e.pid;
      this.tasks = this.tasks.filter((t) => t.pid !== pid);
      if (e.kind === "sched-process-fork") this.tasks.push({ pid, name: e.childComm, pgd: Number(e.pgd) }); // prettier-ignore
      return;
    }
    followTrail(this.trailOf(e.cpu), e);
  }

  /** The trail of the task on CPU k: by its pid when the kernel told it, else by its CR3. */
  private trailOf(k: number): TrailEntry[] {
    const c = this.target.machine.cpus[k]!;
    const key = this.pid[k] !== undefined ? `pid ${this.pid[k]}` : (this.names.pairOf(c.cr3)?.owner ?? `cpu ${k}`); // prettier-ignore
    let t = this.trails.get(key);
    if (t === undefined) this.trails.set(key, (t = []));
    return t;
  }

  private endedText(): string[] {
    const r = this.ended!;
    const status = r.reason === "exit" ? `, status ${r.exitStatus} (isa-debug-exit ${(r.exitStatus! - 1) / 2})` : ""; // prettier-ignore
    const what = { exit: "the guest exited", halt: "every CPU halted with interrupts off", "triple-fault": "triple fault (shutdown)", limit: "instruction limit reached", deadlock: "deadlock: every CPU halted, nothing to wake one" }[r.reason]; // prettier-ignore
    const out = [`Run ended: ${what}${status}, after ${r.insns} instructions`];
    for (const f of r.faultChain ?? []) out.push(`  fault ${f.name}${f.errorCode === undefined ? "" : ` error ${hex(f.errorCode, 0)}`} at ${this.names.where(BigInt(`0x${f.rip}`))}`); // prettier-ignore
    return out;
  }

  private stepi(args: string[]): string[] {
    const n = parseCount(args[0], "stepi", 1);
    if (this.ended) return ["The run has ended; nothing to step.", ...this.endedText()];
    const out: string[] = [];
    for (let i = 0; i < n && !this.ended; i++) {
      for (const e of this.step(this.sel, 1)) {
        const t = eventText(e, this.names);
        if (t !== undefined && e.kind !== "end") out.push(`[${t}]`);
      }
    }
    if (this.ended) return [...out, ...this.endedText()];
    return [...out, ...this.location(this.cpu)];
  }

  private cont(args: string[]): string[] {
    if (args.length > 0) throw new ArgError("continue takes no argument");
    if (this.ended) return ["The run has ended; nothing to continue.", ...this.endedText()];
    const m = this.target.machine;
    let skip: { cpu: number; rip: number } | undefined = { cpu: this.sel, rip: this.cpu.rip };
    for (let n = 0; n < CONTINUE_LIMIT; n++) {
      const k = this.turn;
      const c = m.cpus[k]!;
      const mine = skip !== undefined && skip.cpu === k;
      if (!(mine && c.rip === skip!.rip) && !c.halted) {
        const hit = this.stopBefore(c);
        if (hit) return this.stopped(k, hit, []);
      }
      if (mine) skip = undefined;
      const before = c.icount;
      const events = this.step(k, this.left);
      this.rotate(c, c.icount - before);
      const caught = this.stopAfter(events, k);
      if (caught) return this.stopped(k, caught, events);
      if (this.ended) return this.endedText();
    }
    return [`Stopped after ${CONTINUE_LIMIT} steps without a stop; 'continue' goes on.`, ...this.location(this.cpu)]; // prettier-ignore
  }

  /** Move the turn on when CPU c has used its quantum, or halted with nothing to do. */
  private rotate(c: Cpu, used: number): void {
    this.left -= used;
    if (this.left > 0 && !(used === 0 && c.halted)) return;
    this.turn = (this.turn + 1) % this.target.machine.cpus.length;
    this.left = this.target.machine.quantum;
  }

  /** A breakpoint or instruction catchpoint at CPU c's RIP. */
  private stopBefore(c: Cpu): Stop | undefined {
    const rip = u64(c.rip);
    let text: string | undefined | null = null;
    for (const s of this.stops) {
      if (s.kind === "breakpoint") {
        if (s.addr === rip) return s;
        continue;
      }
      const re = INSN_CATCH[s.kind];
      if (re === undefined) continue;
      if (text === null) text = this.views.insnText(c, rip);
      if (text !== undefined && re.test(text)) return s;
    }
    return undefined;
  }

  /** An event catchpoint that a step's events satisfy. */
  private stopAfter(events: VmEvent[], k: number): Stop | undefined {
    for (const s of this.stops) {
      for (const e of events) {
        if (e.cpu !== k) continue;
        const exc = s.kind === "exception" && e.kind === "deliver" && !e.soft && e.vector < FIRST_INTERRUPT_VECTOR; // prettier-ignore
        const irq = s.kind === "interrupt" && e.kind === "interrupt";
        const vector = e.kind === "deliver" || e.kind === "interrupt" ? e.vector : -1;
        if ((exc || irq) && (s.vector === undefined || s.vector === vector)) return s;
      }
    }
    return undefined;
  }

  private stopped(k: number, s: Stop, events: VmEvent[]): string[] {
    s.hits++;
    this.sel = k;
    const c = this.cpu;
    const prefix = this.target.machine.cpus.length > 1 ? `[CPU ${k}] ` : "";
    const at = this.names.where(u64(c.rip));
    if (s.kind === "breakpoint") return [`${prefix}Breakpoint ${s.id}, ${at}`, ...this.insnLine(c)];
    const detail = events.map((e) => eventText(e, this.names)).filter((t) => t !== undefined);
    const head = `${prefix}Catchpoint ${s.id} (${catchName(s)}), ${at}`;
    return [head, ...detail.map((t) => `[${t}]`), ...this.insnLine(c)];
  }

  /** Where CPU c is: `sym+off (file:line)` and the instruction at RIP. */
  private location(c: Cpu): string[] {
    const prefix = this.target.machine.cpus.length > 1 ? `[CPU ${c.id}] ` : "";
    if (c.halted) return [`${prefix}${this.names.where(u64(c.rip))}, halted (HLT): waiting for an interrupt`]; // prettier-ignore
    return [`${prefix}${this.names.where(u64(c.rip))}`, ...this.insnLine(c)];
  }

  private insnLine(c: Cpu): string[] {
    const rip = u64(c.rip);
    return [`=> ${hex(rip)}:\t${this.views.insnText(c, rip) ?? "(bad or unmapped instruction)"}`];
  }

  // ---- views with arguments ------------------------------------------------------------------

  private where(): string[] {
    const c = this.cpu;
    const rsp = this.views.reg(c, 4);
    const region = this.names.stackRegion(rsp, c.cr3)?.name ?? "no named stack";
    const out = [`#0  ${hex(u64(c.rip))} ${this.names.where(u64(c.rip))}  [CPL ${c.cpl}, ${region}]`]; // prettier-ignore
    const trail = this.trailOf(this.sel);
    for (let i = trail.length - 1; i >= 0; i--) {
      const t = trail[i]!;
      out.push(`#${trail.length - i}  ${hex(t.rip)} ${this.names.where(t.rip)}  [entered by ${t.how}]`); // prettier-ignore
    }
    return out;
  }

  private disas(args: string[]): string[] {
    const c = this.cpu;
    const addr = args[0] === undefined ? u64(c.rip) : parseAddress(args[0], this.names, c);
    return this.views.disas(c, addr, parseCount(args[1], "disas", DEFAULT_DISAS));
  }

  private examine(count: string | undefined, unit: string | undefined, expr: string): string[] {
    const n = parseCount(count === "" ? undefined : count, "x", 1);
    const addr = parseAddress(expr, this.names, this.cpu);
    return this.views.examine(this.cpu, addr, n, unit === "b" ? 1 : 8);
  }

  private pt(args: string[]): string[] {
    if (args.length === 0) throw new ArgError("pt: give an address");
    return this.views.pt(this.cpu, parseAddress(args.join(" "), this.names, this.cpu));
  }

  private pcidArg(text: string): number {
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > 0xfff)
      throw new ArgError(`tlb: '${text}' is not a PCID (0-4095)`);
    return Number(text);
  }

  private selectCpu(args: string[]): string[] {
    const n = this.target.machine.cpus.length;
    if (args[0] !== undefined) {
      const k = /^\d+$/.test(args[0]) ? Number(args[0]) : NaN;
      if (!(k < n)) throw new ArgError(`cpu: '${args[0]}' is not a CPU (0-${n - 1})`);
      this.sel = k;
    }
    return [`CPU ${this.sel} of ${n}`, ...this.location(this.cpu)];
  }

  private task(): string[] {
    const c = this.cpu;
    const pid = this.pid[this.sel];
    const byPid = pid === undefined ? undefined : this.tasks.find((t) => t.pid === pid);
    if (pid !== undefined) return [`CPU ${this.sel} runs pid ${pid}${byPid ? ` (${byPid.name})` : pid === 0 ? " (idle)" : ""} (last sched_switch)`]; // prettier-ignore
    const pair = this.names.pairOf(c.cr3);
    if (pair === undefined) return [`CPU ${this.sel}: no task known (no sched_switch yet, CR3 names no task)`]; // prettier-ignore
    const t = this.tasks.find((x) => x.pgd === pair.kernel);
    return [`CPU ${this.sel} runs ${t ? `pid ${t.pid} (${t.name})` : pair.owner} (by its address space: no sched_switch yet)`]; // prettier-ignore
  }

  // ---- injection -----------------------------------------------------------------------------

  /**
   * `inject nmi [cpu N]`, `inject irq VEC [cpu N]`: raise the event on the CPU's local APIC now
   * (Machine.inject, as `--inject` does at a count). The CPU takes it at an instruction boundary
   * by the machine's rules, so the text says whether that is the next one or what holds it.
   */
  private inject(args: string[]): string[] {
    const [kind, ...rest] = args;
    if (kind !== "nmi" && kind !== "irq") throw new ArgError("inject: give 'nmi [cpu N]' or 'irq VEC [cpu N]'"); // prettier-ignore
    const vector = kind === "irq" ? parseFixedVector(rest.shift()) : undefined;
    const k = this.injectCpu(rest);
    const c = this.target.machine.cpus[k]!;
    if (this.ended) return ["The run has ended; nothing to inject into."];
    const was = c.apic.nmiPending;
    this.target.machine.inject({ kind, vector, cpu: k, at: c.icount });
    return [kind === "nmi" ? nmiNote(c, was) : irqNote(c, vector!)];
  }

  /** `cpu N` after the event, else the selected CPU. */
  private injectCpu(rest: string[]): number {
    if (rest.length === 0) return this.sel;
    const n = this.target.machine.cpus.length;
    const k = rest.length === 2 && rest[0] === "cpu" && /^\d+$/.test(rest[1]!) ? Number(rest[1]) : NaN; // prettier-ignore
    if (!(k < n)) throw new ArgError(`inject: '${rest.join(" ")}' is not 'cpu N' (0-${n - 1})`);
    return k;
  }

  /** Whether the run has ended (exit, triple fault, limit...). */
  get finished(): RunResult | undefined {
    return this.ended;
  }
}

function parseVector(text: string): number {
  const byName = Object.entries(VECTOR_NAMES).find(([, n]) => n.toLowerCase() === text.toLowerCase() || n.slice(1).toLowerCase() === text.toLowerCase()); // prettier-ignore
  if (byName) return Number(byName[0]);
  const v = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!(v >= 0 && v <= 255)) throw new ArgError(`catch: '${text}' is not a vector (0-255 or a name like #PF)`); // prettier-ignore
  return v;
}

/** The vector of `inject irq VEC`: 16-255, as a fixed interrupt may have. */
function parseFixedVector(text: string | undefined): number {
  const v = text !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!(v >= MIN_FIXED_VECTOR && v <= MAX_VECTOR)) throw new ArgError(`inject irq: '${text ?? ""}' is not a vector ${MIN_FIXED_VECTOR}-${MAX_VECTOR}`); // prettier-ignore
  return v;
}

/** What becomes of an NMI just raised on CPU c (`was`: one was pending already). */
function nmiNote(c: Cpu, was: boolean): string {
  const head = `NMI raised on CPU ${c.id}'s local APIC`;
  // The machine latches one pending NMI (a flag, not a count): a second request adds nothing.
  if (was) return `${head}: one was pending already; the two are one pending NMI`;
  // SDM 6.7.1: blocked from an NMI's delivery to the next IRET.
  if (c.nmiBlocked) return `${head}: pending, NMIs are blocked until the next IRET (SDM 6.7.1)`;
  return `${head}: taken at the next instruction boundary`;
}

/** What becomes of a fixed interrupt just requested on CPU c. */
function irqNote(c: Cpu, vector: number): string {
  const head = `interrupt ${vector} requested on CPU ${c.id}'s local APIC (IRR)`;
  // SDM 6.8.1: maskable interrupts wait while RFLAGS.IF is clear.
  if ((c.rflags & FLAG_IF) === 0) return `${head}: held while IF is clear (SDM 6.8.1)`;
  return `${head}: taken at the next instruction boundary its priority allows (SDM 10.8.3)`;
}

function catchName(s: Stop): string {
  if (s.vector === undefined) return s.kind;
  return `${s.kind} ${VECTOR_NAMES[s.vector] ?? ""} ${s.vector}`.replace("  ", " ");
}
