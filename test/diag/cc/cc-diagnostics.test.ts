// Bad handler-C input → the expected diagnostic: code, file:line:col and message. Each case is
// a small program whose first error is the one named; none may throw.
import { describe, expect, it } from "vitest";
import { compileText } from "../../../src/cc/index.js";
import { DiagnosticBag, memoryHost, SourceManager } from "../../../src/diag/index.js";

interface Case {
  name: string;
  src: string;
  code: string;
  at: string;
  message: string | RegExp;
}

const CASES: Case[] = [
  {
    name: "undeclared identifier",
    src: "int f(void) { return y; }",
    code: "E6002",
    at: "1:22",
    message: "use of undeclared identifier 'y'",
  },
  {
    name: "undeclared function",
    src: "int f(void) { return g(1); }",
    code: "E6030",
    at: "1:22",
    message: "call to undeclared function 'g'",
  },
  {
    name: "assign to rvalue",
    src: "int f(int a) { a + 1 = 2; return a; }",
    code: "E6003",
    at: "1:18",
    message: /not assignable/,
  },
  {
    name: "increment of a constant",
    src: "int f(void) { return 3++; }",
    code: "E6003",
    at: "1:22",
    message: /needs an lvalue/,
  },
  {
    name: "address of an rvalue",
    src: "int *f(int a) { return &(a + 1); }",
    code: "E6003",
    at: "1:28",
    message: "cannot take the address of an rvalue",
  },
  {
    name: "assign to an array",
    src: "int a[2], b[2]; void f(void) { a = b; }",
    code: "E6003",
    at: "1:32",
    message: /not assignable/,
  },
  {
    name: "too few arguments",
    src: "int g(int, int); int f(void) { return g(1); }",
    code: "E6004",
    at: "1:40",
    message: "too few arguments to 'g': expected 2, have 1",
  },
  {
    name: "too many arguments",
    src: "int g(int); int f(void) { return g(1, 2); }",
    code: "E6004",
    at: "1:35",
    message: "too many arguments to 'g': expected 1, have 2",
  },
  {
    name: "void function with arguments",
    src: "void g(void); void f(void) { g(1); }",
    code: "E6004",
    at: "1:31",
    message: /too many arguments/,
  },
  {
    name: "incompatible pointer assignment",
    src: "void f(void) { int *p; char *q = 0; p = q; }",
    code: "E6005",
    at: "1:39",
    message: "incompatible pointer types assigning to 'int *' from 'char *'",
  },
  {
    name: "incompatible pointer argument",
    src: "void g(long *p); void f(int *q) { g(q); }",
    code: "E6005",
    at: "1:37",
    message: /incompatible pointer types passing argument 1/,
  },
  {
    name: "incompatible pointer return",
    src: "char *f(int *p) { return p; }",
    code: "E6005",
    at: "1:26",
    message: /incompatible pointer types returning 'char \*' from 'int \*'/,
  },
  {
    name: "float type",
    src: "float x;",
    code: "E6006",
    at: "1:1",
    message: "floating-point types are not supported in handler-C",
  },
  {
    name: "double constant",
    src: "long x = 1.5;",
    code: "E6006",
    at: "1:10",
    message: "floating constants are not supported in handler-C",
  },
  {
    name: "VLA",
    src: "void f(int n) { int a[n]; }",
    code: "E6006",
    at: "1:22",
    message: "variable-length arrays are not supported in handler-C",
  },
  {
    name: "_Generic",
    src: "int x = _Generic(1, int: 2);",
    code: "E6006",
    at: "1:9",
    message: "_Generic is not supported in handler-C",
  },
  {
    name: "bit-field wider than its type",
    src: "struct s { int a : 33; };",
    code: "E6034",
    at: "1:18",
    message: "width of bit-field 'a' (33) exceeds its type (32 bits)",
  },
  {
    name: "variadic definition",
    src: "int f(int a, ...) { return a; }",
    code: "E6006",
    at: "1:5",
    message: "defining variadic functions is not supported in handler-C",
  },
  {
    name: "incomplete struct parameter",
    src: "struct q; int f(struct q v) { return 0; }",
    code: "E6020",
    at: "1:26",
    message: /incomplete/,
  },
  {
    name: "K&R parameters",
    src: "int f(a) int a; { return a; }",
    code: "E6006",
    at: "1:7",
    message: /K&R-style/,
  },
  {
    name: "binary operands",
    src: "struct s { int a; } x; int f(void) { return x + 1; }",
    code: "E6007",
    at: "1:47",
    message: "invalid operands to binary + (have 'struct s' and 'int')",
  },
  {
    name: "shift of a pointer",
    src: "int f(int *p) { return p << 1; }",
    code: "E6007",
    at: "1:26",
    message: /invalid operands to binary <</,
  },
  {
    name: "no such member",
    src: "struct s { int a; } x; int f(void) { return x.b; }",
    code: "E6008",
    at: "1:47",
    message: "no member named 'b' in 'struct s'",
  },
  {
    name: "member of non-struct",
    src: "int f(int x) { return x.a; }",
    code: "E6008",
    at: "1:25",
    message: /not a structure or union/,
  },
  {
    name: "deref of an integer",
    src: "int f(int x) { return *x; }",
    code: "E6009",
    at: "1:23",
    message: /indirection requires a pointer operand/,
  },
  {
    name: "call of a non-function",
    src: "int f(int x) { return x(); }",
    code: "E6010",
    at: "1:23",
    message: /is not a function or function pointer/,
  },
  {
    name: "redefined local",
    src: "void f(void) { int a; long a; }",
    code: "E6011",
    at: "1:28",
    message: "redefinition of 'a'",
  },
  {
    name: "redefined function",
    src: "int f(void) { return 1; } int f(void) { return 2; }",
    code: "E6011",
    at: "1:31",
    message: "redefinition of 'f'",
  },
  {
    name: "conflicting types",
    src: "int f(int); long f(int);",
    code: "E6011",
    at: "1:18",
    message: "conflicting types for 'f'",
  },
  {
    name: "non-constant global",
    src: "int a; int b = a;",
    code: "E6012",
    at: "1:16",
    message: /not a compile-time constant/,
  },
  {
    name: "non-constant case",
    src: "int f(int x, int y) { switch (x) { case y: return 1; } return 0; }",
    code: "E6012",
    at: "1:41",
    message: /not a compile-time constant/,
  },
  {
    name: "bad asm constraint",
    src: 'void f(int x) { asm("" : : "z"(x)); }',
    code: "E6013",
    at: "1:28",
    message: /invalid input constraint 'z'/,
  },
  {
    name: "asm output without =",
    src: 'void f(int x) { asm("" : "r"(x)); }',
    code: "E6013",
    at: "1:26",
    message: "output operand constraint lacks '=' or '+'",
  },
  {
    name: "asm output not an lvalue",
    src: 'void f(int x) { asm("" : "=r"(x + 1)); }',
    code: "E6003",
    at: "1:33",
    message: /asm output/,
  },
  {
    name: "asm i with a variable",
    src: 'void f(int x) { asm("" : : "i"(x)); }',
    code: "E6013",
    at: "1:32",
    message: /impossible constraint 'i'/,
  },
  {
    name: "asm unknown clobber",
    src: 'void f(void) { asm("nop" : : : "xmm9"); }',
    code: "E6013",
    at: "1:16",
    message: "unknown register name 'xmm9' in asm",
  },
  {
    name: "asm bad operand number",
    src: 'void f(int x) { asm("mov %3, %%eax" : : "r"(x)); }',
    code: "E6014",
    at: "1:17",
    message: /invalid operand reference/,
  },
  {
    name: "break outside loop",
    src: "void f(void) { break; }",
    code: "E6015",
    at: "1:16",
    message: "'break' statement not in loop or switch statement",
  },
  {
    name: "continue outside loop",
    src: "void f(int x) { switch (x) { case 1: continue; } }",
    code: "E6016",
    at: "1:38",
    message: "'continue' statement not in loop statement",
  },
  {
    name: "case outside switch",
    src: "void f(void) { case 1: ; }",
    code: "E6017",
    at: "1:16",
    message: "'case' statement not in switch statement",
  },
  {
    name: "duplicate case",
    src: "void f(int x) { switch (x) { case 1: case 1: ; } }",
    code: "E6018",
    at: "1:38",
    message: "duplicate case value '1'",
  },
  {
    name: "undefined label",
    src: "void f(void) { goto out; }",
    code: "E6019",
    at: "1:16",
    message: "use of undeclared label 'out'",
  },
  {
    name: "incomplete struct",
    src: "struct s; struct s x;",
    code: "E6020",
    at: "1:20",
    message: /incomplete type/,
  },
  {
    name: "sizeof void",
    src: "long n = sizeof(void);",
    code: "E6020",
    at: "1:10",
    message: /invalid application of 'sizeof'/,
  },
  {
    name: "return value from void",
    src: "void f(void) { return 1; }",
    code: "E6021",
    at: "1:23",
    message: "void function 'f' should not return a value",
  },
  {
    name: "cast to struct",
    src: "struct s { int a; }; int f(int x) { (struct s)x; return 0; }",
    code: "E6022",
    at: "1:37",
    message: /cast to 'struct s' is not allowed/,
  },
  {
    name: "struct from int",
    src: "struct s { int a; } x; void f(void) { x = 1; }",
    code: "E6022",
    at: "1:41",
    message: /incompatible types assigning to 'struct s' from 'int'/,
  },
  {
    name: "assign to const",
    src: "const int c = 1; void f(void) { c = 2; }",
    code: "E6023",
    at: "1:33",
    message: "cannot assign to a const-qualified object",
  },
  {
    name: "stray character",
    src: "int x = 1 @ 2;",
    code: "E6024",
    at: "1:11",
    message: "stray '@' in program",
  },
  {
    name: "negative array size",
    src: "int a[-1];",
    code: "E6031",
    at: "1:6",
    message: "size of array is negative",
  },
  {
    name: "division by zero constant",
    src: "int a = 1 / 0;",
    code: "E6028",
    at: "1:11",
    message: "division by zero in a constant expression",
  },
  {
    name: "missing semicolon",
    src: "int f(void) { return 1 }",
    code: "E6001",
    at: "1:24",
    message: "expected ';' before '}'",
  },
  {
    name: "unterminated block",
    src: "int f(void) { return 1;",
    code: "E6001",
    at: "1:24",
    message: /expected '}' before end of input/,
  },
  {
    name: "array index out of bounds",
    src: "int a[2] = { [5] = 1 };",
    code: "E6025",
    at: "1:14",
    message: /exceeds array bounds/,
  },
  {
    name: "bad aligned attribute",
    src: "int x __attribute__((aligned(3)));",
    code: "E6029",
    at: "1:30",
    message: /power of 2/,
  },
];

function compile(src: string) {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = compileText("bad.c", src + "\n", { host: memoryHost({}), sources, diags });
  return { r, diags, sources };
}

describe("handler-C diagnostics", () => {
  it("has at least 30 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES)("$name → $code at $at", (c) => {
    const { r, diags, sources } = compile(c.src);
    const first = diags.errors[0];
    expect(first, JSON.stringify(diags.items.map((d) => d.message))).toBeDefined();
    expect(first!.code).toBe(c.code);
    expect(sources.format(first!.loc!)).toBe(`bad.c:${c.at}`);
    if (typeof c.message === "string") expect(first!.message).toBe(c.message);
    else expect(first!.message).toMatch(c.message);
    expect(r.asm).toBeUndefined();
  });
});
