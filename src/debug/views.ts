// The debugger's views of one CPU: registers, control registers, GS bases, the TSS, the
// hardware-pushed frame, the stack, memory, the TLB and the page walk of an address in both PGDs
// of a PTI pair. Each returns lines of text; all reads are probes (./probe.ts).
import { decode, disassemble, FLAG_AC, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_NT, FLAG_OF, FLAG_PF, FLAG_RF, FLAG_SF, FLAG_TF, FLAG_ZF, GPR64, SEG_CS, SEG_GS, SEG_SS } from "../isa/index.js"; // prettier-ignore
import type { DecodedInsn } from "../isa/index.js";
import { formatTlb, snapshot, u64, u64Pair, CR0_PE, CR0_PG, CR0_WP, CR4_FSGSBASE, CR4_PAE, CR4_PCIDE, CR4_PGE, CR4_SMAP, CR4_SMEP, EFER_LMA, EFER_LME, EFER_NXE, EFER_SCE } from "../vm/index.js"; // prettier-ignore
import type { Cpu, DeliverEvent } from "../vm/index.js";
import { hex, Names } from "./names.js";
import { vectorLabel } from "./events.js";
import { effectiveRights, entryFlags, pml4Of, Probe, type WalkLevel } from "./probe.js";
import type { DebugTarget } from "./target.js";

/** The longest instruction the bytecode has (an opcode word and operands: docs/bytecode.md). */
export const MAX_INSN_BYTES = 32;
const RPL_MASK = 3;
const CR3_PCID_MASK = 0xfff;
/** 64-bit TSS fields (SDM 8.7, figure 8-11): RSP0-2 at 4, 12, 20; IST1-7 from 36. */
const TSS_RSP0 = 4;
const TSS_IST1 = 36;
const IST_COUNT = 7;
const PRIV_LEVELS = 3;
const QWORD = 8;
/** #PF (SDM 6.15): its error code has the P/W/U/RSVD/I bits of SDM 4.7. */
const VEC_PF = 14;
/** x2APIC current-count register, read as RDMSR would (SDM 10.12.1.2, table 10-6). */
const X2APIC_TMCCT = 0x839;
/** SVR bit 8: the APIC is software-enabled (SDM 10.9); bits 7:0 the spurious vector. */
const APIC_SVR_ENABLED = 0x100;
/** LVT timer: vector 7:0, mask bit 16, timer mode bits 18:17 (SDM 10.5.1, figure 10-8). */
const APIC_LVT_MASKED = 1 << 16;
const APIC_LVT_MODE_SHIFT = 17;
const APIC_TIMER_MODES = ["one-shot", "periodic", "TSC-deadline", "reserved mode"];
const VECTOR_MASK = 0xff;
const LOW_BITS = 3;

const FLAG_NAMES: [number, string][] = [
  [FLAG_CF, "CF"], [FLAG_PF, "PF"], [FLAG_AF, "AF"], [FLAG_ZF, "ZF"], [FLAG_SF, "SF"],
  [FLAG_TF, "TF"], [FLAG_IF, "IF"], [FLAG_DF, "DF"], [FLAG_OF, "OF"], [FLAG_NT, "NT"],
  [FLAG_RF, "RF"], [FLAG_AC, "AC"],
]; // prettier-ignore
const IOPL_SHIFT = 12;

/** RFLAGS as gdb shows eflags: `[ ZF IF ]` plus IOPL when nonzero. */
export function flagsText(v: number): string {
  const names = FLAG_NAMES.filter(([bit]) => (v & bit) !== 0).map(([, n]) => n);
  const iopl = (v >>> IOPL_SHIFT) & RPL_MASK;
  if (iopl !== 0) names.push(`IOPL=${iopl}`);
  return names.length === 0 ? "[ ]" : `[ ${names.join(" ")} ]`;
}

function bits(v: number, names: [number, string][]): string {
  return (
    names
      .filter(([b]) => (v & b) !== 0)
      .map(([, n]) => n)
      .join(" ") || "-"
  );
}

export class Views {
  readonly probe: Probe;

  constructor(
    private readonly target: DebugTarget,
    readonly names: Names,
  ) {
    this.probe = new Probe(target.machine.mem);
  }

  reg(c: Cpu, i: number): bigint {
    return u64Pair(c.rlo[i]!, c.rhi[i]!);
  }

  regs(c: Cpu): string[] {
    const out: string[] = [];
    for (let i = 0; i < GPR64.length; i += 2) {
      const pair = [i, i + 1].map((r) => `${GPR64[r]!.padEnd(3)} ${hex(this.reg(c, r))}`);
      out.push(pair.join("   "));
    }
    const rflags = Number(BigInt(snapshot(c).rflags));
    out.push(`rip ${hex(u64(c.rip))}   ${this.names.where(u64(c.rip))}`);
    out.push(`rflags ${hex(rflags, 8)} ${flagsText(rflags)}`);
    const [cs, ss] = [c.segSel[SEG_CS]!, c.segSel[SEG_SS]!];
    out.push(`cs 0x${cs.toString(16)}  ss 0x${ss.toString(16)}  cpl ${c.cpl} (${c.cpl === 0 ? "kernel" : c.cpl === 3 ? "user" : "ring " + c.cpl} mode)`); // prettier-ignore
    return out;
  }

  cr(c: Cpu, lastNoflush: boolean | undefined): string[] {
    const cr3 = c.cr3;
    const pcide = (c.cr4 & CR4_PCIDE) !== 0;
    const pgd = pml4Of(cr3);
    const which = this.names.pgdName(cr3);
    const pcid = cr3 & CR3_PCID_MASK;
    const cr3Line = [`cr3  ${hex(u64(cr3))}  PGD ${hex(pgd, 0)}`, pcide ? `PCID ${pcid} (0x${pcid.toString(16)})` : "PCID off (CR4.PCIDE=0)"]; // prettier-ignore
    if (lastNoflush !== undefined) cr3Line.push(`last write ${lastNoflush ? "with" : "without"} no-flush (bit 63)`); // prettier-ignore
    if (which) cr3Line.push(`= ${which}`);
    return [
      `cr0  ${hex(c.cr0 >>> 0)}  ${bits(c.cr0, [
        [CR0_PE, "PE"],
        [CR0_WP, "WP"],
        [CR0_PG, "PG"],
      ])}`,
      `cr2  ${hex(u64(c.cr2))}`,
      cr3Line.join("  "),
      `cr4  ${hex(c.cr4 >>> 0)}  ${bits(c.cr4, [[CR4_PAE, "PAE"], [CR4_PGE, "PGE"], [CR4_FSGSBASE, "FSGSBASE"], [CR4_PCIDE, "PCIDE"], [CR4_SMEP, "SMEP"], [CR4_SMAP, "SMAP"]])}`, // prettier-ignore
      `efer ${hex(u64(c.efer))}  ${bits(c.efer, [[EFER_SCE, "SCE"], [EFER_LME, "LME"], [EFER_LMA, "LMA"], [EFER_NXE, "NXE"]])}`, // prettier-ignore
    ];
  }

  gs(c: Cpu): string[] {
    const percpu = this.target.perCpu?.[c.id];
    const tell = (v: bigint): string =>
      percpu === undefined ? "" : v === percpu ? `  = per-CPU area of CPU ${c.id} (the kernel's)` : "  (not the kernel's: the user's)"; // prettier-ignore
    const gs = u64(c.segBase[SEG_GS]!);
    const kgs = u64(c.kernelGsBase);
    return [`gs_base        ${hex(gs)}${tell(gs)}`, `kernel_gs_base ${hex(kgs)}${tell(kgs)}`];
  }

  tss(c: Cpu): string[] {
    const base = u64(c.trBase);
    const q = (off: number): string => {
      const v = this.probe.qword(c, base + BigInt(off));
      if (v === undefined) return "(unmapped)";
      const r = this.names.stackRegion(v, c.cr3);
      return r ? `${hex(v)}  top of ${r.name}` : hex(v);
    };
    const out = [`TSS at ${hex(base)} (TR 0x${c.trSel.toString(16)})`];
    for (let i = 0; i < PRIV_LEVELS; i++) out.push(`  sp${i}  ${q(TSS_RSP0 + i * QWORD)}`);
    for (let i = 0; i < IST_COUNT; i++) out.push(`  ist${i + 1} ${q(TSS_IST1 + i * QWORD)}`);
    return out;
  }

  /**
   * The local APIC (x2APIC mode): the vectors in service and requested (SDM 10.8.4: delivery moves
   * a vector from IRR to ISR, EOI clears the highest ISR bit), the timer's LVT entry and counts
   * (SDM 10.5.4), and a pending NMI.
   */
  apic(c: Cpu): string[] {
    const a = c.apic;
    const list = (bits: Uint8Array): string => {
      const v = [...bits.keys()].filter((i) => bits[i] !== 0).reverse();
      return v.length === 0 ? "none" : v.join(" ");
    };
    const svr = `SVR 0x${a.svr.toString(16)} (${a.svr & APIC_SVR_ENABLED ? "enabled" : "disabled"}, spurious vector ${a.svr & VECTOR_MASK})`; // prettier-ignore
    const lvt = a.lvtTimer;
    const mode = APIC_TIMER_MODES[(lvt >>> APIC_LVT_MODE_SHIFT) & LOW_BITS]!;
    const timer = lvt & APIC_LVT_MASKED ? "masked" : `vector ${lvt & VECTOR_MASK}, ${mode}, initial count ${a.initialCount}, current count ${a.read(X2APIC_TMCCT)[0]}`; // prettier-ignore
    return [
      `x2APIC of CPU ${c.id} (ID ${a.id}): ${svr}, TPR 0x${a.tpr.toString(16)}`,
      `  ISR (in service): ${list(a.isr)}`,
      `  IRR (requested):  ${list(a.irr)}`,
      `  timer: ${timer}`,
      `  NMI: ${a.nmiPending ? "pending" : "none pending"}${c.nmiBlocked ? ", blocked until the next IRET (SDM 6.7.1)" : ""}`, // prettier-ignore
    ];
  }

  /** The frame at RSP: the last delivery's when RSP still points at it, else read as an IRET frame. */
  frame(c: Cpu, last: DeliverEvent | undefined): string[] {
    const rsp = this.reg(c, 4);
    const fresh = last !== undefined && last.rsp === rsp;
    const hasError = fresh && last.frame.errorCode !== undefined;
    const fields = [...(hasError ? ["error code"] : []), "rip", "cs", "rflags", "rsp", "ss"];
    const out = [fresh ? `frame of ${vectorLabel(last.name, last.vector)} at rsp ${hex(rsp)}, pushed by the CPU (SDM 6.14.2):` : `no delivery just made: the qwords at rsp ${hex(rsp)} read as an IRET frame:`]; // prettier-ignore
    fields.forEach((name, i) => {
      const at = rsp + BigInt(i * QWORD);
      const v = this.probe.qword(c, at);
      out.push(`  ${hex(at)}  ${name.padEnd(10)} ${v === undefined ? "(unmapped)" : this.frameValue(name, v, last?.vector)}`); // prettier-ignore
    });
    return out;
  }

  private frameValue(name: string, v: bigint, vector: number | undefined): string {
    if (name === "rip") return `${hex(v)}  ${this.names.where(v)}`;
    if (name === "cs") return `${hex(v)}  (RPL ${Number(v) & RPL_MASK})`;
    if (name === "rflags") return `${hex(v)}  ${flagsText(Number(v & 0xffffffffn))}`;
    if (name === "error code")
      return vector === VEC_PF ? `${hex(v)}  ${pfText(Number(v))}` : hex(v);
    return hex(v);
  }

  stack(c: Cpu, n: number): string[] {
    const rsp = this.reg(c, 4);
    const r = this.names.stackRegion(rsp, c.cr3);
    const head = r ? `rsp ${hex(rsp)} in ${r.name} [${hex(r.start)}, ${hex(r.end)}), ${r.end - rsp} bytes in use` : `rsp ${hex(rsp)} (in no named region)`; // prettier-ignore
    const out = [head];
    for (let i = 0; i < n; i++) {
      const at = rsp + BigInt(i * QWORD);
      if (r && at >= r.end) break;
      const v = this.probe.qword(c, at);
      if (v === undefined) {
        out.push(`  ${hex(at)}  (not mapped under CR3 ${hex(c.cr3, 0)})`);
        break;
      }
      const name = this.names.isCode(v) ? `  ${this.names.where(v)}` : "";
      out.push(`  ${hex(at)}  ${hex(v)}${name}`);
    }
    return out;
  }

  /** `x/Ng` (quadwords, two a line) or `x/Nb` (bytes, eight a line). */
  examine(c: Cpu, addr: bigint, n: number, size: 1 | 8): string[] {
    const perLine = size === QWORD ? 2 : 8;
    const out: string[] = [];
    for (let i = 0; i < n; i += perLine) {
      const at = BigInt.asUintN(64, addr + BigInt(i * size));
      const sym = this.names.symbol(at);
      const cells: string[] = [];
      for (let k = i; k < Math.min(n, i + perLine); k++) {
        const a = BigInt.asUintN(64, addr + BigInt(k * size));
        if (size === QWORD) {
          const v = this.probe.qword(c, a);
          cells.push(v === undefined ? "??" : hex(v));
        } else {
          const b = this.probe.bytes(c, a, 1)[0];
          cells.push(b === undefined ? "??" : `0x${b.toString(16).padStart(2, "0")}`);
        }
      }
      if (cells.includes("??") && cells.every((x) => x === "??")) {
        out.push(`${hex(at)}: cannot access memory: not mapped under CR3 ${hex(c.cr3, 0)}`);
        break;
      }
      out.push(`${hex(at)}${sym ? ` <${sym}>` : ""}:\t${cells.join("\t")}`);
    }
    return out;
  }

  /** The instruction at `addr`, decoded from probe reads, or undefined (unmapped or invalid). */
  insnAt(c: Cpu, addr: bigint): DecodedInsn | undefined {
    const raw = this.probe.bytes(c, addr, MAX_INSN_BYTES);
    const end = raw.findIndex((b) => b === undefined);
    const bytes = Uint8Array.from((end < 0 ? raw : raw.slice(0, end)) as number[]);
    return decode(bytes, 0);
  }

  insnText(c: Cpu, addr: bigint): string | undefined {
    const insn = this.insnAt(c, addr);
    return insn && disassemble(insn, { address: addr, symbolize: (a) => this.names.symbol(a) });
  }

  disas(c: Cpu, addr: bigint, n: number): string[] {
    const out: string[] = [];
    let at = addr;
    let lastLine = "";
    const rip = u64(c.rip);
    for (let i = 0; i < n; i++) {
      const insn = this.insnAt(c, at);
      const line = this.names.line(at);
      if (line && line !== lastLine) {
        out.push(this.sourceLine(line));
        lastLine = line;
      }
      const mark = at === rip ? "=>" : "  ";
      const sym = this.names.symbol(at);
      const text = insn ? disassemble(insn, { address: at, symbolize: (a) => this.names.symbol(a) }) : "(bad or unmapped)"; // prettier-ignore
      out.push(`${mark} ${hex(at)}${sym ? ` <${sym}>` : ""}:\t${text}`);
      if (!insn) break;
      at = BigInt.asUintN(64, at + BigInt(insn.length));
    }
    return out;
  }

  /** `file:line` and, when the source is readable, the line's text. */
  sourceLine(where: string): string {
    const m = /^(.*):(\d+)$/.exec(where);
    const text = m && this.target.readSource?.(m[1]!)?.split("\n")[Number(m[2]) - 1];
    return text === undefined || text === null ? where : `${where}\t${text.trim()}`;
  }

  tlb(c: Cpu, pcid: number | undefined): string[] {
    const all = c.tlb.entries();
    const list = pcid === undefined ? all : all.filter((e) => e.global || e.pcid === pcid);
    const head = `CPU ${c.id} TLB (${c.tlb.policy}): ${all.length} entries, current PCID ${c.pcid}`;
    return [head, ...formatTlb(list).map((l) => `  ${l}`)];
  }

  /** The walk of `addr` in both PGDs of the current PTI pair (or the current PGD alone). */
  pt(c: Cpu, addr: bigint): string[] {
    const pair = this.names.pairOf(c.cr3);
    const pgds = pair ? [pair.kernel, pair.kernel + 0x1000] : [pml4Of(c.cr3)];
    const out = [`${hex(addr)}${this.names.symbol(addr) ? ` <${this.names.symbol(addr)}>` : ""}`];
    for (const pgd of pgds) {
      const name = this.names.pgdName(pgd) ?? "current PGD";
      const cur = pgd === pml4Of(c.cr3) ? " (current)" : "";
      out.push(`${name} at ${hex(pgd, 0)}${cur}:`);
      out.push(...this.walkLines(this.probe.levels(c, pgd, addr), addr));
    }
    return out;
  }

  private walkLines(levels: WalkLevel[], addr: bigint): string[] {
    const out = levels.map((l) => `  ${`${l.name}[${l.index}]`.padEnd(10)} @${hex(l.at, 0)} = ${hex(u64Pair(l.lo, l.hi))}  ${l.present ? entryFlags(l) : "not present"}`); // prettier-ignore
    const last = levels[levels.length - 1];
    if (last === undefined) return ["  (table outside memory)"];
    if (!last.present) out.push(`  -> not mapped (a walk stops at the ${last.name}: #PF with P=0)`);
    else if (last.leaf) {
      const size = last.name === "PTE" ? 0x1000 : last.name === "PDE" ? 0x200000 : 0x40000000;
      const pa = last.next - (last.next % size) + Number(addr % BigInt(size));
      out.push(`  -> phys ${hex(pa, 0)}, ${size >= 0x200000 ? `${size >>> 20}M` : "4K"} page, effective ${effectiveRights(levels)}`); // prettier-ignore
    }
    return out;
  }
}

/** A #PF error code's bits (SDM 4.7): `P W U RSVD I` set or not. */
export function pfText(e: number): string {
  const parts = [
    e & 1 ? "protection (P=1)" : "not present (P=0)",
    e & 2 ? "write" : "read",
    e & 4 ? "user" : "supervisor",
  ];
  if (e & 8) parts.push("reserved bit");
  if (e & 16) parts.push("instruction fetch");
  return parts.join(", ");
}
