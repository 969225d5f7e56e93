// Checks on THE instruction table itself: the frozen opcode numbering (golden file), flag masks
// that agree with each other and with the SDM classes, and prefix/privilege/flow metadata.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CONDITIONS, FLAGS_STATUS, FLAG_CF, FLAG_DF, FORMS, OPCODE_FORM_MASK, PREFIX_LOCK, PREFIX_REP, conditionHolds, formByName, formByOpcode, opcodeListing } from "../../../src/isa/index.js"; // prettier-ignore
import { FLAGS_ALL } from "../../../src/isa/spec.js";
import { OC_E, operandClass } from "../../../src/isa/layout.js";

const GOLDEN = fileURLToPath(new URL("./opcodes.golden.txt", import.meta.url));

describe("opcode numbering", () => {
  it("matches the golden listing (UPDATE_GOLDEN=1 rewrites it; a change needs a BYTECODE_VERSION bump)", () => {
    const now = opcodeListing();
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, now);
    expect(now).toBe(readFileSync(GOLDEN, "utf8"));
  });
  it("is unique, non-zero, within the form mask, and found by formByOpcode", () => {
    const seen = new Set<number>();
    for (const f of FORMS) {
      expect(f.opcode).toBeGreaterThan(0);
      expect(f.opcode).toBeLessThanOrEqual(OPCODE_FORM_MASK);
      expect(seen.has(f.opcode)).toBe(false);
      seen.add(f.opcode);
      expect(formByOpcode(f.opcode)).toBe(f);
      expect(formByName(f.name)).toBe(f);
    }
    expect(formByOpcode(0)).toBeUndefined();
  });
});

describe("flag masks", () => {
  it("are consistent: undefined and written are disjoint, all within the modelled bits", () => {
    for (const f of FORMS) {
      expect(f.flagsUndefined & f.flagsWritten, f.name).toBe(0);
      expect(f.flagsRead & ~FLAGS_ALL, f.name).toBe(0);
      expect((f.flagsWritten | f.flagsUndefined) & ~FLAGS_ALL, f.name).toBe(0);
    }
  });
  it("of conditional forms read exactly their condition's flags", () => {
    for (const f of FORMS.filter((x) => x.cond >= 0)) {
      expect(f.flagsRead, f.name).toBe(CONDITIONS[f.cond]!.flags);
      expect(f.flagsWritten | f.flagsUndefined, f.name).toBe(0);
    }
    expect(FORMS.filter((f) => f.cond >= 0)).toHaveLength(16 * 3 + 16 + 16); // cmovcc wlq, setcc, jcc
  });
  it("follow the SDM classes", () => {
    const status = (n: string) => formByName(n)!.flagsWritten | formByName(n)!.flagsUndefined;
    for (const n of ["addEqGq", "subEbIb", "cmpGdEd", "negEw", "cmpxchgEqGq", "xaddEdGd"]) expect(formByName(n)!.flagsWritten, n).toBe(FLAGS_STATUS); // prettier-ignore
    for (const n of ["andEqGq", "orEbIb", "xorGdEd", "testEqIq".replace("Iq", "Id")]) expect(status(n), n).toBe(FLAGS_STATUS); // prettier-ignore
    expect(formByName("incEq")!.flagsWritten & FLAG_CF).toBe(0);
    expect(formByName("adcEqGq")!.flagsRead).toBe(FLAG_CF);
    expect(formByName("divEq")!.flagsUndefined).toBe(FLAGS_STATUS);
    expect(formByName("notEq")!.flagsWritten | formByName("notEq")!.flagsUndefined).toBe(0);
    expect(formByName("stosq")!.flagsRead).toBe(FLAG_DF);
    expect(formByName("movCGq")!.flagsUndefined).toBe(FLAGS_STATUS);
    expect(formByName("btEqGq")!.flagsWritten).toBe(FLAG_CF);
    for (const f of FORMS.filter((x) => x.mnemonic === "mov" || x.mnemonic === "lea")) {
      if (f.operands.includes("C")) continue;
      expect(f.flagsWritten | f.flagsUndefined, f.name).toBe(0);
    }
  });
  it("condition evaluation matches the SDM appendix B table", () => {
    const byName = new Map(CONDITIONS.map((c) => [c.name, c.code]));
    const F = { C: 1, Z: 0x40, S: 0x80, O: 0x800, P: 4 };
    expect(conditionHolds(byName.get("b")!, F.C)).toBe(true);
    expect(conditionHolds(byName.get("a")!, F.C)).toBe(false);
    expect(conditionHolds(byName.get("a")!, 0)).toBe(true);
    expect(conditionHolds(byName.get("l")!, F.S)).toBe(true);
    expect(conditionHolds(byName.get("l")!, F.S | F.O)).toBe(false);
    expect(conditionHolds(byName.get("le")!, F.Z)).toBe(true);
    expect(conditionHolds(byName.get("g")!, F.S | F.O)).toBe(true);
    expect(conditionHolds(byName.get("p")!, F.P)).toBe(true);
    for (const c of CONDITIONS) for (const fl of [0, F.C, F.Z, F.S, F.O, F.P, 0xfff]) expect(conditionHolds(c.code ^ 1, fl)).toBe(!conditionHolds(c.code, fl)); // prettier-ignore
  });
});

describe("prefixes, privilege and flow", () => {
  it("allow LOCK exactly on the SDM's lockable instructions, each with an E destination", () => {
    const lockable = new Set(
      FORMS.filter((f) => f.prefixes & (1 << PREFIX_LOCK)).map((f) => f.mnemonic),
    );
    expect([...lockable].sort()).toEqual(["adc", "add", "and", "btc", "btr", "bts", "cmpxchg", "dec", "inc", "neg", "not", "or", "sbb", "sub", "xadd", "xchg", "xor"]); // prettier-ignore
    for (const f of FORMS.filter((x) => x.prefixes & (1 << PREFIX_LOCK))) {
      expect(operandClass(f.operands[f.operands.length - 1]!), f.name).toBe(OC_E);
    }
  });
  it("allow REP on movs, stos and ret only", () => {
    const rep = new Set(FORMS.filter((f) => f.prefixes & (1 << PREFIX_REP)).map((f) => f.mnemonic));
    expect([...rep].sort()).toEqual(["movs", "ret", "stos"]);
  });
  it("mark the CPL-0 and IOPL-sensitive instructions", () => {
    const priv = new Set(FORMS.filter((f) => f.privileged).map((f) => f.mnemonic));
    expect([...priv].sort()).toEqual(["clac", "hlt", "invlpg", "invpcid", "lgdt", "lidt", "ltr", "mov", "rdmsr", "stac", "swapgs", "sysret", "wrmsr"]); // prettier-ignore
    expect(FORMS.filter((f) => f.privileged && f.mnemonic === "mov").map((f) => f.name).sort()).toEqual(["movCGq", "movGqC"]); // prettier-ignore
    const iopl = new Set(FORMS.filter((f) => f.iopl).map((f) => f.mnemonic));
    expect([...iopl].sort()).toEqual(["cli", "in", "out", "sti"]);
  });
  it("classify control flow", () => {
    expect(FORMS.filter((f) => f.flow === "jcc")).toHaveLength(16);
    expect(formByName("callEq")!.flow).toBe("call");
    expect(formByName("ret")!.flow).toBe("ret");
    expect(formByName("ud2")!.flow).toBe("trap");
    expect(formByName("movCGq")!.flow).toBe("system");
    expect(formByName("movGqC")!.flow).toBe("none");
  });
});
