// The macro table and #define parsing (C11 6.10.3). The table keeps a small bit filter of
// macro-name hashes so the driver's fast path can rule out "this line names a macro" without
// allocating a string per identifier.
import type { DiagnosticBag, Loc } from "../diag/index.js";
import type { Mode, Token } from "./types.js";

export type BuiltinKind = "file" | "line" | "counter" | "include-level" | "base-file";

export interface Macro {
  name: string;
  /** Undefined for an object-like macro. The variadic parameter is last. */
  params?: string[];
  /** `...` (named __VA_ARGS__) or GNU `name...`. */
  variadic: boolean;
  body: Token[];
  /** The macro name in its #define, for "previous definition" notes. */
  loc: Loc;
  builtin?: BuiltinKind;
  /** The hide set {name}, made once: most expansions start from a token with no hide set. */
  selfHide?: ReadonlySet<string>;
}

export const VA_ARGS = "__VA_ARGS__";

const FILTER_BITS = 1 << 16;
const FILTER_MASK = FILTER_BITS - 1;
const HASH_MULTIPLIER = 31;

/** The hash the fast path computes incrementally over an identifier's char codes. */
export function hashStep(h: number, c: number): number {
  return (Math.imul(h, HASH_MULTIPLIER) + c) | 0;
}

export function hashName(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = hashStep(h, name.charCodeAt(i));
  return h;
}

export class MacroTable {
  private readonly map = new Map<string, Macro>();
  /** Bit per hash bucket of every name ever defined; never cleared (false positives are ok). */
  readonly filter = new Uint8Array(FILTER_BITS);

  get(name: string): Macro | undefined {
    return this.map.get(name);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  /** Whether an identifier with this hash might be a macro. */
  mayContain(hash: number): boolean {
    return this.filter[hash & FILTER_MASK] === 1;
  }

  define(m: Macro): void {
    this.map.set(m.name, m);
    this.filter[hashName(m.name) & FILTER_MASK] = 1;
  }

  undef(name: string): void {
    this.map.delete(name);
  }
}

/**
 * Parse `NAME body` or `NAME(params) body` (the tokens after `#define`). Reports problems and
 * returns undefined when the definition is unusable.
 */
export function parseDefine(
  toks: Token[],
  dirLoc: Loc,
  mode: Mode,
  diags: DiagnosticBag,
): Macro | undefined {
  const name = toks[0];
  if (!checkMacroName(name, "#define", dirLoc, diags)) return undefined;
  let i = 1;
  let params: string[] | undefined;
  let variadic = false;
  // Function-like only when `(` touches the name (C11 6.10.3p3 needs no space there).
  if (toks[1]?.text === "(" && toks[1].ws === "" && toks[1].kind === "punct") {
    const parsed = parseParams(toks, 2, diags);
    if (!parsed) return undefined;
    ({ params, variadic, next: i } = parsed);
  }
  const body = toks.slice(i).map((t, k) => (k === 0 ? t.withWs("") : t));
  const m: Macro = { name: name.text, params, variadic, body, loc: name.loc };
  return checkBody(m, mode, diags) ? m : undefined;
}

/** Check a name after #define, #undef, #ifdef, #ifndef. */
export function checkMacroName(
  tok: Token | undefined,
  directive: string,
  dirLoc: Loc,
  diags: DiagnosticBag,
): tok is Token {
  if (!tok) {
    diags.error("E1015", dirLoc, `no macro name given in ${directive} directive`);
    return false;
  }
  if (tok.kind !== "ident") {
    diags.error("E1015", tok.loc, "macro names must be identifiers");
    return false;
  }
  if (tok.text === "defined" && directive !== "#ifdef" && directive !== "#ifndef") {
    diags.error("E1025", tok.loc, `"defined" cannot be used as a macro name`);
    return false;
  }
  return true;
}

interface ParsedParams {
  params: string[];
  variadic: boolean;
  next: number;
}

// identifier-list: ( ) | ( ... ) | ( a, b ) | ( a, ... ) | ( a, rest... )   (GNU named variadic)
function parseParams(toks: Token[], i: number, diags: DiagnosticBag): ParsedParams | undefined {
  const params: string[] = [];
  const open = toks[i - 1]!;
  if (toks[i]?.text === ")") return { params, variadic: false, next: i + 1 };
  for (;;) {
    const t = toks[i];
    if (t?.text === "...") {
      params.push(VA_ARGS);
      return closeParams(toks, i + 1, params, open, diags);
    }
    if (!t || t.kind !== "ident") {
      const what = t ? `"${t.text}"` : "end of line";
      diags.error("E1021", (t ?? open).loc, `expected parameter name, found ${what}`);
      return undefined;
    }
    if (params.includes(t.text)) {
      diags.error("E1024", t.loc, `duplicate macro parameter "${t.text}"`);
      return undefined;
    }
    params.push(t.text);
    const sep = toks[i + 1];
    if (sep?.text === "...") return closeParams(toks, i + 2, params, open, diags);
    if (sep?.text === ")") return { params, variadic: false, next: i + 2 };
    if (sep?.text !== ",") {
      diags.error("E1021", (sep ?? t).loc, `expected ',' or ')' in macro parameter list`);
      return undefined;
    }
    i += 2;
  }
}

function closeParams(
  toks: Token[],
  i: number,
  params: string[],
  open: Token,
  diags: DiagnosticBag,
): ParsedParams | undefined {
  if (toks[i]?.text !== ")") {
    diags.error("E1021", (toks[i] ?? open).loc, `missing ')' in macro parameter list`);
    return undefined;
  }
  return { params, variadic: true, next: i + 1 };
}

/** `##` may not start or end a body (6.10.3.3p1); `#` must name a parameter in C (6.10.3.2p1). */
function checkBody(m: Macro, mode: Mode, diags: DiagnosticBag): boolean {
  const body = m.body;
  const first = body[0];
  const last = body[body.length - 1];
  if (first && isPaste(first)) return pasteAtEdge(first, diags);
  if (last && isPaste(last)) return pasteAtEdge(last, diags);
  if (!m.params || mode === "asm") return true; // gas uses `#` for comments: gcc allows it
  for (let k = 0; k < body.length; k++) {
    const t = body[k]!;
    if (t.kind === "punct" && t.text === "#" && !isParam(m, body[k + 1])) {
      diags.error("E1017", t.loc, "'#' is not followed by a macro parameter");
      return false;
    }
  }
  return true;
}

function pasteAtEdge(t: Token, diags: DiagnosticBag): false {
  diags.error("E1011", t.loc, "'##' cannot appear at either end of a macro expansion");
  return false;
}

export function isPaste(t: Token | undefined): boolean {
  return t !== undefined && t.kind === "punct" && t.text === "##";
}

export function isParam(m: Macro, t: Token | undefined): boolean {
  return t !== undefined && t.kind === "ident" && m.params !== undefined && paramIndex(m, t) >= 0;
}

export function paramIndex(m: Macro, t: Token): number {
  return t.kind === "ident" && m.params ? m.params.indexOf(t.text) : -1;
}

/** Two definitions are the same if params and body spell the same with the same spacing (6.10.3p2). */
export function sameDefinition(a: Macro, b: Macro): boolean {
  if (a.builtin || b.builtin) return false;
  if ((a.params === undefined) !== (b.params === undefined)) return false;
  if (a.params && b.params && a.params.join(",") !== b.params.join(",")) return false;
  if (a.variadic !== b.variadic || a.body.length !== b.body.length) return false;
  return a.body.every((t, k) => {
    const u = b.body[k]!;
    return t.text === u.text && (t.ws === "") === (u.ws === "");
  });
}
