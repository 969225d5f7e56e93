// Source files and locations. Locations are byte offsets into a registered file; line and column
// are computed only when a diagnostic or a listing is rendered (esbuild's approach).

/** Where a piece of text came from through an #include, a cpp macro or a gas macro/.rept. */
export interface Expansion {
  kind: "include" | "cpp-macro" | "gas-macro" | "rept" | "irp";
  /** Macro or file name shown in the note. */
  name: string;
  /** The site of the include directive or macro invocation. */
  loc: Loc;
}

/** A half-open byte range [start, end) in one source file, plus how the text got there. */
export interface Loc {
  file: number;
  start: number;
  end: number;
  /** Innermost expansion first; undefined for text read straight from the file. */
  chain?: ExpansionChain;
}

/** A shared, immutable linked list of expansion sites: innermost first. */
export interface ExpansionChain {
  site: Expansion;
  parent?: ExpansionChain;
}

export class SourceFile {
  private lineStarts: number[] | undefined;
  constructor(
    readonly id: number,
    readonly name: string,
    readonly text: string,
  ) {}

  /** 1-based line and column of a byte offset. */
  lineCol(offset: number): { line: number; col: number } {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }

  /** The text of a 1-based line without its newline. */
  lineText(line: number): string {
    const starts = this.starts();
    const begin = starts[line - 1];
    if (begin === undefined) return "";
    let end = this.text.indexOf("\n", begin);
    if (end < 0) end = this.text.length;
    return this.text.slice(begin, end);
  }

  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts()[line - 1] ?? this.text.length;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf("\n"); i >= 0; i = t.indexOf("\n", i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

/** All source files of one run, by id. File 0 is a placeholder for "<command line>". */
export class SourceManager {
  private files: SourceFile[] = [new SourceFile(0, "<command line>", "")];

  add(name: string, text: string): SourceFile {
    const file = new SourceFile(this.files.length, name, text);
    this.files.push(file);
    return file;
  }

  get(id: number): SourceFile {
    const file = this.files[id];
    if (!file) throw new Error(`internal: no source file ${id}`);
    return file;
  }

  /** The most recently added file of that name, if any. */
  find(name: string): SourceFile | undefined {
    for (let i = this.files.length - 1; i > 0; i--)
      if (this.files[i]!.name === name) return this.files[i];
    return undefined;
  }

  /** Render a location as `file:line:col`. */
  format(loc: Loc): string {
    const file = this.get(loc.file);
    if (loc.file === 0) return file.name;
    const { line, col } = file.lineCol(loc.start);
    return `${file.name}:${line}:${col}`;
  }
}

/** A location with no file: options and other command-line input. */
export const COMMAND_LINE: Loc = { file: 0, start: 0, end: 0 };
