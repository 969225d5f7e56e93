// gas macros: parsing `.macro` parameter lists, binding invocation arguments (positional,
// keyword, defaults, :req, :vararg) and substituting `\param`, `\@` and `\()` in body text.
import type { Loc } from "../diag/index.js";
import type { SourceLine } from "./source-line.js";
import { isIdentChar, isSpace, splitMacroArgs, type MacroArg } from "./scan.js";

export interface MacroParam {
  name: string;
  required: boolean;
  vararg: boolean;
  /** Default value (quotes stripped); "" when none. */
  def: string;
}

export interface MacroDef {
  name: string;
  params: MacroParam[];
  body: SourceLine[];
  /** Where `.macro` was written. */
  loc: Loc;
}

export type Report = (message: string, start: number, end: number, code: string) => void;

const BACKSLASH = 92, AT = 64, LPAREN = 40, RPAREN = 41; // prettier-ignore

/** Parse `a, b=def c:req d:vararg` from [start, end) of `text`. */
export function parseMacroParams(
  text: string,
  start: number,
  end: number,
  report: Report,
  badParamCode: string,
): MacroParam[] | undefined {
  const params: MacroParam[] = [];
  for (const a of splitMacroArgs(text, start, end)) {
    let spec = a.keyword ?? a.text;
    const def = a.keyword !== undefined ? a.text : "";
    let required = false;
    let vararg = false;
    const colon = spec.indexOf(":");
    if (colon >= 0) {
      const qual = spec.slice(colon + 1).toLowerCase();
      spec = spec.slice(0, colon);
      if (qual === "req") required = true;
      else if (qual === "vararg") vararg = true;
      else return fail(report, `bad parameter qualifier ':${qual}'`, a, badParamCode);
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec)) {
      return fail(report, `bad macro parameter name '${spec}'`, a, badParamCode);
    }
    if (params.some((p) => p.name === spec)) {
      return fail(report, `macro parameter '${spec}' given twice`, a, badParamCode);
    }
    params.push({ name: spec, required, vararg, def });
  }
  return params;
}

function fail(report: Report, message: string, a: MacroArg, code: string): undefined {
  report(message, a.start, a.end, code);
  return undefined;
}

export interface BindCodes {
  missing: string;
  unknownKeyword: string;
  tooMany: string;
}

/** Bind the arguments in [start, end) of `text` to `def`'s parameters. */
export function bindArgs(
  def: MacroDef,
  text: string,
  start: number,
  end: number,
  report: Report,
  codes: BindCodes,
): Map<string, string> | undefined {
  const values = new Map<string, string>();
  const given = new Set<string>();
  let pos = 0;
  for (const a of splitMacroArgs(text, start, end)) {
    if (a.keyword !== undefined) {
      const p = def.params.find((q) => q.name === a.keyword);
      if (!p) {
        report(
          `macro '${def.name}' has no parameter named '${a.keyword}'`,
          a.start,
          a.end,
          codes.unknownKeyword,
        );
        return undefined;
      }
      values.set(p.name, a.text);
      given.add(p.name);
      continue;
    }
    while (pos < def.params.length && given.has(def.params[pos]!.name)) pos++;
    const p = def.params[pos];
    if (!p) {
      report(
        `too many positional arguments for macro '${def.name}'`,
        a.start,
        a.end,
        codes.tooMany,
      );
      return undefined;
    }
    if (p.vararg) {
      values.set(p.name, text.slice(a.start, end).trimEnd());
      given.add(p.name);
      break;
    }
    values.set(p.name, a.text);
    given.add(p.name);
    pos++;
  }
  for (const p of def.params) {
    // gas: an empty argument (`m 1,,3`, `b=`) takes the parameter's default.
    if (given.has(p.name) && values.get(p.name) !== "") continue;
    if (p.required) {
      report(
        `missing value for required parameter '${p.name}' of macro '${def.name}'`,
        start,
        Math.max(end, start + 1),
        codes.missing,
      );
      return undefined;
    }
    values.set(p.name, p.def);
  }
  return values;
}

/**
 * Substitute `\name` (a parameter in `values`), `\@` (the expansion counter) and `\()` (an empty
 * separator) in `text`. Returns undefined when nothing changed, else the text and the length of
 * the unchanged prefix.
 */
export function substitute(
  text: string,
  values: ReadonlyMap<string, string>,
  counter: number,
): { text: string; sameUpTo: number } | undefined {
  let i = text.indexOf("\\");
  if (i < 0) return undefined;
  let out = "";
  let copied = 0;
  let first = -1;
  while (i >= 0 && i < text.length) {
    const c = text.charCodeAt(i + 1);
    let replacement: string | undefined;
    let len = 0;
    if (c === AT) {
      replacement = String(counter);
      len = 2;
      // x86 gas's scrubber drops blanks after `@` before the body is stored: `x\@ y` is `x<N>y`.
      while (isSpace(text.charCodeAt(i + len))) len++;
    } else if (c === LPAREN && text.charCodeAt(i + 2) === RPAREN) {
      replacement = "";
      len = 3;
    } else if (c === BACKSLASH) {
      i = text.indexOf("\\", i + 2);
      continue;
    } else {
      let j = i + 1;
      while (j < text.length && isParamChar(text.charCodeAt(j))) j++;
      const v = j > i + 1 ? values.get(text.slice(i + 1, j)) : undefined;
      if (v !== undefined) {
        replacement = v;
        len = j - i;
      }
    }
    if (replacement !== undefined) {
      if (first < 0) first = i;
      out += text.slice(copied, i) + replacement;
      copied = i + len;
      i = text.indexOf("\\", copied);
    } else {
      i = text.indexOf("\\", i + 1);
    }
  }
  if (first < 0) return undefined;
  return { text: out + text.slice(copied), sameUpTo: first };
}

function isParamChar(c: number): boolean {
  return isIdentChar(c) && c !== 46 && c !== 36; // no '.' or '$': `\reg.` ends the name
}

/** True if the text is blank (for .ifb/.ifnb after substitution). */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}
