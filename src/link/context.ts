// The state every linker pass shares: the input objects (line tables sorted for lookups), the
// diagnostic bag, and how to name a place in an input — `a.o:(.text+0x4)`, and the source line the
// object's line table gives for it — in messages, the way ld does.
import type { Diagnostic, DiagnosticBag, Loc } from "../diag/index.js";
import { lineTableLookup, sortLines, type ObjectFile } from "../obj/index.js";

export type Notes = NonNullable<Diagnostic["notes"]>;

export class LinkContext {
  /** Set by the first error this link reports (the bag may hold errors of earlier stages). */
  failed = false;
  readonly objects: readonly ObjectFile[];

  constructor(
    readonly diags: DiagnosticBag,
    objects: readonly ObjectFile[],
  ) {
    this.objects = objects.map((o) => ({ ...o, lines: sortLines(o.lines) }));
  }

  error(code: string, message: string, loc?: Loc, notes?: Notes): void {
    this.failed = true;
    this.diags.error(code, loc, message, notes);
  }

  warning(code: string, message: string, loc?: Loc, notes?: Notes): void {
    this.diags.warning(code, loc, message, notes);
  }

  /** `a.o:(.text+0x4)`: an input object, section and offset, as ld prints them. */
  where(obj: number, section: number, offset: number | bigint): string {
    const o = this.objects[obj]!;
    const name = o.sections[section]?.name ?? `#${section}`;
    return `${o.name}:(${name}+0x${offset.toString(16)})`;
  }

  /**
   * The source position of an input offset, `entry.S:12:5`, from the object's line table (the
   * entry covering the offset), with its expansion chain as notes; undefined without one.
   */
  sourceLine(
    obj: number,
    section: number,
    offset: number,
  ): { pos: string; notes: Notes } | undefined {
    const e = lineTableLookup(this.objects[obj]!, section, offset);
    if (!e) return undefined;
    const notes = e.chain.map((site) => ({
      message: `${site.kind === "include" ? "included from" : `in expansion of ${site.kind} '${site.name}' at`} ${site.file}:${site.line}:${site.col}`,
    }));
    return { pos: `${e.file}:${e.line}:${e.col}`, notes };
  }

  /**
   * Report an error about a place in an input: `entry.S:12:5: MESSAGE (a.o:(.text+0x4))` when
   * the line table knows the place, else `a.o:(.text+0x4): MESSAGE`.
   */
  errorAt(code: string, obj: number, section: number, offset: number, message: string): void {
    const where = this.where(obj, section, offset);
    const src = this.sourceLine(obj, section, offset);
    if (src) this.error(code, `${src.pos}: ${message} (${where})`, undefined, src.notes);
    else this.error(code, `${where}: ${message}`);
  }

  /** Name a symbol definition for messages: `a.o (a.S:3:1)`, or `a.o:(.text+0x4)` without lines. */
  describeDefinition(obj: number, symbol: number): string {
    const o = this.objects[obj]!;
    const sym = o.symbols[symbol]!;
    if (typeof sym.section !== "number") return o.name;
    const src = this.sourceLine(obj, sym.section, Number(sym.value));
    return src ? `${o.name} (${src.pos})` : this.where(obj, sym.section, sym.value);
  }
}
