// The assembler's grammar: a Chevrotain CstParser over the tokens of ./lexer.ts, with no
// semantics. parse-line.ts splits a line at `;` tokens and runs `statement` on each piece (so one
// bad statement cannot hide the next); when that fails on a directive's arguments it runs
// `rawStatement` (so a directive with its own argument syntax still parses, with `rest`).
// visitor.ts turns the CSTs into the AST of ./ast.ts. One parser instance, reused for every line.
//
// Expressions are parsed flat (`term (BinaryOp term)*`) and the visitor applies GNU as's
// precedence: it keeps one CST node per operand instead of one per precedence level.
import { CstParser, EOF, LLkLookaheadStrategy, type ILookaheadStrategy, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain"; // prettier-ignore
import * as T from "./lexer.js";

/** Instruction prefixes written as separate words before the mnemonic. */
const PREFIXES: ReadonlySet<string> = new Set(["lock", "rep", "repe", "repz", "repne", "repnz"]);

/** After `(`: a register or `,` starts the base/index part. */
function opensBaseIndex(type: TokenType): boolean {
  return type === T.Comma || T.REGISTER_TOKENS.has(type);
}

function endsArgument(type: TokenType): boolean {
  return type === T.Comma || type === EOF;
}

function isPrefix(token: IToken, next: IToken): boolean {
  return next.tokenType === T.Name && PREFIXES.has(token.image.toLowerCase());
}

/**
 * Parser errors as structured "kind|rule|expected" strings, decoded into worded diagnostics by
 * parse-line.ts (which knows the statement around them). Building Chevrotain's default English
 * messages would cost time on every bad line for text nobody reads.
 */
export type ErrorKind = "mismatch" | "redundant" | "noviable" | "earlyexit";
const ERROR_MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: (o) => `mismatch|${o.ruleName}|${o.expected.name}`,
  buildNotAllInputParsedMessage: (o) => `redundant|${o.ruleName}|`,
  buildNoViableAltMessage: (o) => `noviable|${o.ruleName}|`,
  buildEarlyExitMessage: (o) => `earlyexit|${o.ruleName}|`,
};

/** The most tokens any decision looks ahead (`(` then a register or `,` needs two). */
const MAX_LOOKAHEAD = 2;

/**
 * Chevrotain's LL(k) lookahead with each decision's function built on the decision's first use
 * rather than all of them in performSelfAnalysis (two thirds of its cost, paid by every `as`
 * start; a short file reaches few decisions). Each function is the one the stock strategy
 * builds from the same finished grammar, so parses are identical (test/cli/startup-parser.test.ts).
 */
function lazyLookahead(): ILookaheadStrategy {
  const llk = new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD });
  return {
    validate: (options) => llk.validate(options),
    buildLookaheadForAlternation(options) {
      let decide: ReturnType<ILookaheadStrategy["buildLookaheadForAlternation"]> | undefined;
      return function (this: unknown, alts) {
        decide ??= llk.buildLookaheadForAlternation(options);
        return decide.call(this, alts);
      };
    },
    buildLookaheadForOptional(options) {
      let decide: ReturnType<ILookaheadStrategy["buildLookaheadForOptional"]> | undefined;
      return function (this: unknown) {
        decide ??= llk.buildLookaheadForOptional(options);
        return decide.call(this);
      };
    },
  };
}

export type LookaheadMode = "lazy" | "eager";

export class AsmParser extends CstParser {
  /**
   * `validate` runs Chevrotain's grammar checks (ambiguities, left recursion...) in
   * performSelfAnalysis: nearly half its cost, paid by every CLI start, so the one parser skips
   * them and test/unit/asm/line-template.test.ts builds a validated one. `lookahead` "eager" is
   * Chevrotain's stock strategy, for tests that compare it with the lazy one.
   */
  constructor(validate = false, lookahead: LookaheadMode = "lazy") {
    super(T.ALL_TOKENS, {
      recoveryEnabled: false,
      skipValidations: !validate,
      maxLookahead: MAX_LOOKAHEAD,
      errorMessageProvider: ERROR_MESSAGES,
      ...(lookahead === "lazy" ? { lookaheadStrategy: lazyLookahead() } : {}),
    });
    this.performSelfAnalysis();
  }

  // statement := (label ':')* (assignment | directive | instruction)?
  // assignment := (name | .name | '.') '=' expr
  // directive := .name directiveArgs
  // instruction := prefix* mnemonic (operand (',' operand)*)?
  // label := name | .name | digits              — `foo:`, `.Lx:`, `771:`, `0 :`
  // The parts are inlined (told apart by LABELs) because every rule invocation costs a CST node
  // on the hot path. A directive whose arguments are not a plain list fails here and is parsed
  // again with rawStatement (parse-line.ts).
  statement = this.RULE("statement", () => {
    this.labels();
    this.OPTION(() =>
      this.OR2([
        { ALT: () => this.assignmentBody() },
        {
          ALT: () => {
            this.CONSUME2(T.DotName, { LABEL: "directive" });
            this.SUBRULE(this.directiveArgs);
          },
        },
        { ALT: () => this.instructionBody() },
      ]),
    );
  });

  // rawStatement := (label ':')* .name any*      — a directive with its own argument syntax
  rawStatement = this.RULE("rawStatement", () => {
    this.labels();
    this.CONSUME2(T.DotName, { LABEL: "directive" });
    this.MANY2(() => this.CONSUME(T.Any, { LABEL: "tail" }));
  });

  private labels(): void {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME1(T.Name, { LABEL: "labelName" }) },
        { ALT: () => this.CONSUME1(T.DotName, { LABEL: "labelName" }) },
        { ALT: () => this.CONSUME1(T.NumberLit, { LABEL: "labelName" }) },
      ]);
      this.CONSUME(T.Colon);
    });
  }

  private assignmentBody(): void {
    this.OR3([
      { ALT: () => this.CONSUME3(T.Name, { LABEL: "assignName" }) },
      { ALT: () => this.CONSUME3(T.DotName, { LABEL: "assignName" }) },
      { ALT: () => this.CONSUME3(T.Dot, { LABEL: "assignName" }) },
    ]);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  }

  private instructionBody(): void {
    this.MANY3({
      GATE: () => isPrefix(this.LA(1), this.LA(2)),
      DEF: () => this.CONSUME4(T.Name, { LABEL: "prefix" }),
    });
    this.CONSUME5(T.Name, { LABEL: "mnemonic" });
    this.OPTION2(() => {
      this.SUBRULE(this.operand);
      this.MANY4(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.operand);
      });
    });
  }

  // operand := ['*'] ('$' expr | %reg [':' memory] | memory)
  // A register first is a register operand (or a segment override): GNU as never reads `%rax`
  // at the start of an operand as the start of an expression, hence IGNORE_AMBIGUITIES. `*$1`
  // passes the grammar and is rejected by the visitor.
  operand = this.RULE("operand", () => {
    this.OPTION(() => this.CONSUME(T.Star));
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dollar);
          this.SUBRULE(this.expression, { LABEL: "imm" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Register);
          this.OPTION2(() => {
            this.CONSUME(T.Colon);
            this.memory(1);
          });
        },
        IGNORE_AMBIGUITIES: true,
      },
      { ALT: () => this.memory(2) },
    ]);
  });

  // memory := '(' baseIndex ')' | expr ['(' baseIndex ')']
  // `(` followed by a register or `,` opens the base/index part, as in GNU as; anything else is
  // a parenthesised displacement expression. Inlined twice into operand (DSL indexes 1x, 2x).
  private memory(n: number): void {
    this.or(n * 10, [
      {
        GATE: () => opensBaseIndex(this.LA(2).tokenType),
        ALT: () => this.baseIndex(n * 10),
        IGNORE_AMBIGUITIES: true,
      },
      {
        ALT: () => {
          this.subrule(n * 10, this.expression, { LABEL: "disp" });
          this.option(n * 10, () => this.baseIndex(n * 10 + 5));
        },
      },
    ]);
  }

  // baseIndex := '(' [%base] [',' %index [',' [scale]]] ')'
  private baseIndex(n: number): void {
    this.consume(n, T.LParen);
    this.option(n + 1, () => this.consume(n + 1, T.Register, { LABEL: "base" }));
    this.option(n + 2, () => {
      this.consume(n + 2, T.Comma, { LABEL: "biComma" });
      this.consume(n + 3, T.Register, { LABEL: "index" });
      this.option(n + 3, () => {
        this.consume(n + 4, T.Comma, { LABEL: "biComma" });
        this.option(n + 4, () => this.subrule(n + 1, this.expression, { LABEL: "scale" }));
      });
    });
    this.consume(n, T.RParen);
  }

  // directiveArgs := [arg] (',' [arg])*          — `.p2align 4,,15` has an empty argument
  directiveArgs = this.RULE("directiveArgs", () => {
    this.OPTION(() => this.SUBRULE(this.arg));
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.OPTION2(() => this.SUBRULE2(this.arg));
    });
  });

  // arg := string | @type | %type | expr
  // `%name` that is not a register is a type only as a whole argument (`.type f, %object`);
  // inside an expression it is a bad register name, reported as such.
  arg = this.RULE("arg", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.TypeName) },
      {
        GATE: () => endsArgument(this.LA(2).tokenType),
        ALT: () => this.CONSUME(T.PercentName),
      },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  // expr := term (binop term)*                   — precedence applied by the visitor
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.CONSUME(T.BinaryOp);
      this.SUBRULE2(this.term);
    });
  });

  // term := ('-' | '~' | '!' | '+')* (number | 'c' | name | .name | '.' | %reg | '(' expr ')')
  term = this.RULE("term", () => {
    this.MANY(() => this.CONSUME(T.UnaryOp));
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.CharLit) },
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.DotName) },
      { ALT: () => this.CONSUME(T.Dot) },
      { ALT: () => this.CONSUME(T.Register) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });
}

let instance: AsmParser | undefined;

/** The one parser, built on first use (self-analysis is the costly part). */
export function asmParser(): AsmParser {
  instance ??= new AsmParser();
  return instance;
}
