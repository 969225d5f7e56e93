// The fixup a recipe (./insn-recipe.ts) makes for a name in an instruction field, as one object,
// and for a name plus or minus a number (`%gs:cpu_number+8`). ./insn.ts makes a fixup, its
// expression, the expression's span and the Loc; a recipe fixup holds their numbers and makes
// the expression and the Loc when read (./layout.ts).
import type { ExpansionChain, Loc } from "../diag/index.js";
import type { Expr } from "./ast.js";
import type { Fixup } from "./sections.js";
import { FileLine, type SourceLine } from "./source-line.js";

/**
 * The fixup of a name in a recipe's field: what ./insn.ts makes as four objects (the fixup, its
 * `sym` expression, the expression's span and the Loc) in one. Every such fixup lives until
 * layout, and each young-generation GC copied all four objects of every one made since the last;
 * the expression and the Loc are made when read (layout reads `expr` once, `loc` only to report).
 */
export class NameFixup implements Fixup {
  /** The Loc's numbers for a line read straight from a file, else the Loc itself in `other`. */
  private file = 0;
  private locStart = 0;
  private locEnd = 0;
  private chain: ExpansionChain | undefined;
  private other: Loc | undefined;

  constructor(
    readonly frag: number,
    readonly off: number,
    readonly width: Fixup["width"],
    readonly role: Fixup["role"],
    readonly signed: boolean,
    readonly end: number,
    readonly pcrel: boolean,
    protected readonly name: string,
    /** The expression's span in its statement (the Loc's too). */
    protected readonly spanStart: number,
    protected readonly spanEnd: number,
  ) {}

  /** Place the name in `line`, whose statement starts at column `base`. */
  locate(line: SourceLine, base: number): void {
    if (!(line instanceof FileLine)) {
      this.other = line.spanLoc(base + this.spanStart, base + this.spanEnd);
      return;
    }
    // As FileLine.spanLoc clamps.
    const n = line.text.length;
    const c = Math.min(base + this.spanStart, n);
    this.file = line.file;
    this.locStart = line.offset + c;
    this.locEnd = line.offset + Math.max(c, Math.min(base + this.spanEnd, n));
    this.chain = line.chain;
  }

  get expr(): Expr {
    return { kind: "sym", name: this.name, span: { start: this.spanStart, end: this.spanEnd } };
  }

  get loc(): Loc {
    return this.other ?? { file: this.file, start: this.locStart, end: this.locEnd, chain: this.chain }; // prettier-ignore
  }
}

/**
 * The fixup of `name+N` or `name-N` in a recipe's field: the expression ./insn.ts binds for it is
 * the parsed one (no equate in it), a `binary` of the name and the literal.
 */
export class OffsetFixup extends NameFixup {
  constructor(
    frag: number,
    off: number,
    width: Fixup["width"],
    role: Fixup["role"],
    signed: boolean,
    end: number,
    pcrel: boolean,
    name: string,
    spanStart: number,
    spanEnd: number,
    private readonly nameEnd: number,
    private readonly op: "+" | "-",
    private readonly addend: number,
    private readonly addendStart: number,
  ) {
    super(frag, off, width, role, signed, end, pcrel, name, spanStart, spanEnd);
  }

  override get expr(): Expr {
    const left: Expr = { kind: "sym", name: this.name, span: { start: this.spanStart, end: this.nameEnd } }; // prettier-ignore
    const right: Expr = { kind: "num", value: BigInt(this.addend), span: { start: this.addendStart, end: this.spanEnd } }; // prettier-ignore
    return { kind: "binary", op: this.op, left, right, span: { start: this.spanStart, end: this.spanEnd } }; // prettier-ignore
  }
}
