// The statement processor: receives statement text from the reader (./reader.ts), parses it
// (cached by text), and acts on labels, assignments, directives (./directives.ts) and
// instructions (./insn.ts), writing bytes and fixups into sections (./sections.ts). After the
// last line, ./layout.ts sizes variable parts and resolves fixups and ./emit.ts builds the object.
import type { DiagnosticBag, ExpansionChain, Loc } from "../diag/index.js";
import { ASM } from "../diag/codes/asm.js";
import type { EvalError, Expr, ParsedLine, Span, Statement } from "./ast.js";
import { CODES } from "../diag/index.js";
import { parseLine } from "./parse-line.js";
import { LineParseCache, RAW_LINE, SCANNED, isLabelOnly, leadingLabel, parseLineFast } from "./line-template.js"; // prettier-ignore
import { AsmSection, MAX_SECTION_SIZE, type Fixup, type ListingEntry } from "./sections.js";
import { SymbolTable, displayName } from "./symbols.js";
import { Binder, Evaluator, type Place } from "./eval.js";
import type { ReaderSink } from "./reader.js";
import { FileLine, type SourceLine } from "./source-line.js";
import type { SectionType } from "../obj/index.js";
import { directive } from "./directives.js";
import { instruction } from "./insn.js";
import { InsnRecipes } from "./insn-recipe.js";
import { dataDirectiveLine, layoutDirectiveLine, symbolDirectiveLine } from "./directive-lines.js"; // prettier-ignore
import type { InsnForm, Layout } from "../isa/index.js";

/** One statement being processed: its line and the column its text starts at. */
export interface StmtCtx {
  line: SourceLine;
  base: number;
}

/**
 * Line-table entries of one section before layout: per entry a buffer position (fragment,
 * offset) and where its source starts (file, offset), packed four numbers each, and its
 * expansion chain. Packed because every instruction and data directive has one: a pair of
 * objects each would be most of what survives a young-generation GC.
 */
export class PendingLines {
  /**
   * frag, off, file, start per entry (all below 2^31: section sizes are capped by
   * MAX_SECTION_SIZE, offsets by a string's length). A typed array doubled as it fills: a
   * number[] grown by push() takes twice the bytes and is copied at every 1.5x growth.
   */
  nums = new Int32Array(PENDING_LINES_INITIAL * PENDING_LINE_NUMS);
  readonly chains: (ExpansionChain | undefined)[] = [];

  get length(): number {
    return this.chains.length;
  }

  push(frag: number, off: number, loc: Loc): void {
    this.pushAt(frag, off, loc.file, loc.start, loc.chain);
  }

  pushAt(
    frag: number,
    off: number,
    file: number,
    start: number,
    chain: ExpansionChain | undefined,
  ): void {
    // prettier-ignore
    let k = this.chains.length * PENDING_LINE_NUMS;
    if (k + PENDING_LINE_NUMS > this.nums.length) {
      const grown = new Int32Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    const n = this.nums;
    n[k++] = frag;
    n[k++] = off;
    n[k++] = file;
    n[k] = start;
    this.chains.push(chain);
  }
}

/** Numbers per pending line-table entry, and the entries a section's table starts with. */
const PENDING_LINE_NUMS = 4;
const PENDING_LINES_INITIAL = 256;

/** How deep an equate's expression may nest (each `x = x + 1` on an undefined x adds a level). */
const MAX_EQU_NESTING = 256;

/** The constant `e` adds: n for `n`, ±n for `X ± n`; undefined otherwise. */
function addendOf(e: Expr): bigint | undefined {
  if (e.kind === "num") return e.value;
  if (e.kind !== "binary" || e.right.kind !== "num") return undefined;
  if (e.op === "+") return e.right.value;
  if (e.op === "-") return -e.right.value;
  return undefined;
}

/**
 * `(X + a) + b` as `X + (a + b)` (and with `-`): re-assigning `x = x + 1` while x's value is not
 * yet known (a forward label, say) then keeps one level instead of nesting one per assignment.
 * Two's-complement wrap-around is the evaluator's too, so the value is the same.
 */
function foldAddend(e: Expr): Expr {
  if (e.kind !== "binary" || (e.op !== "+" && e.op !== "-") || e.right.kind !== "num") return e;
  const inner = e.left;
  if (inner.kind !== "binary" || inner.right.kind !== "num") return e;
  const a = addendOf(inner);
  if (a === undefined) return e;
  const sum = BigInt.asIntN(64, a + (e.op === "+" ? e.right.value : -e.right.value));
  return { ...inner, op: "+", right: { kind: "num", value: sum, span: e.right.span } };
}

/** Whether `e` refers to the symbol `name`. */
function mentions(e: Expr, name: string): boolean {
  switch (e.kind) {
    case "sym":
      return e.name === name;
    case "unary":
      return mentions(e.arg, name);
    case "binary":
      return mentions(e.left, name) || mentions(e.right, name);
    default:
      return false;
  }
}

/** Whether `e` nests more than `limit` levels (stops descending once it knows). */
function exprDeeperThan(e: Expr, limit: number): boolean {
  if (limit < 0) return true;
  switch (e.kind) {
    case "unary":
      return exprDeeperThan(e.arg, limit - 1);
    case "binary":
      return exprDeeperThan(e.left, limit - 1) || exprDeeperThan(e.right, limit - 1);
    default:
      return false;
  }
}

export class Assembler implements ReaderSink {
  readonly symbols = new SymbolTable();
  readonly binder = new Binder(this.symbols);
  readonly evaluator: Evaluator;
  readonly sections: AsmSection[] = [];
  private readonly byName = new Map<string, AsmSection>();
  sec!: AsmSection;
  /** `.previous` target. */
  prev: AsmSection | undefined;
  readonly stack: { sec: AsmSection; prev: AsmSection | undefined }[] = [];
  readonly lines = new Map<AsmSection, PendingLines>();
  readonly listing: { sec: AsmSection; entry: ListingEntry }[] | undefined;
  /** The first `.file "name"`: the compilation unit its STT_FILE symbol names (./emit.ts). */
  unitName: string | undefined;
  /** A lone `lock`/`rep` statement waiting for its instruction. */
  pendingPrefix: { name: string; loc: Loc } | undefined;
  readonly parses = new LineParseCache();
  /** Encodings reused by instruction lines of one skeleton (none when listing or asked). */
  readonly recipes: InsnRecipes | undefined;
  /** Where ./insn.ts last encoded an instruction: its layout, operand map and offset. */
  lastForm: InsnForm | undefined;
  lastLayout: Layout | undefined;
  lastArgs: readonly number[] | undefined;
  lastAt = -1;
  /**
   * The statement being processed: its kept parse entry (-1 for a one-off line) and index, under
   * which ./insn.ts keeps the bytes of repeated symbol-free instructions (`parses.keepBytes`).
   */
  stmtKept = -1;
  stmtIndex = 0;
  private readonly warned = new Set<string>();
  /** The statement whose evaluator warnings `ctxWarnSink` reports (one closure, not one per line). */
  private warnCtx: StmtCtx | undefined;
  private readonly ctxWarnSink = (code: string, message: string, span: Span): void =>
    this.warnOnce(code, this.loc(this.warnCtx!, span), message);

  constructor(
    readonly diags: DiagnosticBag,
    listing: boolean,
    recipes = true,
  ) {
    this.evaluator = new Evaluator(this.symbols, this.binder, () => this.here());
    this.listing = listing ? [] : undefined;
    this.recipes = listing || !recipes ? undefined : new InsnRecipes();
    // gas always creates these three, in this order.
    this.section(".text", "progbits", { exec: true });
    this.section(".data", "progbits", { write: true });
    this.section(".bss", "nobits", { write: true });
    this.sec = this.sections[0]!;
  }

  /** The section named `name`, created with the given attributes if new. */
  section(
    name: string,
    type: SectionType,
    flags: { write?: boolean; exec?: boolean; alloc?: boolean },
  ): AsmSection {
    let s = this.byName.get(name);
    if (!s) {
      s = new AsmSection(this.sections.length, name, type);
      s.write = flags.write ?? false;
      s.exec = flags.exec ?? false;
      s.alloc = flags.alloc ?? true;
      this.sections.push(s);
      this.byName.set(name, s);
      this.lines.set(s, new PendingLines());
    }
    return s;
  }

  /** The section named `name` if it exists. */
  existingSection(name: string): AsmSection | undefined {
    return this.byName.get(name);
  }

  switchTo(s: AsmSection): void {
    if (s !== this.sec) this.prev = this.sec;
    this.sec = s;
  }

  here(): Place {
    return { sec: this.sec, frag: this.sec.frag, off: this.sec.size };
  }

  // ---- ReaderSink ---------------------------------------------------------------------------

  statements(line: SourceLine, start: number, end: number): void {
    const text = start === 0 && end === line.text.length ? line.text : line.text.slice(start, end);
    const recipes = this.pendingPrefix === undefined ? this.recipes : undefined;
    let parsed = this.parses.lookup(text);
    if (parsed === RAW_LINE) {
      if (recipes !== undefined) return this.rawLine(line, start);
      this.parses.lastKept = -1; // a prefix is pending: the statement is needed, not the bytes
      parsed = parseLineFast(text);
    } else if (parsed === undefined) {
      if (recipes !== undefined && isLabelOnly(text)) return this.labelLine(line, start, text);
      if (recipes !== undefined && symbolDirectiveLine(this, line, start, text)) return;
      if (recipes !== undefined && dataDirectiveLine(this, line, start, text)) return;
      if (recipes !== undefined && layoutDirectiveLine(this, line, start, text)) return;
      if (recipes !== undefined && this.recipeLine(recipes, line, start, text)) return;
      if (recipes !== undefined && this.labelledLine(recipes, line, start, end, text)) return;
      parsed = this.parses.parseNew(text);
    }
    this.parsedLine(line, start, end, text, parsed, recipes);
  }

  /** Act on the statements `parsed` of `text` (= line.text[start, end)). */
  private parsedLine(
    line: SourceLine,
    start: number,
    end: number,
    text: string,
    parsed: ParsedLine,
    recipes: InsnRecipes | undefined,
  ): void {
    const kept = this.parses.lastKept;
    const ctx: StmtCtx = { line, base: start };
    if (parsed.errors.length > 0)
      for (const e of parsed.errors) this.diags.error(e.code, this.loc(ctx, e.span), e.message);
    const sec = this.sec;
    const frag = sec.frag;
    const off = sec.size;
    this.warnCtx = ctx;
    this.evaluator.warnSink = this.ctxWarnSink;
    const sts = parsed.statements;
    const fixups = sec.fixups.length;
    const diags = this.diags.items.length;
    this.lastAt = -1;
    for (let i = 0; i < sts.length; i++) {
      this.stmtKept = kept;
      this.stmtIndex = i;
      this.statement(ctx, sts[i]!);
    }
    this.evaluator.warnSink = undefined;
    const st = sts[0];
    if (
      recipes !== undefined &&
      sts.length === 1 &&
      st!.kind === "insn" &&
      this.sec === sec &&
      sec.frag === frag &&
      sec.size > off &&
      this.diags.items.length === diags &&
      this.pendingPrefix === undefined
    ) {
      recipes.learn(this, text, st!, off, fixups);
    }
    if (this.listing) {
      const length = sec.frag === frag ? sec.size - off : sec.fragStart[frag + 1]! - off;
      this.listing.push({
        sec,
        entry: { frag, off, length, text: text.trim(), loc: line.spanLoc(start, end) },
      });
    }
  }

  /** A line kept as bytes (LineParseCache.keepRaw): its line entry and bytes. */
  private rawLine(line: SourceLine, start: number): void {
    const p = this.parses;
    const k = p.lastKept;
    this.lineEntryAt(line, start + p.rawSpanStart(k), start + p.rawSpanEnd(k));
    const sec = this.sec;
    const at = sec.reserve(p.rawLength(k)); // may replace sec.data
    p.copyRaw(k, sec.data, at);
  }

  /** A line that is one label (`isLabelOnly`, just scanned): defined without a parse. */
  private labelLine(line: SourceLine, start: number, text: string): void {
    const name = text.slice(SCANNED.starts[0], SCANNED.ends[0]);
    if (this.defineLabel(name)) return;
    const span = { start: SCANNED.starts[0]!, end: SCANNED.ends[1]! };
    this.labelRedefined({ line, base: start }, name, span);
  }

  /** The line from an instruction recipe, kept as bytes if seen before; false if none applies. */
  private recipeLine(recipes: InsnRecipes, line: SourceLine, start: number, text: string): boolean {
    if (!recipes.prepare(this, text)) return false;
    this.commitRecipe(recipes, line, start, text);
    return true;
  }

  /** Emit the recipe `prepare` found for `text`, kept as bytes if seen before. */
  private commitRecipe(recipes: InsnRecipes, line: SourceLine, start: number, text: string): void {
    const sec = this.sec;
    const at = sec.size;
    const fixups = sec.fixups.length;
    recipes.commit(this, line, start);
    // Bytes alone stand for the line only when it made no fixup (a name makes one each time).
    if (this.parses.wantsKeep && sec.fixups.length === fixups) {
      this.parses.keepRaw(text, sec.data, at, sec.size, recipes.spanStart, recipes.spanEnd);
    }
  }

  /**
   * A label and an instruction (`1: cmpq %r10, (%rax)`): the label is defined, then the
   * instruction is handled as a line of its own (kept bytes, a recipe, or its own parse, from
   * which a recipe can be learned), as the parse of the whole line would do. The instruction is
   * checked first: one that does not parse alone as one instruction without errors returns false
   * (nothing done) and the caller parses the whole line, whose error drops the label too. A
   * numeric label is not split from a recipe that reads numeric labels before it is defined
   * (`1: jmp 1b` refers to this very label): that instruction takes its parse after the label.
   */
  private labelledLine(
    recipes: InsnRecipes,
    line: SourceLine,
    start: number,
    end: number,
    text: string,
  ): boolean {
    if (leadingLabel(text) === 0) return false;
    const nameStart = SCANNED.starts[0]!;
    const nameEnd = SCANNED.ends[0]!;
    const labelSpan = { start: nameStart, end: SCANNED.ends[1]! };
    const restAt = SCANNED.starts[2]!;
    const rest = text.slice(restAt);
    const name = text.slice(nameStart, nameEnd);
    const p = this.parses;
    const kept = p.lookup(rest);
    if (kept === RAW_LINE) {
      this.label({ line, base: start }, name, labelSpan);
      this.rawLine(line, start + restAt);
      return true;
    }
    if (kept === undefined && recipes.prepare(this, rest)) {
      if (!(recipes.preparedUsesLocals && isDigits(name))) {
        this.label({ line, base: start }, name, labelSpan);
        this.commitRecipe(recipes, line, start + restAt, rest);
        return true;
      }
    }
    const parsed = kept ?? p.parseNew(rest);
    const st = parsed.statements[0];
    if (parsed.errors.length > 0 || parsed.statements.length !== 1 || st!.kind !== "insn") {
      p.lookup(text); // the whole line is parsed next: its lookup state, not the rest's
      return false;
    }
    this.label({ line, base: start }, name, labelSpan);
    this.parsedLine(line, start + restAt, end, rest, parsed, recipes);
    return true;
  }

  directiveValue(line: SourceLine, start: number, end: number): bigint | undefined {
    const ctx: StmtCtx = { line, base: start };
    this.evaluator.warnSink = (code, message, span) => this.warnOnce(code, this.loc(ctx, span), message); // prettier-ignore
    const v = this.directiveValueOf(ctx, line.text.slice(start, end));
    this.evaluator.warnSink = undefined;
    return v;
  }

  /** A warning reported once per source position (expressions may be evaluated twice). */
  warnOnce(code: string, loc: Loc, message: string): void {
    const key = `${code}|${loc.file}|${loc.start}|${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.diags.warning(code, loc, message);
  }

  private directiveValueOf(ctx: StmtCtx, text: string): bigint | undefined {
    const line = ctx.line;
    const start = ctx.base;
    const end = start + text.length;
    const parsed = parseLine(text);
    const st = parsed.statements[0];
    if (parsed.errors.length > 0 || !st || st.kind !== "directive") {
      const e = parsed.errors[0];
      if (e) this.diags.error(e.code, this.loc(ctx, e.span), e.message);
      else this.diags.error(ASM.BAD_ARGS, line.spanLoc(start, end), "expected an expression");
      return undefined;
    }
    const arg = st.args?.[0];
    if (!arg || arg.kind !== "expr") {
      this.diags.error(ASM.BAD_ARGS, this.loc(ctx, st.span), `${st.name} needs an expression`);
      return undefined;
    }
    return this.absolute(ctx, arg.expr, `${st.name}`);
  }

  isDefined(name: string): boolean {
    return this.symbols.get(name)?.def !== undefined;
  }

  // ---- statements ---------------------------------------------------------------------------

  loc(ctx: StmtCtx, span: Span): Loc {
    return ctx.line.spanLoc(ctx.base + span.start, ctx.base + span.end);
  }

  private statement(ctx: StmtCtx, st: Statement): void {
    switch (st.kind) {
      case "label":
        return this.label(ctx, st.name, st.span);
      case "assign":
        if (st.name === ".") return this.org(ctx, st.expr, 0, st.span);
        return this.assign(ctx, st.name, st.expr, st.span, false);
      case "directive":
        return directive(this, ctx, st);
      case "insn":
        return instruction(this, ctx, st);
    }
  }

  label(ctx: StmtCtx, name: string, span: Span): void {
    if (!this.defineLabel(name)) this.labelRedefined(ctx, name, span);
  }

  /** Define label `name` here; false (nothing changed) if it is already defined. */
  private defineLabel(name: string): boolean {
    const internal = isDigits(name) ? this.symbols.defineNumeric(name) : name;
    const sym = this.symbols.intern(internal);
    if (sym.def) return false;
    sym.def = { kind: "label", sec: this.sec, frag: this.sec.frag, off: this.sec.size };
    sym.fixed = true;
    return true;
  }

  private labelRedefined(ctx: StmtCtx, name: string, span: Span): void {
    this.diags.error(ASM.SYMBOL_REDEFINED, this.loc(ctx, span), `symbol '${name}' is already defined`); // prettier-ignore
  }

  /** `.set`/`.equ`/`=` (re-assignable) and `.equiv` (must be new). */
  assign(ctx: StmtCtx, name: string, expr: Expr, span: Span, equiv: boolean): void {
    const sym = this.symbols.intern(name);
    if (sym.def && (equiv || sym.fixed)) {
      const code = equiv ? ASM.EQUIV_DEFINED : ASM.SYMBOL_REDEFINED;
      this.diags.error(code, this.loc(ctx, span), `symbol '${name}' is already defined`);
      return;
    }
    const b = this.bind(ctx, expr);
    if (!b) return;
    const bound = foldAddend(b);
    // `i = i + 1` while `i` has no value yet defines `i` from itself: GNU as reports the loop.
    if (sym.def === undefined && mentions(bound, name)) {
      this.diags.error(ASM.EQU_TOO_DEEP, this.loc(ctx, span), `symbol definition loop: '${name}' is defined from itself before it has a value`); // prettier-ignore
      return;
    }
    // Re-assignments nest the old value into the new one (Binder inlines an equate's
    // expression): a long chain of them on a value not yet known would overflow the evaluator.
    if (exprDeeperThan(bound, MAX_EQU_NESTING)) {
      this.diags.error(ASM.EQU_TOO_DEEP, this.loc(ctx, span), `the value of '${name}' nests more than ${MAX_EQU_NESTING} levels of re-assignments of a value not yet known`); // prettier-ignore
      return;
    }
    const v = this.evaluator.run(bound);
    let constant: bigint | undefined;
    if (!("error" in v) && !v.add && !v.sub && this.evaluator.final) constant = v.addend;
    if (sym.def?.kind !== "equ") this.symbols.equates++;
    sym.def = { kind: "equ", expr: bound, constant };
    sym.fixed = equiv;
  }

  /** `. = expr` and `.org expr`: advance the location counter. */
  org(ctx: StmtCtx, expr: Expr, fill: number, span: Span): void {
    const bound = this.bind(ctx, expr);
    if (!bound) return;
    const loc = this.loc(ctx, span);
    const v = this.evaluator.run(bound);
    if ("error" in v) return this.exprError(ctx, v);
    const sec = this.sec;
    if (
      this.evaluator.final &&
      sec.exact &&
      (!v.add || (v.add.kind === "section" && v.add.section === sec.index)) &&
      !v.sub
    ) {
      const n = Number(v.addend) - sec.dot;
      if (n < 0) {
        this.diags.error(ASM.DOT_BACKWARDS, loc, `attempt to move .org backwards (by ${-n} bytes)`);
        return;
      }
      if (!sec.fill(n, new Uint8Array([fill]))) this.tooLarge(loc);
      return;
    }
    sec.closeFrag({ kind: "org", target: bound, fill, size: 0, loc });
  }

  /** Report that the current section would outgrow MAX_SECTION_SIZE. */
  tooLarge(loc: Loc, sec: AsmSection = this.sec): void {
    this.diags.error(
      ASM.SECTION_TOO_LARGE,
      loc,
      `section '${sec.name}' would exceed ${MAX_SECTION_SIZE} bytes, entrylab's limit`,
    );
  }

  /** Bind an expression at the current location; undefined after reporting a bad `Nb`. */
  bind(ctx: StmtCtx, e: Expr): Expr | undefined {
    if (e.kind === "num") return e;
    const b = this.binder.bind(e, () => this.here());
    const miss = this.binder.missingBackRef;
    if (miss) {
      this.binder.missingBackRef = undefined;
      this.diags.error(
        ASM.UNDEFINED_NUMERIC,
        this.loc(ctx, miss.span),
        `backward ref to unknown label "${miss.label}:"`,
      );
      return undefined;
    }
    return b;
  }

  /** A value that must be a known constant now (`.rept`, `.if`, `.align`...). */
  absolute(ctx: StmtCtx, e: Expr, what: string): bigint | undefined {
    if (e.kind === "num") return e.value;
    const bound = this.bind(ctx, e);
    if (!bound) return undefined;
    const v = this.evaluator.run(bound);
    if ("error" in v) {
      this.exprError(ctx, v);
      return undefined;
    }
    if (v.add || v.sub || !this.evaluator.final) {
      const why = this.evaluator.undefinedName
        ? ` ('${displayName(this.evaluator.undefinedName)}' is not defined yet)`
        : "";
      this.diags.error(
        ASM.NOT_CONSTANT,
        this.loc(ctx, e.span),
        `non-constant expression in ${what}${why}`,
      );
      return undefined;
    }
    return v.addend;
  }

  exprError(ctx: StmtCtx, err: EvalError): void {
    this.evalError(err, this.loc(ctx, err.span));
  }

  /** Report an evaluator error under its own code when registered (E2xxx), else E3039. */
  evalError(err: EvalError, loc: Loc): void {
    this.diags.error(err.code in CODES ? err.code : ASM.EXPR_ERROR, loc, err.error);
  }

  addFixup(f: Fixup): void {
    this.sec.fixups.push(f);
  }

  /** Record a line-table entry for the instruction or data at the current location. */
  lineEntry(loc: Loc): void {
    this.linesOf(this.sec).push(this.sec.frag, this.sec.size, loc);
  }

  /** The pending line-table entries of `sec` (remembered for the next entry, most likely there too). */
  private linesOf(sec: AsmSection): PendingLines {
    if (sec !== this.linesSec) {
      this.linesSec = sec;
      this.linesCur = this.lines.get(sec)!;
    }
    return this.linesCur!;
  }
  private linesSec: AsmSection | undefined;
  private linesCur: PendingLines | undefined;

  /**
   * The line-table entry of the statement at [start, end) of `line`: what `lineEntry(
   * line.spanLoc(start, end))` records, without the Loc object for a line read straight from a
   * file (most lines: the entry keeps only the file, the offset and the chain).
   */
  lineEntryAt(line: SourceLine, start: number, end: number): void {
    if (!(line instanceof FileLine)) return this.lineEntry(line.spanLoc(start, end));
    const col = Math.min(start, line.text.length); // as FileLine.spanLoc clamps
    this.linesOf(this.sec).pushAt(this.sec.frag, this.sec.size, line.file, line.offset + col, line.chain); // prettier-ignore
  }
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** True for a numeric local label name (`1:`): non-empty, ASCII digits only (no regex per label). */
function isDigits(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return false;
  }
  return true;
}
