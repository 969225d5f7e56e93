// The report's markup builder: elements as strings, with every piece of text escaped on the way
// in. A child that is a plain string is TEXT (escaped); only an `Html` value — what `el` and the
// other builders here return — goes in as markup. So a symbol, a message or a region name read
// from a trace cannot open a tag however it is spelt: `<script>` arrives as `&lt;script&gt;`.
// Attribute values are escaped the same way (quotes included). No DOM: this runs in a browser or
// in Node alike and returns a string.

/** Markup built by this file's functions (never a bare string: those are text). */
export class Html {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** What an element may contain: text, markup, numbers (as text), lists of those; undefined is nothing. */
export type Child = Html | string | number | undefined | false | readonly Child[];

export type Attrs = Readonly<Record<string, string | number | undefined>>;

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text (or an attribute value) with the five HTML-significant characters escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** HTML elements that have no end tag (HTML Living Standard, "void elements"). */
const VOID_ELEMENTS: ReadonlySet<string> = new Set(["meta", "br", "hr", "col", "wbr"]);
/** SVG shapes written self-closed when empty (foreign elements may be: `<rect … />`). */
const SVG_EMPTY: ReadonlySet<string> = new Set(["rect", "line", "path", "polygon", "circle"]);

function render(c: Child, out: string[]): void {
  if (c === undefined || c === false) return;
  if (c instanceof Html) out.push(c.html);
  else if (typeof c === "string") out.push(escapeHtml(c));
  else if (typeof c === "number") out.push(String(c));
  else for (const x of c) render(x, out);
}

function attrText(attrs: Attrs): string {
  let s = "";
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) s += ` ${k}="${escapeHtml(String(v))}"`; // prettier-ignore
  return s;
}

/** An element; string children are escaped. */
export function el(tag: string, attrs: Attrs = {}, ...children: Child[]): Html {
  const open = `<${tag}${attrText(attrs)}`;
  if (VOID_ELEMENTS.has(tag)) return new Html(`${open}>`);
  const inner: string[] = [];
  for (const c of children) render(c, inner);
  if (inner.length === 0 && SVG_EMPTY.has(tag)) return new Html(`${open}/>`);
  return new Html(`${open}>${inner.join("")}</${tag}>`);
}

/** Several pieces as one. */
export function frag(...children: Child[]): Html {
  const out: string[] = [];
  for (const c of children) render(c, out);
  return new Html(out.join(""));
}

/** Markup the caller vouches for: constant strings of this module's files only (the CSS). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A table cell: its content, and optionally a class (e.g. `num` for right-aligned numbers). */
export type Cell = Child | { cell: Child; cls?: string };

function isCellObject(c: Cell): c is { cell: Child; cls?: string } {
  return typeof c === "object" && c !== null && !(c instanceof Html) && !Array.isArray(c);
}

/** A table with a header row; numbers are right-aligned by class. */
export function table(
  head: readonly string[],
  rows: readonly (readonly Cell[])[],
  cls?: string,
): Html {
  const cellOf = (c: Cell, tag: "td" | "th"): Html => {
    if (isCellObject(c)) return el(tag, { class: c.cls }, c.cell);
    return el(tag, { class: typeof c === "number" ? "num" : undefined }, c as Child);
  };
  return el(
    "table",
    { class: cls },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        head.map((h) => el("th", {}, h)),
      ),
    ),
    el(
      "tbody",
      {},
      rows.map((r) =>
        el(
          "tr",
          {},
          r.map((c) => cellOf(c, "td")),
        ),
      ),
    ),
  );
}

/** `0x` and the lowercase hex digits of a value. */
export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}
