// The TLB audit (opt-in: `EventSink.auditTlb`, docs/machine.md "TLB audit"): it finds the stale
// translations a kernel uses after changing a paging-structure entry without the invalidation the
// TLB needs (SDM 4.10.4), and reports them. It never changes what the machine does: the TLB keeps
// and uses the stale entry, as hardware may.
//
//   fill   every TLB entry remembers the physical address and the value of each paging-structure
//          entry its walk read (PML4E … PTE; the VM has no paging-structure caches, so a change at
//          any level reaches the TLB only through these entries), and PhysMem watches the pages
//          holding them (WATCH_TABLE), which takes their stores off the TLB's fast write path;
//   store  a store to a watched page queues the entries it covers and leaves the current block;
//          after the instruction (both halves of a 64-bit store have landed) each queued entry is
//          compared with what the held translations read: a change in a bit that alters a
//          translation marks them stale, takes them out of the fast front and emits `pte-write`;
//   use    a stale entry's next uses take the slow path, where a side-effect-free walk says what
//          the tables give now. A use whose result differs — another frame, or an access the
//          tables now refuse — emits `stale-tlb`, once per entry. A use the stale entry refuses is
//          a #PF that drops it (SDM 4.10.4.3: a less permissive stale entry costs a spurious
//          fault and a re-walk), and a use that gives what a walk gives is no violation.
//
// Bits that count (SDM 4.10.2.2 lists what a TLB entry caches; 4.10.4.3 what changing each means):
// the frame or next-table address, P, R/W, U/S, PS, XD (and any reserved bit above MAXPHYADDR,
// which makes the walk fault), and G in the leaf. A and D do not: the TLB caches neither value
// (SDM 4.10.2.2; clearing them only means the CPU may not set them again), and the PAT, PCD and
// PWT memory types are not modelled.
import type { Cpu } from "./cpu.js";
import type { EventEmitter, PteWriteFacts, StaleTlbFacts } from "./events.js";
import { ATTN_STOP } from "./ops/control.js";
import { PAGE_SHIFT, WATCH_TABLE } from "./mmu/phys.js";
import type { PhysMem } from "./mmu/phys.js";
import type { TlbEntry } from "./mmu/tlb-store.js";
import { PTE_G, PTE_HI_XD, PTE_P, PTE_PS, PTE_RW, PTE_US, walk, WalkResult } from "./mmu/walk.js";
import type { AccessKind } from "./mmu/walk.js";

const ENTRY_BYTES = 8;
const ADDR_LO = 0xfffff000;
/** A large page's leaf: bit 12 is PAT, not address. */
const LARGE_ADDR_LO = 0xffffe000;
/** Bits 51:32 (address and reserved-above-MAXPHYADDR) and XD. */
const HI_BITS = PTE_HI_XD | 0x000fffff;
const NON_LEAF_LO = PTE_P | PTE_RW | PTE_US | PTE_PS | ADDR_LO;
/** A `pte-write`'s PCID for a global entry (it matches every PCID): above every 12-bit PCID. */
export const GLOBAL_PCID = 0x1000;
/** How many affected TLB entries a `pte-write` lists (it counts them all). */
export const MAX_LISTED = 16;
/** Held dependencies checked for flushed entries once this many were added (and 2× the live). */
const MIN_COMPACT = 4096;

/** Names of the bits that changed, in the order `pte-write` lists them. */
const BIT_NAMES: readonly (readonly [string, number, number])[] = [
  ["P", PTE_P, 0],
  ["R/W", PTE_RW, 0],
  ["U/S", PTE_US, 0],
  ["PS", PTE_PS, 0],
  ["G", PTE_G, 0],
  ["XD", 0, PTE_HI_XD],
];

/** The write that made an entry stale. */
export interface StaleCause {
  cpu: number;
  icount: number;
  rip: number;
  /** Physical address of the paging-structure entry, its level (1 PML4E … 4 PTE), values. */
  entry: number;
  level: number;
  oldLo: number;
  oldHi: number;
  newLo: number;
  newHi: number;
}

/** What the audit keeps per TLB entry: the paging-structure entries its walk read. */
export class EntryAudit {
  stale: StaleCause | undefined = undefined;
  reported = false;
  constructor(
    readonly cpu: Cpu,
    readonly entry: TlbEntry,
    readonly levels: number,
    readonly addr: Float64Array,
    readonly lo: Int32Array,
    readonly hi: Int32Array,
  ) {}

  /** The bits of level `l`'s entry that a change of would alter this translation. */
  loMask(l: number): number {
    if (l < this.levels - 1) return NON_LEAF_LO;
    const large = (this.lo[l]! & PTE_PS) !== 0;
    return PTE_P | PTE_RW | PTE_US | PTE_PS | PTE_G | (large ? LARGE_ADDR_LO : ADDR_LO);
  }
}

export class TlbAudit {
  /** The CPU running now (the machine sets it per slice): stores are its. */
  writer: Cpu;
  private readonly deps = new Map<number, Set<EntryAudit>>();
  private added = 0;
  private compactAt = MIN_COMPACT;
  /** Entry addresses stored to by the current instruction, and who stored. */
  private readonly pending: number[] = [];
  private pendCpu = 0;
  private pendIcount = 0;
  private pendRip = 0;
  private readonly probe = new WalkResult();

  constructor(
    private readonly mem: PhysMem,
    private readonly cpus: readonly Cpu[],
    private readonly ev: EventEmitter,
  ) {
    this.writer = cpus[0]!;
    mem.onTableWrite = (pa, len) => this.tableWrite(pa, len);
  }

  // ---- fill ----------------------------------------------------------------------------------
  /** The walk `w` just filled `e` on CPU `c`: remember what it read and watch those pages. */
  filled(c: Cpu, e: TlbEntry, w: WalkResult): void {
    if (c.tlb.store === undefined) return; // `off`: nothing is cached, nothing goes stale
    const n = w.levels;
    const addr = new Float64Array(n);
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    for (let l = 0; l < n; l++) {
      const ea = w.entryAddr[l]!;
      addr[l] = ea;
      lo[l] = this.mem.read32(ea);
      hi[l] = this.mem.read32(ea + 4);
    }
    const a = (e.audit = new EntryAudit(c, e, n, addr, lo, hi));
    for (let l = 0; l < n; l++) this.depend(addr[l]!, a);
    if (++this.added >= this.compactAt) this.compact();
  }

  private depend(ea: number, a: EntryAudit): void {
    let set = this.deps.get(ea);
    if (set === undefined) this.deps.set(ea, (set = new Set()));
    set.add(a);
    const page = ea >>> PAGE_SHIFT;
    if ((this.mem.codePage[page]! & WATCH_TABLE) !== 0) return;
    this.mem.codePage[page]! |= WATCH_TABLE;
    for (const c of this.cpus) c.tlb.codePageAdded(page); // its fast write tags go
  }

  /** Forget the entries the TLBs no longer hold (flushed, evicted, replaced). */
  private compact(): void {
    let live = 0;
    for (const [ea, set] of this.deps) {
      for (const a of set) if (!a.cpu.tlb.holds(a.entry)) set.delete(a);
      if (set.size === 0) this.deps.delete(ea);
      live += set.size;
    }
    this.added = 0;
    this.compactAt = Math.max(MIN_COMPACT, 2 * live);
  }

  // ---- store ---------------------------------------------------------------------------------
  /** PhysMem: a store of `len` bytes at `pa` landed on a watched table page. */
  private tableWrite(pa: number, len: number): void {
    const first = pa - (pa % ENTRY_BYTES);
    for (let ea = first; ea < pa + len; ea += ENTRY_BYTES) {
      if (!this.deps.has(ea) || this.pending.includes(ea)) continue;
      if (this.pending.length === 0) {
        const c = this.writer;
        [this.pendCpu, this.pendIcount, this.pendRip] = [c.id, c.icount, c.rip];
      }
      this.pending.push(ea);
      this.writer.attention |= ATTN_STOP; // settle after this instruction, before the next
    }
  }

  /** Compare the entries stored to with what the held translations read (the machine calls it). */
  settle(): void {
    if (this.pending.length === 0) return;
    for (const ea of this.pending) this.compare(ea);
    this.pending.length = 0;
  }

  private compare(ea: number): void {
    const set = this.deps.get(ea);
    if (set === undefined) return;
    const newLo = this.mem.read32(ea);
    const newHi = this.mem.read32(ea + 4);
    const hit: EntryAudit[] = [];
    let cause: StaleCause | undefined;
    for (const a of set) {
      if (!a.cpu.tlb.holds(a.entry)) {
        set.delete(a);
        continue;
      }
      if (a.stale !== undefined) continue;
      for (let l = 0; l < a.levels; l++) {
        if (a.addr[l] !== ea) continue;
        const m = a.loMask(l);
        if (((a.lo[l]! ^ newLo) & m) === 0 && ((a.hi[l]! ^ newHi) & HI_BITS) === 0) continue;
        cause ??= { cpu: this.pendCpu, icount: this.pendIcount, rip: this.pendRip, entry: ea, level: l + 1, oldLo: a.lo[l]!, oldHi: a.hi[l]!, newLo, newHi }; // prettier-ignore
        a.stale = cause;
        a.cpu.tlb.dropFront(a.entry); // its uses now take the slow path, which checks them
        hit.push(a);
        break;
      }
    }
    if (cause !== undefined) this.ev.pteWrite(this.cpus[cause.cpu]!, pteFacts(cause, hit));
  }

  // ---- use -----------------------------------------------------------------------------------
  /**
   * CPU `c` is about to use the stale entry `e` (its cached rights allow the access): report it
   * when a walk now gives another result.
   */
  staleUse(c: Cpu, e: TlbEntry, lin: number, acc: AccessKind, user: boolean, implicit: boolean): void {
    const a = e.audit!;
    if (a.reported) return;
    const w = walk(this.mem, c.controls, lin, acc, user, implicit, this.probe);
    if (w.ok && w.frame === e.frame) return; // what the tables give now: no harm done
    a.reported = true;
    const f: StaleTlbFacts = { lin, acc, entry: e, cause: a.stale!, walk: w.ok ? w : undefined, fault: w.ok ? undefined : w.errorCode }; // prettier-ignore
    this.ev.staleTlb(c, f);
  } // prettier-ignore
}

function pteFacts(cause: StaleCause, hit: readonly EntryAudit[]): PteWriteFacts {
  const listed = hit.slice(0, MAX_LISTED);
  return {
    cause,
    changed: changedBits(cause),
    affected: hit.length,
    pages: listed.map((a) => a.entry.page),
    pcids: listed.map((a) => (a.entry.global ? GLOBAL_PCID : a.entry.pcid)),
    cpus: listed.map((a) => a.cpu.id),
  };
}

/** `P|R/W|address`-style names of the translation bits that changed. */
export function changedBits(c: StaleCause): string {
  const dLo = c.oldLo ^ c.newLo;
  const dHi = c.oldHi ^ c.newHi;
  const names = BIT_NAMES.filter(([, lo, hi]) => (dLo & lo) !== 0 || (dHi & hi) !== 0).map(([n]) => n); // prettier-ignore
  if ((dLo & ADDR_LO) !== 0 || (dHi & (HI_BITS & ~PTE_HI_XD)) !== 0) names.push("address");
  return names.length === 0 ? "-" : names.join("|");
}
