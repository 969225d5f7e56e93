// The preprocessing token. A class with every field set in the constructor, so all tokens share
// one hidden class: copies are cheap and the expander's loops stay monomorphic.
import type { Loc } from "../diag/index.js";
import type { TokKind } from "./types.js";

/** Treated as immutable once handed on: changes are made on a clone. */
export class Token {
  /** True for text produced by a macro body (its loc is the invocation site, not a spelling). */
  expanded = false;
  /** Names that must not expand this token (Prosser's hide set). */
  hide: ReadonlySet<string> | undefined = undefined;
  /** Painted blue: it named a macro inside that macro's own expansion, so it never expands. */
  noexpand = false;
  /** Left over from an invalid paste: printed glued to the previous token, as gas wants. */
  glued = false;

  constructor(
    public kind: TokKind,
    public text: string,
    /** Verbatim tokens and macro arguments: their own spelling; body tokens: the invocation site. */
    public loc: Loc,
    /** Whitespace before the token: the original run for verbatim tokens, " " or "" otherwise. */
    public ws: string,
  ) {}

  clone(): Token {
    const t = new Token(this.kind, this.text, this.loc, this.ws);
    t.expanded = this.expanded;
    t.hide = this.hide;
    t.noexpand = this.noexpand;
    t.glued = this.glued;
    return t;
  }

  /** A copy with other leading whitespace. */
  withWs(ws: string): Token {
    const t = this.clone();
    t.ws = ws;
    return t;
  }
}

/** A token made by the expander (a body token, a paste, a string, a builtin's value). */
export function expandedToken(kind: TokKind, text: string, loc: Loc, ws: string): Token {
  const t = new Token(kind, text, loc, ws);
  t.expanded = true;
  return t;
}
