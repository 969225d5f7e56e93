// The C tokenizer: turns preprocessed lines (src/cpp's CppLine, whose every column maps back to a
// source Loc) into C tokens: keywords, identifiers, integer constants with their C11 6.4.4.1 type,
// character constants, string literals (adjacent ones concatenated, 5.1.1.2 phase 6) and
// punctuators. Bad characters and floating constants become diagnostics, never exceptions.
import type { DiagnosticBag, Loc } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import type { CppLine } from "../cpp/index.js";
import { ty, type Type } from "./types.js";

export type TokKind = "ident" | "keyword" | "num" | "str" | "punct" | "eof";

export interface CToken {
  kind: TokKind;
  text: string;
  loc: Loc;
  /** Integer and character constants. */
  val: bigint;
  /** Type of a constant. */
  type: Type | undefined;
  /** String literals: the bytes without the terminating NUL. */
  bytes: number[] | undefined;
}

export const KEYWORDS = new Set([
  "void", "_Bool", "char", "short", "int", "long", "signed", "unsigned", "float", "double",
  "struct", "union", "enum", "typedef", "static", "extern", "inline", "const", "volatile",
  "restrict", "auto", "register", "_Noreturn", "_Alignas", "_Alignof", "_Generic", "_Static_assert",
  "_Thread_local", "_Atomic", "_Complex", "if", "else", "while", "do", "for", "switch", "case",
  "default", "break", "continue", "return", "goto", "sizeof", "typeof", "__typeof__", "__typeof",
  "asm", "__asm__", "__asm", "__attribute__", "__attribute", "__volatile__", "__volatile",
  "__inline__", "__inline", "__restrict", "__restrict__", "__const", "__const__", "__signed__",
  "__extension__", "__alignof__", "__alignof", "__builtin_offsetof",
]); // prettier-ignore

/** Punctuators, longest first so the first match is the longest (6.4.6). */
const PUNCTS = [
  "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
  "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=",
]; // prettier-ignore
const SINGLE = "[](){}.&*+-~!/%<>^|?:;=,#";

const ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, "\\": 92, "'": 39, '"': 34, "?": 63,
}; // prettier-ignore

function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === "$";
}

function isIdentChar(c: string): boolean {
  return isIdentStart(c) || (c >= "0" && c <= "9");
}

class Lexer {
  readonly out: CToken[] = [];
  constructor(private readonly diags: DiagnosticBag) {}

  line(line: CppLine): void {
    const s = line.text;
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
        i++;
        continue;
      }
      const start = i;
      if (isIdentStart(c)) {
        while (i < s.length && isIdentChar(s[i]!)) i++;
        if ((s[i] === "'" || s[i] === '"') && /^(u8|u|U|L)$/.test(s.slice(start, i))) {
          this.unsupported(line, start, "wide and Unicode literals");
          i = this.skipQuoted(s, i);
          continue;
        }
        const text = s.slice(start, i);
        this.push(KEYWORDS.has(text) ? "keyword" : "ident", text, line, start, i);
      } else if ((c >= "0" && c <= "9") || (c === "." && /[0-9]/.test(s[i + 1] ?? ""))) {
        i = this.number(line, i);
      } else if (c === '"') {
        i = this.string(line, i);
      } else if (c === "'") {
        i = this.charConst(line, i);
      } else {
        const p = PUNCTS.find((q) => s.startsWith(q, i)) ?? (SINGLE.includes(c) ? c : undefined);
        if (!p) {
          this.diags.error(CC.BAD_TOKEN, line.locAt(i), `stray '${c}' in program`);
          i++;
          continue;
        }
        i += p.length;
        this.push("punct", p, line, start, i);
      }
    }
  }

  private push(kind: TokKind, text: string, line: CppLine, start: number, end: number): CToken {
    const t: CToken = { kind, text, loc: spanLoc(line, start, end), val: 0n, type: undefined, bytes: undefined }; // prettier-ignore
    this.out.push(t);
    return t;
  }

  private unsupported(line: CppLine, at: number, what: string): void {
    this.diags.error(CC.UNSUPPORTED, line.locAt(at), `${what} are not supported in handler-C`);
  }

  private skipQuoted(s: string, i: number): number {
    const q = s[i];
    i++;
    while (i < s.length && s[i] !== q) i += s[i] === "\\" ? 2 : 1;
    return Math.min(i + 1, s.length);
  }

  /** A pp-number (6.4.8) read as an integer constant (6.4.4.1). */
  private number(line: CppLine, i: number): number {
    const s = line.text;
    const start = i;
    while (i < s.length && (/[0-9a-zA-Z_.]/.test(s[i]!) || (/[eEpP]/.test(s[i - 1]!) && /[+-]/.test(s[i]!)))) i++; // prettier-ignore
    const text = s.slice(start, i);
    const tok = this.push("num", text, line, start, i);
    tok.type = ty.int;
    const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text);
    if (!m || !/^(u|l|ll|ul|lu|ull|llu)?$/i.test(m[2]!)) {
      if (
        (/[.eEpP]/.test(text) && !/^0[xX]/.test(text.replace(/[pP].*/, ""))) ||
        /^0[xX].*[pP]/.test(text) ||
        /[.]/.test(text)
      )
        // prettier-ignore
        this.unsupported(line, start, "floating constants");
      else this.diags.error(CC.BAD_TOKEN, tok.loc, `invalid integer constant '${text}'`);
      return i;
    }
    const digits = m[1]!;
    const value = /^0[bB]/.test(digits) ? BigInt(digits) : /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits); // prettier-ignore
    tok.val = BigInt.asUintN(64, value);
    if (value >> 64n !== 0n) this.diags.warning(CC.INT_CONVERSION, tok.loc, "integer constant is too large for its type"); // prettier-ignore
    tok.type = constantType(value, m[2]!.toLowerCase(), digits[0] === "0" && digits.length > 1);
    return i;
  }

  private string(line: CppLine, i: number): number {
    const start = i;
    const r = this.readChars(line, i + 1, '"');
    const prev = this.out[this.out.length - 1];
    // 5.1.1.2 phase 6: adjacent string literals are one.
    if (prev && prev.kind === "str" && prev.bytes) {
      prev.bytes.push(...r.bytes);
      return r.end;
    }
    const tok = this.push("str", line.text.slice(start, r.end), line, start, r.end);
    tok.bytes = r.bytes;
    return r.end;
  }

  private charConst(line: CppLine, i: number): number {
    const start = i;
    const r = this.readChars(line, i + 1, "'");
    const tok = this.push("num", line.text.slice(start, r.end), line, start, r.end);
    tok.type = ty.int;
    if (r.bytes.length === 0) this.diags.error(CC.BAD_TOKEN, tok.loc, "empty character constant");
    // 6.4.4.4p10: a char constant has type int; plain char is signed on x86-64, so sign-extend.
    const b = r.bytes[0] ?? 0;
    tok.val = BigInt.asUintN(64, BigInt(b >= 0x80 ? b - 0x100 : b));
    return r.end;
  }

  /** Read characters up to the closing quote; escapes per 6.4.4.4. */
  private readChars(line: CppLine, i: number, quote: string): { bytes: number[]; end: number } {
    const s = line.text;
    const bytes: number[] = [];
    while (i < s.length && s[i] !== quote) {
      if (s[i] !== "\\") {
        const code = s.charCodeAt(i++);
        if (code < 0x80) bytes.push(code);
        else for (const b of new TextEncoder().encode(String.fromCharCode(code))) bytes.push(b);
        continue;
      }
      i++;
      const e = s[i] ?? "";
      if (/[0-7]/.test(e)) {
        let v = 0;
        for (let k = 0; k < 3 && /[0-7]/.test(s[i] ?? ""); k++) v = v * 8 + Number(s[i++]);
        bytes.push(v & 0xff);
      } else if (e === "x") {
        i++;
        let v = 0;
        while (/[0-9a-fA-F]/.test(s[i] ?? "")) v = (v * 16 + parseInt(s[i++]!, 16)) & 0xff;
        bytes.push(v);
      } else {
        bytes.push(ESCAPES[e] ?? e.charCodeAt(0));
        i++;
      }
    }
    if (i >= s.length) {
      this.diags.error(CC.BAD_TOKEN, line.locAt(Math.max(0, i - 1)), `missing terminating ${quote} character`); // prettier-ignore
      return { bytes, end: s.length };
    }
    return { bytes, end: i + 1 };
  }
}

/** C11 6.4.4.1p5: the first type of the list for the suffix and base in which the value fits. */
function constantType(value: bigint, suffix: string, nonDecimal: boolean): Type {
  const u = suffix.includes("u");
  const l = suffix.includes("l");
  const INT_MAX = 0x7fffffffn;
  const UINT_MAX = 0xffffffffn;
  const LONG_MAX = 0x7fffffffffffffffn;
  if (!l && !u && value <= INT_MAX) return ty.int;
  if (!l && (u || nonDecimal) && value <= UINT_MAX) return ty.uint;
  if (!u && value <= LONG_MAX) return ty.long;
  return ty.ulong;
}

/** A token's Loc: its first column's, widened over the token when it was copied verbatim. */
function spanLoc(line: CppLine, start: number, end: number): Loc {
  const a = line.locAt(start);
  if (end <= start + 1) return a;
  const b = line.locAt(end - 1);
  if (b.file === a.file && b.chain === a.chain && b.start - a.start === end - 1 - start)
    return { file: a.file, start: a.start, end: b.end, chain: a.chain };
  return a;
}

export function tokenize(lines: readonly CppLine[], diags: DiagnosticBag): CToken[] {
  const lx = new Lexer(diags);
  for (const l of lines) lx.line(l);
  const last = lines[lines.length - 1];
  const eofLoc: Loc = last ? last.locAt(last.text.length) : { file: 0, start: 0, end: 0 };
  lx.out.push({ kind: "eof", text: "end of file", loc: eofLoc, val: 0n, type: undefined, bytes: undefined }); // prettier-ignore
  return lx.out;
}
