// `.file N "name"` / `.loc N line col` (DWARF line directives, as gcc -S and the handler-C
// compiler emit them): in a .s file that has them, each line after a `.loc` is attributed to
// that line and column of the named source, so the object's line table — and every trace and
// diagnostic — shows the .c line instead of the .s line. A section directive ends the
// attribution (data is not part of the statement before it). Only used for files without cpp.
import type { Host, Loc, SourceFile, SourceManager } from "../diag/index.js";
import { fileLines, type SourceLine } from "./source-line.js";

const FILE_DIRECTIVE = /^\s*\.file\s+(\d+)\s+"((?:[^"\\]|\\.)*)"/;
const LOC_DIRECTIVE = /^\s*\.loc\s+(\d+)\s+(\d+)(?:\s+(\d+))?/;
const SECTION_DIRECTIVE = /^\s*\.(text|data|bss|rodata|section|pushsection|popsection|previous)\b/;

/** Does this assembly text carry `.loc` directives worth honouring? */
export function hasLocDirectives(text: string): boolean {
  return /^\s*\.loc\s+\d/m.test(text);
}

/** A line attributed to a position in another source file (whole line, one location). */
class LocLine implements SourceLine {
  constructor(
    readonly text: string,
    private readonly at: Loc,
  ) {}
  locAt(): Loc {
    return this.at;
  }
  spanLoc(): Loc {
    return this.at;
  }
}

/** The file's lines, those after a `.loc` attributed to the source it names. */
export function locLines(
  file: SourceFile,
  opts: { host: Host; sources: SourceManager },
): SourceLine[] {
  // prettier-ignore
  const files = new Map<number, SourceFile | undefined>();
  let current: Loc | undefined;
  const all = fileLines(file);
  return all.slice(0, all.length).map((line) => {
    const f = FILE_DIRECTIVE.exec(line.text);
    if (f) {
      files.set(Number(f[1]), sourceFor(f[2]!.replace(/\\(.)/g, "$1"), opts));
      return line;
    }
    const l = LOC_DIRECTIVE.exec(line.text);
    if (l) {
      const src = files.get(Number(l[1]));
      current = src && position(src, Number(l[2]), Number(l[3] ?? 1));
      return line;
    }
    if (SECTION_DIRECTIVE.test(line.text)) current = undefined;
    return current ? new LocLine(line.text, current) : line;
  });
}

/** The named source: already registered (compiled in this run), else read through the host. */
function sourceFor(
  name: string,
  opts: { host: Host; sources: SourceManager },
): SourceFile | undefined {
  // prettier-ignore
  const known = opts.sources.find(name);
  if (known) return known;
  const text = opts.host.readFile(name);
  return text === undefined ? undefined : opts.sources.add(name, text);
}

function position(src: SourceFile, line: number, col: number): Loc | undefined {
  if (line < 1 || line > src.lineCount) return undefined;
  const start = src.lineStart(line) + Math.max(col - 1, 0);
  return { file: src.id, start, end: start + 1 };
}
