// The block compiler: a straight-line block of prepared ops (../blocks.ts) becomes one JS function
// built with `new Function` (works in browsers too). Common instructions are inlined (./emit-ops.ts),
// every other one calls its interpreter handler, so the interpreter stays the reference.
//
// Exactness, the contract with the interpreter (test/unit/vm/jit-diff.test.ts checks it):
// - Guest registers the block uses and the lazy-flag record are JS locals: loaded on entry, stored
//   back on every exit, in the catch clause and around each interpreter-handler call (which
//   reloads them after).
// - Before each instruction that can fault the function sets `k` to its index; the catch clause
//   stores the registers and restores RIP of that instruction and the instruction count, and inline
//   code does every check that can fault before its first architectural write. Interpreter
//   handlers get registers, RIP and the count before the call and keep whatever state they leave
//   (k = −1).
// - A store whose slow path may hit decoded code, and every handler call, is followed by a check
//   of the attention word; the block is left right after that instruction, as the interpreter
//   does. The end of each pass checks the word once.
// - The lazy-flag record is kept in locals like the registers, so a record nobody can observe
//   (overwritten before any exit, fault or read) is dropped by the JS compiler.
// - A block whose last branch targets its own start loops inside the function while the budget
//   allows a whole pass, the attention word is clear and the fetch translation of its page still
//   hits the same frame — exactly when the run loop would pick this block again.
import type { Cpu } from "../cpu.js";
import { getCF, PARITY, testCond } from "../flags.js";
import { PAGE_MASK } from "../mmu/phys.js";
import { TLB_INDEX_MASK } from "../mmu/tlb.js";
import { OK_REL } from "../op.js";
import type { Op } from "../op.js";
import { BlockEmitter, FLUSH, RELOAD } from "./emit.js";
import { inlineFor } from "./emit-ops.js";
import { jitProbe, jitRead, jitWrite } from "./runtime.js";

/**
 * A compiled block: runs passes over the block while `limit` (an absolute instruction count)
 * allows a whole pass; leaves RIP and the count in the CPU. Returns the number of passes that
 * completed without the attention word set (the run loop's "a block completed").
 */
export type BlockFn = (limit: number) => number;

type Factory = (
  c: Cpu,
  ops: readonly Op[],
  rd: typeof jitRead,
  wr: typeof jitWrite,
  pr: typeof jitProbe,
  tc: typeof testCond,
  cf: typeof getCF,
  par: Uint8Array,
) => BlockFn;

/** Factories by source text: identical blocks (in other machines too) share one compilation. */
const factories = new Map<string, Factory>();
const MAX_FACTORIES = 4096;

/** Compile a block (its ops in order, all on one page). */
export function compileBlock(c: Cpu, ops: readonly Op[]): BlockFn {
  const src = blockSource(ops);
  let make = factories.get(src);
  if (make === undefined) {
    if (factories.size >= MAX_FACTORIES) factories.clear();
    make = new Function("c", "O", "RD", "WR", "PR", "TC", "CF", "PAR", src) as Factory;
    factories.set(src, make);
  }
  return make(c, ops, jitRead, jitWrite, jitProbe, testCond, getCF, PARITY);
}

export function blockSource(ops: readonly Op[]): string {
  const n = ops.length;
  const offsets: number[] = [0];
  for (const op of ops) offsets.push(offsets[offsets.length - 1]! + op.len);
  const inl = ops.map(inlineFor);
  const e = new BlockEmitter(ops, offsets);
  const fallbacks: string[] = [];
  let selfLoop = false;
  for (let j = 0; j < n; j++) {
    const op = ops[j]!;
    const info = inl[j];
    const last = j === n - 1;
    e.idx = j;
    e.stored = false;
    if (info !== undefined) {
      if (info.faults) e.emit(`k = ${j};`);
      info.emit(e);
      if (!last && e.stored) e.emit(`if (c.attention !== 0) ${e.exitAfter()}`);
      if (last && info.flow) selfLoop = isSelfLoop(op, offsets[j]!);
      if (last && !info.flow) e.emit(`const nx = ${e.nextRipExpr()};`);
      continue;
    }
    fallbacks.push(`const O${j} = O[${j}];`);
    e.emit(`${FLUSH} k = -1; c.rip = ${e.ripExpr()}; c.icount = ic + ${j};`);
    e.emit(`O${j}.exec(c, O${j});`);
    e.emit(RELOAD);
    e.writer = undefined;
    if (op.flow) {
      e.emit(`const nx = c.rip;`);
      continue;
    }
    if (!last) e.emit(`if (c.attention !== 0) ${e.exitAfter()}`);
    else e.emit(`const nx = ${e.nextRipExpr()};`);
    e.emit(`RK = c.rkey; WK = c.wkey;`); // STAC/CLAC change the access class
  }
  const body = e.code();
  const flush = e.storeState();
  return [
    `"use strict";`,
    `const OFF = [${offsets.join(", ")}];`,
    ...fallbacks,
    `return function block(limit) {`,
    `const rlo = c.rlo, rhi = c.rhi, F = c.lf, FR = c.tlb.frame, dv = c.mem.dv;`,
    `const rip0 = c.rip, pcid = c.pcid;`,
    `let RK = c.rkey, WK = c.wkey;`,
    `let ic = c.icount, k = -1, done = 0;`,
    e.loadState(true),
    selfLoop ? fetchTag() : "",
    `try {`,
    `for (;;) {`,
    body,
    `ic += ${n};`,
    `if (c.attention !== 0) { ${flush} c.rip = nx; c.icount = ic; return done; }`,
    `done++;`,
    selfLoop
      ? `if (nx === rip0 && ic + ${n} <= limit && c.xkey[fx] === fkey && FR[fx] === ffr) continue;`
      : "",
    `${flush} c.rip = nx; c.icount = ic; return done;`,
    `}`,
    `} catch (err) {`,
    `if (k >= 0) { ${flush} c.rip = rip0 + OFF[k]; c.icount = ic + k; }`,
    `throw err;`,
    `}`,
    `};`,
  ].join("\n");
}

/** The fetch translation of the block's page as the run loop would find it. */
function fetchTag(): string {
  return (
    `const fx = (rip0 >>> 12) & ${TLB_INDEX_MASK}, fkey = rip0 - (rip0 & ${PAGE_MASK}) + pcid,` +
    ` ffr = FR[fx];`
  );
}

/** A branch (jcc or jmp rel32) back to the block's own first instruction. */
function isSelfLoop(op: Op, offset: number): boolean {
  const f = op.form;
  if (f.flow !== "jcc" && !(f.mnemonic === "jmp" && op.kind[0] === OK_REL)) return false;
  return offset + op.len + op.rel === 0;
}
