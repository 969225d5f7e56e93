// The local APIC of one CPU in x2APIC mode (SDM vol. 3A chapter 10, registers as MSRs 0x800 +
// offset/16, SDM 10.12.1.2): ID, version, TPR, EOI, SVR, the in-service and request registers, the
// LVT timer with its initial/current count and divide configuration, and the ICR for fixed IPIs and
// NMIs. Time is the CPU's instruction count: the timer's counter decrements once per `divide`
// instructions. Pending interrupts wait in IRR; the machine (../machine.ts) delivers the highest one
// at an instruction boundary when RFLAGS.IF=1 and no shadow is active, moving it to ISR until EOI.
//
//   LVT timer: vector 7:0 | mask 16 | mode 18:17 (00 one-shot, 01 periodic)
//   ICR:       vector 7:0 | delivery mode 10:8 (000 fixed, 100 NMI) | shorthand 19:18 | dest 63:32
import { VEC_GP } from "../fault.js";
import type { Cpu } from "../cpu.js";

export const MSR_APIC_BASE = 0x1b;
export const X2APIC_MSR_FIRST = 0x800;
export const X2APIC_MSR_LAST = 0x8ff;
export const X2_ID = 0x802;
export const X2_VERSION = 0x803;
export const X2_TPR = 0x808;
export const X2_PPR = 0x80a;
export const X2_EOI = 0x80b;
export const X2_LDR = 0x80d;
export const X2_SVR = 0x80f;
export const X2_ISR0 = 0x810;
export const X2_IRR0 = 0x820;
export const X2_ESR = 0x828;
export const X2_ICR = 0x830;
export const X2_LVT_TIMER = 0x832;
export const X2_INIT_COUNT = 0x838;
export const X2_CUR_COUNT = 0x839;
export const X2_DIVIDE = 0x83e;
export const X2_SELF_IPI = 0x83f;

/** IA32_APIC_BASE: BSP (bit 8), x2APIC enable (bit 10), global enable (bit 11), base 0xfee00000. */
const APIC_BASE_BSP = 1 << 8;
const APIC_BASE_EXTD = 1 << 10;
const APIC_BASE_EN = 1 << 11;
const APIC_DEFAULT_BASE = 0xfee00000;
/** Version register: version 0x14, 6 LVT entries (max LVT 5). */
const APIC_VERSION = 0x14 | (5 << 16);
const LVT_MASK = 1 << 16;
const LVT_PERIODIC = 1 << 17;
const LVT_TIMER_BITS = 0xff | LVT_MASK | (3 << 17);
export const ICR_MODE_FIXED = 0;
export const ICR_MODE_NMI = 4;
export const ICR_SHORT_NONE = 0;
export const ICR_SHORT_SELF = 1;
export const ICR_SHORT_ALL = 2;
export const ICR_SHORT_OTHERS = 3;
/** The first 16 vectors are reserved: a fixed interrupt there is an illegal vector (SDM 10.5.3). */
const MIN_VECTOR = 16;

/** How an IPI leaves the APIC: the machine routes it to the destination CPUs. */
export type IpiSink = (from: number, shorthand: number, dest: number, mode: number, vector: number) => void; // prettier-ignore

/** SDM 10.5.4 figure 10-10: divide configuration bits 0,1,3 → divisor. */
function divisorOf(cfg: number): number {
  const code = (cfg & 3) | ((cfg >> 1) & 4);
  return code === 7 ? 1 : 2 << code;
}

export class Apic {
  readonly irr = new Uint8Array(256);
  readonly isr = new Uint8Array(256);
  nmiPending = false;
  tpr = 0;
  svr = 0xff;
  lvtTimer = LVT_MASK;
  initialCount = 0;
  divideCfg = 0;
  /** Instruction count when the current timer period started, and its end (Infinity: idle). */
  private timerStart = 0;
  timerDeadline = Infinity;
  ipiSink: IpiSink = () => {};

  constructor(
    readonly id: number,
    private readonly cpu: Cpu,
  ) {}

  private get divisor(): number {
    return divisorOf(this.divideCfg);
  }

  /** Post a fixed interrupt (from the timer, an IPI or an injection). */
  request(vector: number): void {
    if (vector >= MIN_VECTOR) this.irr[vector] = 1;
  }

  /** The highest pending vector whose priority class is above the processor priority (SDM 10.8.3.1), or -1. */
  deliverable(): number {
    let floor = this.tpr >> 4;
    for (let v = 255; v >= MIN_VECTOR; v--) {
      if (this.isr[v] !== 0) {
        floor = Math.max(floor, v >> 4);
        break;
      }
    }
    for (let v = 255; v >= MIN_VECTOR; v--) if (this.irr[v] !== 0) return v >> 4 > floor ? v : -1;
    return -1;
  }

  /** The interrupt is being delivered: IRR → ISR (SDM 10.8.4). */
  accept(vector: number): void {
    this.irr[vector] = 0;
    this.isr[vector] = 1;
  }

  /** The timer at instruction count `now`: post its vector at expiry, reload when periodic. */
  tick(now: number): void {
    while (now >= this.timerDeadline) {
      if ((this.lvtTimer & LVT_MASK) === 0) this.request(this.lvtTimer & 0xff);
      if ((this.lvtTimer & LVT_PERIODIC) !== 0 && this.initialCount > 0) {
        this.timerStart = this.timerDeadline;
        this.timerDeadline += this.initialCount * this.divisor;
      } else this.timerDeadline = Infinity;
    }
  }

  private currentCount(now: number): number {
    if (this.timerDeadline === Infinity) return 0;
    return Math.max(0, this.initialCount - Math.floor((now - this.timerStart) / this.divisor));
  }

  private eoi(): void {
    for (let v = 255; v >= 0; v--) {
      if (this.isr[v] !== 0) {
        this.isr[v] = 0;
        return;
      }
    }
  }

  /** RDMSR of an x2APIC register: [lo, hi]; unknown → #GP(0) (SDM 10.12.1.2). */
  read(msr: number): [number, number] {
    const c = this.cpu;
    const now = c.icount;
    if (msr >= X2_ISR0 && msr < X2_ISR0 + 8) return [this.bits(this.isr, msr - X2_ISR0), 0];
    if (msr >= X2_IRR0 && msr < X2_IRR0 + 8) return [this.bits(this.irr, msr - X2_IRR0), 0];
    switch (msr) {
      case X2_ID: return [this.id, 0];
      case X2_VERSION: return [APIC_VERSION, 0];
      case X2_TPR: return [this.tpr, 0];
      case X2_PPR: return [this.tpr, 0];
      case X2_LDR: return [((this.id >> 4) << 16) | (1 << (this.id & 15)), 0];
      case X2_SVR: return [this.svr, 0];
      case X2_ESR: return [0, 0];
      case X2_LVT_TIMER: return [this.lvtTimer, 0];
      case X2_INIT_COUNT: return [this.initialCount, 0];
      case X2_CUR_COUNT: return [this.currentCount(now), 0];
      case X2_DIVIDE: return [this.divideCfg, 0];
    } // prettier-ignore
    return c.raise(VEC_GP, 0);
  }

  private bits(arr: Uint8Array, word: number): number {
    let v = 0;
    for (let b = 0; b < 32; b++) if (arr[word * 32 + b] !== 0) v |= 1 << b;
    return v;
  }

  /** WRMSR of an x2APIC register; read-only or unknown → #GP(0) (SDM 10.12.1.2). */
  write(msr: number, lo: number, hi: number): void {
    const c = this.cpu;
    const now = c.icount;
    switch (msr) {
      case X2_TPR: this.tpr = lo & 0xff; return;
      case X2_EOI:
        if (lo !== 0) c.raise(VEC_GP, 0); // SDM 10.12.9: a nonzero EOI write → #GP(0)
        this.eoi();
        return;
      case X2_SVR: this.svr = lo & 0x1fff; return;
      case X2_ESR: return;
      case X2_LVT_TIMER: this.lvtTimer = lo & LVT_TIMER_BITS; return;
      case X2_INIT_COUNT:
        this.tick(now);
        this.initialCount = lo >>> 0;
        this.timerStart = now;
        // SDM 10.5.4: writing the initial count starts the timer; 0 stops it.
        this.timerDeadline = this.initialCount === 0 ? Infinity : now + this.initialCount * this.divisor;
        return;
      case X2_DIVIDE: this.divideCfg = lo & 0xb; return;
      case X2_ICR: this.sendIcr(lo, hi); return;
      case X2_SELF_IPI: this.request(lo & 0xff); return;
    } // prettier-ignore
    c.raise(VEC_GP, 0);
  }

  private sendIcr(lo: number, hi: number): void {
    const mode = (lo >> 8) & 7;
    // The subset: fixed and NMI delivery (SDM 10.6.1); others are reserved here → #GP(0).
    if (mode !== ICR_MODE_FIXED && mode !== ICR_MODE_NMI) this.cpu.raise(VEC_GP, 0);
    this.ipiSink(this.id, (lo >> 18) & 3, hi >>> 0, mode, lo & 0xff);
  }

  /** IA32_APIC_BASE as read: x2APIC mode, enabled, the BSP bit on CPU 0. */
  baseMsr(): [number, number] {
    return [
      APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD | (this.id === 0 ? APIC_BASE_BSP : 0),
      0,
    ];
  }
}
