// matchInstruction: GNU as's rules for sizes, suffixes, aliases, prefixes and errors. Expected
// results were checked against GNU as 2.40 (`as --64`) on the development host.
import { describe, expect, it } from "vitest";
import type { MatchResult, OperandShape } from "../../../src/isa/index.js";
import { SPELLINGS } from "../../../src/isa/match-names.js";
import { CONDITIONS, IMPLIED_ONE, PREFIX_LOCK, PREFIX_NONE, PREFIX_REP, hasFixedRegisterForm, isMatchError, isOutsideSubset, matchInstruction, registerByName } from "../../../src/isa/index.js"; // prettier-ignore

const R = (n: string) => registerByName(n)!;
const reg = (n: string): OperandShape => ({ kind: "reg", reg: R(n) });
const imm = (value?: bigint): OperandShape => ({ kind: "imm", value });
const mem = (base?: string, index?: string): OperandShape => ({
  kind: "mem",
  hasBase: !!base,
  hasIndex: !!index,
  isRip: base === "rip",
  ...(base ? { base: R(base) } : {}),
  ...(index ? { index: R(index) } : {}),
});
const sym: OperandShape = { kind: "mem", hasBase: false, hasIndex: false, isRip: false };

function ok(
  spelled: string,
  ops: OperandShape[],
  prefixes: string[] = [],
): Exclude<MatchResult, { error: string }> {
  // prettier-ignore
  const r = matchInstruction(spelled, prefixes, ops);
  if (isMatchError(r)) throw new Error(`${spelled}: ${r.error}`);
  return r;
}
function err(spelled: string, ops: OperandShape[], prefixes: string[] = []) {
  const r = matchInstruction(spelled, prefixes, ops);
  if (!isMatchError(r)) throw new Error(`${spelled}: matched ${r.form.name}`);
  return r;
}
const formOf = (spelled: string, ops: OperandShape[], prefixes: string[] = []) => ok(spelled, ops, prefixes).form.name; // prettier-ignore

describe("operand size", () => {
  it("comes from the suffix", () => {
    expect(formOf("addq", [imm(1n), mem("rax")])).toBe("addEqId");
    expect(formOf("addb", [imm(1n), mem("rax")])).toBe("addEbIb");
    expect(formOf("addw", [imm(1n), mem("rax")])).toBe("addEwIw");
    expect(formOf("addl", [imm(1n), mem("rax")])).toBe("addEdId");
  });
  it("or from a register operand", () => {
    expect(formOf("add", [reg("rax"), reg("rbx")])).toBe("addEqGq");
    expect(formOf("add", [mem("rax"), reg("bx")])).toBe("addGwEw");
    expect(formOf("add", [imm(1n), reg("al")])).toBe("addEbIb");
    expect(formOf("ADD", [reg("ECX"), mem("rax")])).toBe("addEdGd");
  });
  it("rejects a register that contradicts the suffix or another register", () => {
    expect(err("addq", [reg("eax"), reg("rbx")])).toMatchObject({ kind: "size", error: "incorrect register `%eax' used with `q' suffix" }); // prettier-ignore
    expect(err("add", [reg("eax"), reg("rbx")])).toMatchObject({ kind: "size" });
    expect(err("incq", [reg("eax")]).error).toBe("incorrect register `%eax' used with `q' suffix");
    expect(err("movzbq", [reg("al"), reg("eax")]).kind).toBe("size");
  });
  it("defaults to 32 bits with gas's warning when nothing gives a size", () => {
    const r = ok("inc", [mem("rax")]);
    expect(r.form.name).toBe("incEd");
    expect(r.warnings).toEqual(["no instruction mnemonic suffix given and no register operands; using default for `inc'"]); // prettier-ignore
    expect(formOf("add", [imm(1n), mem("rax")])).toBe("addEdId");
    expect(formOf("bt", [imm(1n), mem("rax")])).toBe("btEdIb");
    expect(formOf("shl", [mem("rax")])).toBe("shlEdIb");
  });
  it("push, pop, jmp and call are 64-bit without a warning", () => {
    for (const [s, ops, name] of [
      ["push", [imm(1n)], "pushId"],
      ["push", [mem("rax")], "pushEq"],
      ["pop", [mem("rax")], "popEq"],
      ["pushq", [reg("rax")], "pushEq"],
    ] as const) {
      // prettier-ignore
      const r = ok(s, [...ops]);
      expect(r.form.name).toBe(name);
      expect(r.warnings).toEqual([]);
    }
    expect(err("push", [reg("eax")]).kind).toBe("size");
    expect(err("pushl", [mem("rax")])).toMatchObject({ kind: "size", error: "invalid instruction suffix for `push'" }); // prettier-ignore
  });
});

describe("immediates", () => {
  it("mov $imm,%r64 uses the sign-extended imm32 form when it fits, movabs otherwise", () => {
    expect(formOf("mov", [imm(-1n), reg("rax")])).toBe("movEqId");
    expect(formOf("mov", [imm(0x7fffffffn), reg("rax")])).toBe("movEqId");
    expect(formOf("mov", [imm(0xffffffffn), reg("rax")])).toBe("movabsGqIq");
    expect(formOf("movq", [imm(0x123456789n), reg("rax")])).toBe("movabsGqIq");
    expect(formOf("mov", [imm(undefined), reg("rax")])).toBe("movEqId");
    expect(formOf("movabs", [imm(1n), reg("rax")])).toBe("movabsGqIq");
    expect(err("movabs", [imm(1n), reg("eax")]).kind).toBe("size");
    expect(err("movq", [imm(0x123456789n), mem("rax")]).error).toBe(
      "operand type mismatch for `movq'",
    );
  });
  it("64-bit forms take imm32 sign-extended: 0xffffffff is an error, -1 and 2^64-1 are fine", () => {
    expect(err("addq", [imm(0xffffffffn), reg("rax")]).error).toBe(
      "operand type mismatch for `addq'",
    );
    expect(formOf("addq", [imm(0xffffffffffffffffn), reg("rax")])).toBe("addEqId");
    expect(formOf("addq", [imm(-0x80000000n), reg("rax")])).toBe("addEqId");
  });
  it("narrow immediates wrap with gas's warning outside (-2^n, 2^n)", () => {
    expect(ok("addb", [imm(300n), reg("al")]).warnings).toEqual(["0x12c shortened to 0x2c"]);
    expect(ok("addb", [imm(-200n), reg("al")]).warnings).toEqual([]);
    expect(ok("addb", [imm(-256n), reg("al")]).warnings).toEqual(["0xffffffffffffff00 shortened to 0x0"]); // prettier-ignore
    expect(ok("movw", [imm(0x10000n), mem("rax")]).warnings).toEqual(["0x10000 shortened to 0x0"]);
    expect(ok("movl", [imm(0x100000000n), reg("eax")]).warnings).toEqual(["0x100000000 shortened to 0x0"]); // prettier-ignore
  });
  it("counts and vectors must be in -128..255", () => {
    expect(err("shl", [imm(256n), reg("rax")]).kind).toBe("range");
    expect(formOf("shl", [imm(-1n), reg("rax")])).toBe("shlEqIb");
    expect(err("int", [imm(256n)]).kind).toBe("range");
    expect(formOf("int", [imm(0x80n)])).toBe("intIb");
  });
  it("int $3 is int3, as in gas", () => {
    expect(formOf("int", [imm(3n)])).toBe("int3");
  });
});

describe("special operand rules", () => {
  it("shl %reg means a count of 1", () => {
    const r = ok("shl", [reg("rax")]);
    expect(r.form.name).toBe("shlEqIb");
    expect(r.args).toEqual([IMPLIED_ONE, 0]);
    expect(formOf("sal", [reg("cl"), reg("eax")])).toBe("shlEdCL");
    expect(formOf("sarb", [mem("rax")])).toBe("sarEbIb");
  });
  it("test and xchg accept their operands in either order", () => {
    const t = ok("test", [mem("rax"), reg("rbx")]);
    expect(t.form.name).toBe("testEqGq");
    expect(t.args).toEqual([1, 0]);
    expect(ok("xchg", [mem("rax"), reg("ebx")]).args).toEqual([1, 0]);
  });
  it("imul $n,%reg is imul $n,%reg,%reg", () => {
    const r = ok("imul", [imm(3n), reg("rax")]);
    expect(r.form.name).toBe("imulGqEqId");
    expect(r.args).toEqual([0, 1, 1]);
    expect(formOf("imul", [imm(3n), mem("rax"), reg("ecx")])).toBe("imulGdEdId");
    expect(formOf("imul", [reg("rax")])).toBe("imulEq");
    expect(formOf("imul", [mem("rax"), reg("rbx")])).toBe("imulGqEq");
  });
  it("register-to-register mov uses the E,G form, as gas does", () => {
    expect(formOf("mov", [reg("rcx"), reg("rdx")])).toBe("movEqGq");
    expect(formOf("mov", [mem("rcx"), reg("rdx")])).toBe("movGqEq");
  });
  it("direct and indirect branches", () => {
    expect(formOf("jmp", [sym])).toBe("jmpJd");
    expect(formOf("call", [sym])).toBe("callJd");
    expect(ok("jmp", [{ kind: "indirect-reg", reg: R("rax") }]).warnings).toEqual([]);
    expect(formOf("call", [{ kind: "indirect-mem", hasBase: true, hasIndex: false, isRip: false }])).toBe("callEq"); // prettier-ignore
    expect(ok("jmp", [reg("rax")]).warnings).toEqual(["indirect jmp without `*'"]);
    expect(ok("call", [mem("rax")]).warnings).toEqual(["indirect call without `*'"]);
    expect(err("call", [{ kind: "indirect-reg", reg: R("eax") }]).kind).toBe("size");
    expect(err("add", [{ kind: "indirect-reg", reg: R("rax") }, reg("rbx")]).kind).toBe("operands");
    expect(formOf("jmpq", [{ kind: "indirect-mem" }])).toBe("jmpEq");
  });
  it("control, segment and port operands", () => {
    expect(formOf("mov", [reg("rax"), reg("cr3")])).toBe("movCGq");
    expect(formOf("movq", [reg("cr4"), reg("rbx")])).toBe("movGqC");
    expect(err("mov", [reg("eax"), reg("cr3")]).error).toBe("operand type mismatch for `mov'");
    for (const r of ["ax", "eax", "rax"]) expect(formOf("mov", [reg(r), reg("ds")])).toBe("movSEw");
    expect(formOf("mov", [mem("rax"), reg("ss")])).toBe("movSEw");
    expect(formOf("mov", [reg("fs"), reg("eax")])).toBe("movGdS");
    expect(formOf("mov", [reg("fs"), reg("rax")])).toBe("movGqS");
    expect(formOf("mov", [reg("fs"), mem("rax")])).toBe("movEwS");
    expect(err("mov", [reg("ax"), reg("cs")]).kind).toBe("operands");
    expect(formOf("in", [imm(0x60n), reg("al")])).toBe("inALIb");
    expect(formOf("in", [reg("dx"), reg("eax")])).toBe("inEAXDX");
    expect(formOf("out", [reg("al"), { kind: "mem", hasBase: true, hasIndex: false, isRip: false, base: R("dx") }])).toBe("outDXAL"); // prettier-ignore
    expect(err("in", [reg("dx"), reg("bl")]).kind).toBe("operands");
  });
  it("64-bit addressing only, no %rsp index, no index with %rip", () => {
    expect(err("mov", [mem("eax"), reg("rax")]).error).toBe("only 64-bit addressing is supported");
    expect(err("mov", [mem("rax", "rsp"), reg("rax")]).error).toBe("`%rsp' cannot be used as an index register"); // prettier-ignore
    expect(err("lea", [mem("rip", "rax"), reg("rax")]).error).toMatch(/RIP-relative/);
    expect(formOf("lea", [mem("rip"), reg("rax")])).toBe("leaGqM");
    expect(ok("lea", [{ ...mem("rax"), seg: R("gs") } as OperandShape, reg("rax")]).warnings).toEqual(["segment override on `lea' is ineffectual"]); // prettier-ignore
    expect(err("lea", [reg("rax"), reg("rbx")]).kind).toBe("operands");
  });
  it("AH..BH cannot appear with an operand that needs REX", () => {
    expect(err("movzbq", [reg("ah"), reg("rax")]).error).toBe("can't encode register '%ah' in an instruction requiring REX prefix"); // prettier-ignore
    expect(err("mov", [reg("ah"), mem("r8")]).kind).toBe("operands");
    expect(err("mov", [reg("ah"), reg("sil")]).kind).toBe("operands");
    expect(err("mov", [reg("bh"), mem("rax", "r9")]).kind).toBe("operands");
    expect(formOf("mov", [reg("ah"), reg("al")])).toBe("movEbGb");
    expect(formOf("movzbl", [reg("ah"), reg("eax")])).toBe("movzbGdEb");
  });
});

describe("mnemonic spellings", () => {
  it("accepts every condition alias for jcc, setcc and cmovcc", () => {
    for (const c of CONDITIONS) {
      for (const name of [c.name, ...c.aliases]) {
        expect(ok(`j${name}`, [sym]).form.cond).toBe(c.code);
        expect(ok(`set${name}`, [reg("al")]).form.cond).toBe(c.code);
        expect(ok(`cmov${name}`, [reg("rax"), reg("rbx")]).form.cond).toBe(c.code);
        expect(ok(`cmov${name}l`, [mem("rax"), reg("ebx")]).form.cond).toBe(c.code);
      }
    }
    expect(formOf("jz", [sym])).toBe("jeJd");
    expect(formOf("jnbe", [sym])).toBe("jaJd");
    expect(formOf("setpo", [mem("rax")])).toBe("setnpEb");
  });
  it("accepts AT&T and Intel extension and conversion names", () => {
    expect(formOf("movzbl", [mem("rax"), reg("eax")])).toBe("movzbGdEb");
    expect(formOf("movzb", [mem("rax"), reg("eax")])).toBe("movzbGdEb");
    expect(formOf("movzx", [reg("al"), reg("eax")])).toBe("movzbGdEb");
    expect(formOf("movsx", [reg("al"), reg("rax")])).toBe("movsbGqEb");
    expect(formOf("movswl", [reg("ax"), reg("eax")])).toBe("movswGdEw");
    expect(formOf("movslq", [mem("rax"), reg("rbx")])).toBe("movslGqEd");
    expect(formOf("movsxd", [reg("eax"), reg("rax")])).toBe("movslGqEd");
    expect(formOf("movsbw", [reg("al"), reg("ax")])).toBe("movsbGwEb");
    for (const [att, intel] of [
      ["cltq", "cdqe"],
      ["cqto", "cqo"],
      ["cltd", "cdq"],
      ["cwtl", "cwde"],
      ["cwtd", "cwd"],
      ["cbtw", "cbw"],
    ]) {
      // prettier-ignore
      expect(formOf(intel!, [])).toBe(att);
    }
  });
  it("string moves versus sign extension share the movs stem", () => {
    expect(formOf("movsb", [])).toBe("movsb");
    expect(formOf("movsl", [])).toBe("movsl");
    expect(formOf("movsb", [reg("al"), reg("eax")])).toBe("movsbGdEb");
    expect(err("movs", []).kind).toBe("unknown-mnemonic");
  });
  it("spells the 64-bit system returns with q only", () => {
    expect(formOf("iretq", [])).toBe("iretq");
    expect(formOf("sysretq", [])).toBe("sysretq");
    expect(formOf("lretq", [])).toBe("lretq");
    for (const s of ["iret", "sysret", "lret"]) expect(err(s, []).kind).toBe("unsupported");
    expect(err("sysretl", []).kind).toBe("unsupported");
    expect(formOf("pushf", [])).toBe("pushfq");
    expect(formOf("retq", [])).toBe("ret");
    expect(formOf("lgdtq", [mem("rax")])).toBe("lgdtM");
  });
  it("names x86 instructions outside the subset, and unknown words", () => {
    for (const s of [
      "fld",
      "fldl",
      "fistpll",
      "vmovdqa",
      "aesenc",
      "cmpxchg16b",
      "loop",
      "xorps",
      "paddd",
      "rdrand",
      "kmovw",
      "cvtsi2sd",
    ]) {
      // prettier-ignore
      expect(err(s, []), s).toMatchObject({ kind: "unsupported", error: `\`${s}' is outside the supported x86-64 subset` }); // prettier-ignore
    }
    expect(err("foo", [reg("eax")])).toEqual({ kind: "unknown-mnemonic", error: "no such instruction: `foo'" }); // prettier-ignore
    expect(err("add", []).error).toBe("number of operands mismatch for `add'");
  });
});

describe("prefixes", () => {
  it("lock needs a lockable instruction with a memory destination", () => {
    expect(ok("add", [reg("eax"), mem("rax")], ["lock"]).prefix).toBe(PREFIX_LOCK);
    expect(ok("btsl", [imm(1n), mem("rax")], ["lock"]).prefix).toBe(PREFIX_LOCK);
    expect(ok("xchg", [mem("rax"), reg("eax")], ["LOCK"]).prefix).toBe(PREFIX_LOCK);
    const msg = "expecting lockable instruction after `lock'";
    expect(err("add", [reg("eax"), reg("eax")], ["lock"])).toEqual({ kind: "prefix", error: msg });
    expect(err("cmp", [reg("eax"), mem("rax")], ["lock"]).error).toBe(msg);
    expect(err("bt", [reg("eax"), mem("rax")], ["lock"]).error).toBe(msg);
    expect(err("movl", [reg("eax"), mem("rax")], ["lock"]).error).toBe(msg);
    expect(err("add", [mem("rax"), reg("eax")], ["lock"]).error).toBe(msg);
  });
  it("rep goes on string moves and ret, and rep nop is pause", () => {
    expect(ok("stosq", [], ["rep"]).prefix).toBe(PREFIX_REP);
    expect(ok("movsb", [], ["repe"]).prefix).toBe(PREFIX_REP);
    expect(ok("ret", [], ["repz"]).prefix).toBe(PREFIX_REP);
    expect(ok("nop", [], ["rep"])).toMatchObject({ prefix: PREFIX_NONE, form: { name: "pause" } });
    expect(err("addl", [reg("eax"), reg("eax")], ["rep"]).error).toBe("invalid instruction `addl' after `rep'"); // prettier-ignore
    expect(err("movsb", [], ["repne"]).kind).toBe("prefix");
  });
  it("rejects repeated or conflicting prefixes", () => {
    expect(err("incl", [mem("rax")], ["lock", "lock"]).error).toBe(
      "same type of prefix used twice",
    );
    expect(err("movsb", [], ["rep", "repz"]).error).toBe("same type of prefix used twice");
    expect(err("movsb", [], ["lock", "rep"]).kind).toBe("prefix");
    expect(err("nop", [], ["data16"]).kind).toBe("prefix");
  });
});

describe("hasFixedRegisterForm", () => {
  it("names the mnemonics whose forms take AL/AX/EAX/RAX, CL or DX, in any spelling", () => {
    for (const m of ["shlq", "shl", "SARL", "rolb", "inb", "in", "outl", "out"])
      expect(hasFixedRegisterForm(m)).toBe(true);
    for (const m of ["movq", "mov", "xorq", "addl", "xchgq", "leaq", "pushq", "cmpb", "nosuch"])
      expect(hasFixedRegisterForm(m)).toBe(false);
  });

  it("agrees with the matcher: elsewhere %rax matches the form %rbx does", () => {
    for (const m of ["movq", "xorq", "addq", "xchgq", "testq", "cmpq"]) {
      const a = matchInstruction(m, [], [reg("rax"), reg("rsi")]);
      const b = matchInstruction(m, [], [reg("rbx"), reg("rsi")]);
      expect(isMatchError(a) || isMatchError(b)).toBe(false);
      if (!isMatchError(a) && !isMatchError(b)) expect(a.form).toBe(b.form);
    }
  });
});

describe("isOutsideSubset", () => {
  it("names no mnemonic the subset has (rdpid and lsl joined it; push is no vector p-name)", () => {
    const inside = [...SPELLINGS.keys()].filter((m) => isOutsideSubset(m));
    expect(inside).toEqual([]);
    expect(isOutsideSubset("rdrand")).toBe(true);
  });
});
