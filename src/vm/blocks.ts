// The decoded-instruction cache: straight-line blocks of prepared ops keyed by the PHYSICAL address
// of their first byte. A block ends after a control-flow or mode-changing instruction, at a page
// end, or after MAX_BLOCK ops. Each physical page holding decoded code is marked in PhysMem, so a
// write there drops that page's blocks (self-modifying and freshly loaded code stays coherent), and
// the TLB sends writes to such pages down its slow path so compiled stores never skip that check.
// A block that runs often gets a compiled function (./jit/compile.ts) dropped with it.
import { decode } from "../isa/decode.js";
import type { DecodedInsn, InsnForm } from "../isa/types.js";
import type { Cpu } from "./cpu.js";
import { handlerFor, privileged, udExec } from "./dispatch.js";
import type { Handler } from "./dispatch.js";
import { ATTN_SMC } from "./ops/control.js";
import { Op, prepareOp } from "./op.js";
import { PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, WATCH_CODE } from "./mmu/phys.js";
import type { PhysMem } from "./mmu/phys.js";
import { ACC_FETCH } from "./mmu/walk.js";
import type { BlockFn } from "./jit/compile.js";

export const MAX_BLOCK = 64;
/** Longest instruction: opcode word + 3 memory operands at most; 24 bytes is ample. */
const MAX_INSN_BYTES = 24;

export class Block {
  /** The compiled function, once built. */
  fn: BlockFn | undefined = undefined;
  /** Interpreted runs so far (compiled at the machine's threshold). */
  hits = 0;
  constructor(
    readonly pa: number,
    readonly ops: Op[],
  ) {}
}

/** Direct-mapped front of the block map (the Map lookup costs more than a block pass). */
const FRONT_BITS = 12;
const FRONT_MASK = (1 << FRONT_BITS) - 1;
function frontIndex(pa: number): number {
  return (pa ^ (pa >>> FRONT_BITS)) & FRONT_MASK;
}

const handlerCache = new Map<number, Handler>();
/** Privileged forms whose handler checks CPL itself, after an earlier #UD check (SDM vol. 2). */
const CHECKS_OWN_CPL = new Set(["sysret", "stac", "clac"]);

function handlerOf(form: InsnForm): Handler {
  let h = handlerCache.get(form.opcode);
  if (h === undefined) {
    h = handlerFor(form) ?? { exec: udExec, selfRip: true };
    if (form.privileged && !CHECKS_OWN_CPL.has(form.mnemonic)) h = privileged(h);
    handlerCache.set(form.opcode, h);
  }
  return h;
}

/** Whether a narrower immediate sign-extends to the operand size (SDM: imm32 → 64 etc.). */
function immSigned(form: InsnForm): boolean {
  return form.mnemonic !== "in" && form.mnemonic !== "out" && form.size > 8;
}

export function opFromInsn(insn: DecodedInsn): Op {
  const h = handlerOf(insn.form);
  return prepareOp(insn, h.exec, h.selfRip, immSigned(insn.form));
}

/** An op standing for undecodable bytes: raises #UD when executed. */
export function udOp(): Op {
  const op = new Op(
    {
      opcode: 0,
      name: "(bad)",
      mnemonic: "(bad)",
      size: 0,
      operands: [],
      flagsRead: 0,
      flagsWritten: 0,
      flagsUndefined: 0,
      privileged: false,
      prefixes: 0,
      flow: "trap",
      cond: -1,
    },
    udExec,
  );
  op.flow = true;
  return op;
}

export class BlockCache {
  private readonly map = new Map<number, Block>();
  private readonly byPage = new Map<number, number[]>();
  private readonly front = new Array<Block | undefined>(FRONT_MASK + 1).fill(undefined);
  private readonly scratch = new Uint8Array(MAX_INSN_BYTES);
  blocksBuilt = 0;
  /** Called when a physical page first holds decoded code (the machine tells every CPU's TLB). */
  onCodePage: (page: number) => void;

  constructor(
    private readonly mem: PhysMem,
    private readonly cpu: Cpu,
  ) {
    mem.onCodeWrite = (page) => this.dropPage(page);
    this.onCodePage = (page) => cpu.tlb.codePageAdded(page);
  }

  get(pa: number): Block | undefined {
    return this.map.get(pa);
  }

  /** The block at physical `pa`, decoded now if needed (the CPU's RIP must point at it). */
  lookup(pa: number): Block {
    const i = frontIndex(pa);
    const hit = this.front[i];
    if (hit !== undefined && hit.pa === pa) return hit;
    const b = this.map.get(pa) ?? this.build(pa);
    if (b.pa >= 0) this.front[i] = b;
    return b;
  }

  /** Decode a block at the current RIP whose first byte is at physical `pa`. */
  build(pa: number): Block {
    const c = this.cpu;
    const ops: Op[] = [];
    let at = pa;
    let lin = c.rip;
    while (ops.length < MAX_BLOCK) {
      const inPage = PAGE_SIZE - (at & PAGE_MASK);
      let insn: DecodedInsn | undefined;
      if (inPage >= MAX_INSN_BYTES) insn = decode(this.mem.u8, at);
      else {
        insn = decode(this.mem.u8.subarray(at, at + inPage), 0);
        if (insn === undefined && ops.length === 0) insn = this.decodeAcrossPages(lin, inPage);
        if (insn === undefined && ops.length > 0) break;
        if (insn !== undefined && insn.length > inPage) {
          // An instruction that crosses a page: decode it alone, uncached.
          return new Block(-1, [opFromInsn(insn)]);
        }
      }
      const op = insn === undefined ? udOp() : opFromInsn(insn);
      ops.push(op);
      at += op.len;
      lin += op.len;
      if (op.flow || op.form.flow !== "none" || (at & PAGE_MASK) === 0 || op.len === 0) break;
    }
    const block = new Block(pa, ops);
    if (
      ops.length > 0 &&
      ops[ops.length - 1]!.len > 0 &&
      (at - 1) >>> PAGE_SHIFT !== pa >>> PAGE_SHIFT
    )
      return new Block(-1, ops);
    this.map.set(pa, block);
    const page = pa >>> PAGE_SHIFT;
    let list = this.byPage.get(page);
    if (list === undefined) this.byPage.set(page, (list = []));
    list.push(pa);
    if ((this.mem.codePage[page]! & WATCH_CODE) === 0) {
      this.mem.codePage[page]! |= WATCH_CODE;
      this.onCodePage(page);
    }
    this.blocksBuilt++;
    return block;
  }

  /** Fetch an instruction that starts near a page end through both pages' translations. */
  private decodeAcrossPages(lin: number, inPage: number): DecodedInsn | undefined {
    const c = this.cpu;
    for (let i = 0; i < MAX_INSN_BYTES; i++) {
      if (i >= inPage) {
        try {
          this.scratch[i] = this.mem.read8(c.translate(lin + i, ACC_FETCH));
        } catch {
          this.scratch.fill(0, i);
          // The second page is not fetchable: decode what we have; if it needs more bytes,
          // fetch again so the #PF is raised for the second page (SDM: fetch fault on that page).
          const partial = decode(this.scratch.subarray(0, i), 0);
          if (partial === undefined) c.translate(lin + i, ACC_FETCH);
          return partial;
        }
      } else this.scratch[i] = this.mem.read8(c.translate(lin, ACC_FETCH) + i);
    }
    return decode(this.scratch, 0);
  }

  dropPage(page: number): void {
    const list = this.byPage.get(page);
    if (list !== undefined) {
      for (const pa of list) {
        this.map.delete(pa);
        const i = frontIndex(pa);
        if (this.front[i]?.pa === pa) this.front[i] = undefined;
      }
    }
    this.byPage.delete(page);
    this.mem.codePage[page]! &= ~WATCH_CODE;
    this.cpu.attention |= ATTN_SMC;
  }

  clear(): void {
    for (const page of this.byPage.keys()) this.mem.codePage[page]! &= ~WATCH_CODE;
    this.map.clear();
    this.byPage.clear();
    this.front.fill(undefined);
  }
}
