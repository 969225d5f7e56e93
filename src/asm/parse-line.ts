// The front end's API: one logical line of assembly (after cpp and gas macro substitution) → its
// statements and syntax errors. Lexes the whole line once (./lexer.ts), splits the tokens at `;`,
// parses each statement with the one reused parser (./parser.ts) — again with `rawStatement` when
// a directive's arguments are not a plain list — and builds the AST (./visitor.ts). Each statement reports at most one error and an error never stops the next
// statement. The result depends only on the text (spans are offsets into it), so the driver
// caches it by text; treat it as immutable.
import { EOF, type CstNode, type ILexingError, type IRecognitionException, type IToken } from "chevrotain"; // prettier-ignore
import type { ParseError, ParsedLine, Span } from "./ast.js";
import { ASM_SYNTAX } from "../diag/codes/asm-syntax.js";
import * as T from "./lexer.js";
import { asmParser } from "./parser.js";
import { SyntaxFailure, tokenSpan, visitStatement, type StatementContext } from "./visitor.js";

/**
 * Parse one logical line; never throws on any input. Chevrotain reports a syntax error by
 * building an Error, whose stack capture costs ~10 µs and is never read here: the limit is set
 * to 0 for the duration of the call (and restored), which makes bad lines as cheap as good ones.
 */
export function parseLine(text: string): ParsedLine {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseLineUnguarded(text);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function parseLineUnguarded(text: string): ParsedLine {
  const lexed = T.asmLexer.tokenize(text);
  const tokens = lexed.tokens;
  const line: ParsedLine = { statements: [], errors: [] };
  let first = 0;
  let textStart = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const semicolon = tokens[i];
    if (semicolon !== undefined && semicolon.tokenType !== T.Semicolon) continue;
    const textEnd = semicolon ? semicolon.startOffset : text.length;
    const piece = first === 0 && !semicolon ? tokens : tokens.slice(first, i);
    const lexErrors = lexed.errors.length ? errorsWithin(lexed.errors, textStart, textEnd) : [];
    parseStatement(text, piece, lexErrors, textStart, line);
    first = i + 1;
    textStart = textEnd + 1;
  }
  return line;
}

function errorsWithin(errors: ILexingError[], start: number, end: number): ILexingError[] {
  return errors.filter((e) => e.offset >= start && e.offset < end);
}

/** Parse and visit one `;`-separated statement, appending to `line`. */
function parseStatement(
  text: string,
  tokens: IToken[],
  lexErrors: ILexingError[],
  textStart: number,
  line: ParsedLine,
): void {
  if (tokens.length === 0 && lexErrors.length === 0) return;
  const lexError = lexErrors.length ? lexingError(text, lexErrors[0]!) : undefined;
  let restEnd = tokens.length ? tokenSpan(tokens[tokens.length - 1]!).end : textStart;
  for (const e of lexErrors) restEnd = Math.max(restEnd, e.offset + e.length);
  const parser = asmParser();
  parser.input = tokens;
  let cst = parser.statement();
  const ctx: StatementContext = { text, restEnd, lexError };
  if (parser.errors.length > 0) {
    const error = describe(parser.errors[0]!, cst, tokens, textStart);
    // A directive whose arguments have their own syntax (`.ifc a,b`): keep it, with argsError.
    if (!startsWithDirective(tokens)) {
      line.errors.push(lexError && lexError.span.start < error.span.start ? lexError : error);
      return;
    }
    parser.input = tokens;
    cst = parser.rawStatement();
    if (parser.errors.length > 0 || token(cst, "directive")!.startOffset > error.span.start) {
      line.errors.push(lexError && lexError.span.start < error.span.start ? lexError : error);
      return;
    }
    ctx.argsError = error;
  }
  const before = line.statements.length;
  try {
    visitStatement(cst, ctx, line.statements);
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    line.statements.length = before;
    line.errors.push(e.error);
    return;
  }
  // A bad character is tolerated only in a directive's argument tail (it becomes argsError and
  // the driver may still use `rest`); anywhere else it is the statement's error.
  if (lexError && !ctx.lexErrorUsed) {
    line.statements.length = before;
    line.errors.push(lexError);
  }
}

/** Whether the statement is labels then a `.name` — worth a second try as a rawStatement. */
function startsWithDirective(tokens: IToken[]): boolean {
  let i = 0;
  while (i + 1 < tokens.length && tokens[i + 1]!.tokenType === T.Colon) i += 2;
  return tokens[i]?.tokenType === T.DotName;
}

function token(cst: CstNode, key: string): IToken | undefined {
  return (cst.children[key] as IToken[] | undefined)?.[0];
}

function lexingError(text: string, e: ILexingError): ParseError {
  const span = { start: e.offset, end: e.offset + e.length };
  const what = text.slice(span.start, span.end);
  return { code: ASM_SYNTAX.UNEXPECTED_CHAR, message: `unexpected character${what.length > 1 ? "s" : ""} '${what}'`, span }; // prettier-ignore
}

// --- parser errors in words --------------------------------------------------------------------

/** Tokens that are never valid: their own error, wherever the parser stopped on them. */
function badTokenError(t: IToken): ParseError | undefined {
  const span = tokenSpan(t);
  switch (t.tokenType) {
    case T.PercentName:
      return { code: ASM_SYNTAX.BAD_REGISTER, message: `bad register name '${t.image}'`, span };
    case T.Percent:
      return { code: ASM_SYNTAX.LONE_PERCENT, message: "'%' must be followed by a register name", span }; // prettier-ignore
    case T.UnterminatedString:
      return { code: ASM_SYNTAX.UNTERMINATED_STRING, message: "missing closing '\"' of a string", span }; // prettier-ignore
    case T.BadChar:
      return { code: ASM_SYNTAX.BAD_CHAR_CONSTANT, message: "bad character constant: a character must follow the quote", span }; // prettier-ignore
    case T.UnterminatedComment:
      return { code: ASM_SYNTAX.UNTERMINATED_COMMENT, message: "'/*' comment not closed on this line", span }; // prettier-ignore
    default:
      return undefined;
  }
}

/** Rules in which "something else was expected" means an operand or an expression. */
const OPERAND_RULES: ReadonlySet<string> = new Set(["operand"]);

/**
 * A Chevrotain error (structured by parser.ts's message provider) → one worded ParseError. At the
 * end of input the span is empty, just after the last token.
 */
function describe(
  e: IRecognitionException,
  cst: Parameters<typeof visitStatement>[0] | undefined,
  tokens: IToken[],
  textStart: number,
): ParseError {
  const [kind, rule, expected] = e.message.split("|") as [string, string, string];
  const t = e.token;
  const atEnd = t.tokenType === EOF;
  const last = tokens[tokens.length - 1];
  const span: Span = atEnd
    ? { start: last ? tokenSpan(last).end : textStart, end: last ? tokenSpan(last).end : textStart }
    : tokenSpan(t);
  const found = atEnd ? "end of line" : `'${t.image}'`;
  const bad = atEnd ? undefined : badTokenError(t);
  if (bad) return bad;
  if (kind === "redundant") return redundant(cst, t, span);
  if (kind === "mismatch" && expected === "Colon") {
    // A label's colon was expected: the statement starts with a number that is not a label.
    const start = (e as { previousToken?: IToken }).previousToken ?? t;
    return { code: ASM_SYNTAX.EXPECTED_STATEMENT, message: `expected a label, directive, assignment or instruction, found '${start.image}'`, span: tokenSpan(start) }; // prettier-ignore
  }
  if (kind === "mismatch" && expected === "RParen") {
    return { code: ASM_SYNTAX.MISSING_RPAREN, message: `missing ')' before ${found}`, span };
  }
  if (kind === "mismatch" && expected === "Register") {
    return { code: ASM_SYNTAX.BAD_BASE_INDEX, message: `expected an index register, found ${found}`, span }; // prettier-ignore
  }
  if (OPERAND_RULES.has(rule)) {
    return { code: ASM_SYNTAX.EXPECTED_OPERAND, message: `expected an operand, found ${found}`, span }; // prettier-ignore
  }
  return { code: ASM_SYNTAX.EXPECTED_EXPRESSION, message: `expected an expression, found ${found}`, span }; // prettier-ignore
}

/** Tokens left over after a complete statement: say after what. */
function redundant(
  cst: Parameters<typeof visitStatement>[0] | undefined,
  t: IToken,
  span: Span,
): ParseError {
  const c = cst?.children ?? {};
  if (c.mnemonic) {
    const operands = c.operand;
    if (t.tokenType === T.Comma) {
      return { code: ASM_SYNTAX.EXPECTED_OPERAND, message: "expected an operand before ','", span }; // prettier-ignore
    }
    const after = operands ? "operand" : "mnemonic";
    return { code: ASM_SYNTAX.JUNK, message: `junk '${t.image}' after ${after}`, span };
  }
  if (c.assignName) {
    return { code: ASM_SYNTAX.JUNK, message: `junk '${t.image}' after expression`, span };
  }
  if (c.directive) {
    return { code: ASM_SYNTAX.JUNK, message: `junk '${t.image}' in directive arguments`, span };
  }
  return {
    code: ASM_SYNTAX.EXPECTED_STATEMENT,
    message: `expected a label, directive, assignment or instruction, found '${t.image}'`,
    span,
  };
}
