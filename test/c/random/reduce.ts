// Shrinks a random program that shows a difference to a small one that still shows it, by
// greedy edits of its tree until none helps: delete a statement, replace an integer expression
// by 0 or by one of its operands (cast back to the expression's type), empty a loop to its body.
// Each edit keeps the program defined: guards print with their parent, declarations and labels
// are never deleted, lvalues are never replaced.
import { printProgram, type Expr, type Program, type Stmt } from "./ast.js";
import type { IntType } from "./types.js";

/** One candidate edit: apply it, and undo it if the difference went away. */
interface Edit {
  apply(): unknown;
  undo(): unknown;
}

function stmtLists(body: Stmt[], out: Stmt[][]): void {
  out.push(body);
  for (const s of body) {
    if (s.k === "if") {
      stmtLists(s.then, out);
      stmtLists(s.else, out);
    } else if (s.k === "for" || s.k === "while" || s.k === "do" || s.k === "block") {
      stmtLists(s.body, out);
    } else if (s.k === "switch") for (const c of s.cases) stmtLists(c.body, out);
  }
}

/** Slots holding an expression: the roots of each statement's expressions. */
function exprSlots(s: Stmt): { get: () => Expr; set: (e: Expr) => void }[] {
  switch (s.k) {
    case "decl":
      return s.init.map((_, i) => ({ get: () => s.init[i]!, set: (e) => (s.init[i] = e) }));
    case "assign":
      return [{ get: () => s.e, set: (e) => (s.e = e) }, ...kidSlots(s.lv)];
    case "expr":
    case "return":
      return [{ get: () => s.e, set: (e) => (s.e = e) }];
    case "if":
      return [{ get: () => s.c, set: (e) => (s.c = e) }];
    case "switch":
      return [{ get: () => s.e, set: (e) => (s.e = e) }];
    default:
      return [];
  }
}

function kidSlots(e: Expr): { get: () => Expr; set: (x: Expr) => void }[] {
  return e.kids.map((_, i) => ({ get: () => e.kids[i]!, set: (x) => (e.kids[i] = x) }));
}

/** Every replaceable expression slot below (and including) a slot. */
function walk(slot: { get: () => Expr; set: (e: Expr) => void }, out: (typeof slot)[]): void {
  const e = slot.get();
  // An lvalue (or a structure value) stays; a side effect's target is its first kid.
  const replaceable = e.k !== "lv" && e.k !== "guard" && !("tag" in e.t);
  if (replaceable) out.push(slot);
  const kids = kidSlots(e);
  for (const [i, k] of kids.entries()) if (!(e.k === "mut" && i === 0)) walk(k, out);
}

function exprEdits(prog: Program): Edit[] {
  const edits: Edit[] = [];
  const lists: Stmt[][] = [];
  for (const f of prog.funcs) stmtLists(f.body, lists);
  for (const list of lists)
    for (const s of list)
      for (const root of exprSlots(s)) {
        const slots: (typeof root)[] = [];
        walk(root, slots);
        for (const slot of slots) {
          const old = slot.get();
          const zero: Expr = { k: "lit", t: old.t, v: 0n, hex: false, kids: [] };
          if (!(old.k === "lit" && old.v === 0n)) edits.push({ apply: () => slot.set(zero), undo: () => slot.set(old) }); // prettier-ignore
          for (const kid of old.k === "mut" ? [] : old.kids) {
            if ("tag" in kid.t || kid.k === "guard") continue;
            const lifted: Expr = { k: "cast", t: old.t as IntType, kids: [kid] };
            edits.push({ apply: () => slot.set(lifted), undo: () => slot.set(old) });
          }
        }
      }
  return edits;
}

function stmtEdits(prog: Program): Edit[] {
  const edits: Edit[] = [];
  const lists: Stmt[][] = [];
  for (const f of prog.funcs) stmtLists(f.body, lists);
  const bodies = new Set(prog.funcs.map((f) => f.body));
  for (const list of lists)
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      // A function's own final return stays: falling off the end would make its value undefined.
      if (s.k === "decl" || s.k === "label" || (s.k === "return" && bodies.has(list))) continue;
      let at = -1;
      edits.push({
        apply: () => (at = list.indexOf(s)) >= 0 && list.splice(at, 1),
        undo: () => at >= 0 && list.splice(at, 0, s),
      });
      if (s.k === "if" || s.k === "for" || s.k === "while" || s.k === "do") {
        const inner = s.k === "if" ? s.then : s.body;
        let at2 = -1;
        edits.push({
          apply: () => (at2 = list.indexOf(s)) >= 0 && list.splice(at2, 1, ...inner),
          undo: () => at2 >= 0 && list.splice(at2, inner.length, s),
        });
      }
    }
  return edits;
}

/**
 * Shrink `prog` in place while `fails(text)` stays true; returns the final text. `limit` bounds
 * the number of trials (each one builds and runs the program twice).
 */
export function reduce(prog: Program, fails: (text: string) => boolean, limit = 2000): string {
  let trials = 0;
  for (let progress = true; progress && trials < limit;) {
    progress = false;
    for (const kind of [stmtEdits, exprEdits]) {
      // Edits are found afresh after each pass; one that fails to apply cleanly is skipped.
      for (const edit of kind(prog)) {
        if (trials >= limit) break;
        edit.apply();
        trials++;
        if (fails(printProgram(prog))) progress = true;
        else edit.undo();
      }
    }
  }
  return printProgram(prog);
}
