// Renders diagnostics the way compilers do:
//   file:line:col: error[E2001]: message
//      12 |         movq %rax, %rbx, %rcx
//         |                          ^~~~
//   note: in expansion of macro 'PUSH_REGS' at entry.S:40:9
import type { Diagnostic } from "./diagnostic.js";
import type { Loc, SourceManager } from "./source.js";

export function renderDiagnostic(d: Diagnostic, sources: SourceManager): string {
  const out: string[] = [];
  const where = d.loc && d.loc.file !== 0 ? `${sources.format(d.loc)}: ` : "entrylab: ";
  out.push(`${where}${d.severity}[${d.code}]: ${d.message}`);
  if (d.loc && d.loc.file !== 0) out.push(...snippet(d.loc, sources));
  for (let c = d.loc?.chain; c; c = c.parent) {
    const what =
      c.site.kind === "include" ? "included" : `in expansion of ${describe(c.site.kind)}`;
    const name = c.site.kind === "include" ? "" : ` '${c.site.name}'`;
    const prep = c.site.kind === "include" ? "from" : "at";
    out.push(`note: ${what}${name} ${prep} ${sources.format(c.site.loc)}`);
  }
  for (const n of d.notes ?? []) {
    out.push(n.loc ? `${sources.format(n.loc)}: note: ${n.message}` : `note: ${n.message}`);
  }
  return out.join("\n");
}

export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceManager): string {
  return ds.map((d) => renderDiagnostic(d, sources) + "\n").join("");
}

function describe(kind: string): string {
  switch (kind) {
    case "cpp-macro":
      return "cpp macro";
    case "gas-macro":
      return "macro";
    case "rept":
      return ".rept";
    default:
      return kind;
  }
}

function snippet(loc: Loc, sources: SourceManager): string[] {
  const file = sources.get(loc.file);
  const { line, col } = file.lineCol(loc.start);
  const text = file.lineText(line).replace(/\t/g, " ");
  const lineEnd = file.lineStart(line) + text.length;
  const width = Math.max(1, Math.min(loc.end, lineEnd) - loc.start);
  const gutter = String(line).padStart(5);
  const pad = " ".repeat(gutter.length);
  return [`${gutter} | ${text}`, `${pad} | ${" ".repeat(col - 1)}^${"~".repeat(width - 1)}`];
}
