// The cost model: turns trace records into ESTIMATED cycles. entrylab's machine counts retired
// instructions, not time; a reviewer comparing two entry designs still wants to know whether an
// extra CR3 write costs more than ten extra instructions. So every retired instruction costs
// `insn`, and each system record whose instruction (or delivery) is known to be expensive costs
// its figure instead: CR3 writes by flush behaviour, CR0/CR4/EFER writes, WRMSR, SWAPGS,
// SYSCALL, SYSRET, IRETQ, INVLPG, INVPCID, event delivery, page walks per level (at the `paging`
// level) and, at the `insn` level, the serialising instructions that have no record of their own.
//
// The defaults are round figures of the order of magnitude public sources report for recent
// Intel cores (docs/trace-format.md, "Cost model", names each source). They are estimates: real
// costs vary by micro-architecture and overlap with other work; the model ignores caches,
// pipelining and mitigations. A JSON file can override any figure (`--cost FILE`).
import type { DiagnosticBag, Loc, SourceFile } from "../diag/index.js";
import type { TraceRecord } from "./schema.js";

/** Every figure the model knows, in cycles. */
export interface CostFigures {
  /** An ordinary retired instruction. */
  insn: number;
  /** MOV to CR3 that flushes the whole non-global TLB (CR4.PCIDE = 0). */
  cr3Flush: number;
  /** MOV to CR3 with PCIDs and bit 63 clear: flushes the new PCID's entries. */
  cr3PcidFlush: number;
  /** MOV to CR3 with PCIDs and bit 63 set: no flush, still serialising. */
  cr3NoFlush: number;
  /** MOV to CR0/CR4, WRMSR to EFER. */
  crWrite: number;
  /** One paging-structure entry read by a page walk after a TLB miss (`walk` records). */
  walkLevel: number;
  /** Exception or interrupt delivery through the IDT (on top of any instruction). */
  deliver: number;
  iret: number;
  syscall: number;
  sysret: number;
  swapgs: number;
  wrmsr: number;
  /** A serialising instruction with no record of its own (CPUID, LGDT, LIDT, LTR): `insn` level. */
  serialising: number;
  invlpg: number;
  invpcid: number;
}

export type CostName = keyof CostFigures;

/** The defaults and, for the docs and `--cost` diagnostics, one line on each. */
export const DEFAULT_COSTS: Readonly<CostFigures> = {
  insn: 1,
  cr3Flush: 300,
  cr3PcidFlush: 250,
  cr3NoFlush: 200,
  crWrite: 150,
  walkLevel: 10,
  deliver: 150,
  iret: 100,
  syscall: 50,
  sysret: 50,
  swapgs: 25,
  wrmsr: 150,
  serialising: 100,
  invlpg: 150,
  invpcid: 200,
};

export const COST_NAMES = Object.keys(DEFAULT_COSTS) as CostName[];

/**
 * Mnemonics (as the disassembly spells them) of the serialising instructions (SDM Vol. 3A,
 * "Serializing Instructions") that have no system record; MOV CR, WRMSR, IRETQ and INVLPG do.
 */
const SERIALISING_MNEMONICS: ReadonlySet<string> = new Set(["cpuid", "lgdt", "lidt", "ltr", "lldt", "wbinvd", "invd", "serialize"]); // prettier-ignore

/** Record kinds that are a retired instruction of their own (their figure replaces `insn`). */
const INSTRUCTION_KINDS: ReadonlySet<string> = new Set(["cr", "wrmsr", "swapgs", "syscall", "sysret", "iret", "invlpg", "invpcid"]); // prettier-ignore

export class CostModel {
  readonly figures: Readonly<CostFigures>;

  constructor(overrides: Partial<CostFigures> = {}) {
    this.figures = { ...DEFAULT_COSTS, ...overrides };
  }

  /** The figure a record's event costs by itself (0 for records that cost nothing extra). */
  recordCycles(r: TraceRecord): number {
    const f = this.figures;
    switch (r.kind) {
      case "cr":
        if (r.reg !== "cr3") return f.crWrite;
        if (r.noflush === true) return f.cr3NoFlush;
        return r.pcid !== undefined && r.pcid !== 0 ? f.cr3PcidFlush : f.cr3Flush;
      case "walk":
        return f.walkLevel * r.levels;
      case "deliver":
        return f.deliver;
      case "iret":
      case "syscall":
      case "sysret":
      case "swapgs":
      case "wrmsr":
      case "invlpg":
      case "invpcid":
        return f[r.kind];
      case "insn":
        return SERIALISING_MNEMONICS.has(mnemonic(r.text)) ? f.serialising : 0;
      default:
        return 0;
    }
  }

  /**
   * What a record adds over the ordinary cost of the instructions counted around it: a record
   * that is itself an instruction replaces that instruction's `insn`; a delivery, a walk or a
   * serialising `insn` record adds its whole figure (less `insn` for the serialising one).
   */
  extraCycles(r: TraceRecord): number {
    const c = this.recordCycles(r);
    if (c === 0) return 0;
    const replaces = INSTRUCTION_KINDS.has(r.kind) || r.kind === "insn";
    return replaces ? c - this.figures.insn : c;
  }

  /** Estimated cycles of `instructions` retired instructions with `records` among them. */
  cycles(instructions: number, records: Iterable<TraceRecord>): number {
    let total = instructions * this.figures.insn;
    for (const r of records) total += this.extraCycles(r);
    return total;
  }
}

/** The mnemonic of a disassembly line (`mov %rax, %cr3` → `mov`). */
function mnemonic(text: string): string {
  const space = text.indexOf(" ");
  return space < 0 ? text : text.slice(0, space);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Where `"name"` stands as a key in the file (the whole file when it cannot be found). */
function keyLoc(file: SourceFile, name: string): Loc {
  const at = file.text.indexOf(JSON.stringify(name));
  if (at < 0) return { file: file.id, start: 0, end: 0 };
  return { file: file.id, start: at, end: at + JSON.stringify(name).length };
}

/** The offset V8 names in a JSON syntax error (`… at position N`), else 0. */
function syntaxErrorOffset(message: string, length: number): number {
  const m = /position (\d+)/.exec(message);
  return m ? Math.min(Number(m[1]), length) : 0;
}

/**
 * A cost model from a JSON override file: an object whose keys are figure names (COST_NAMES)
 * and whose values are non-negative finite numbers; figures not named keep their default.
 * Problems are diagnostics (E8006 not a JSON object, E8007 unknown figure, E8008 bad value) and
 * give undefined.
 */
export function parseCostFile(file: SourceFile, diags: DiagnosticBag): CostModel | undefined {
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (e) {
    const at = syntaxErrorOffset((e as Error).message, file.text.length);
    diags.error("E8006", { file: file.id, start: at, end: at }, `cost file is not valid JSON: ${(e as Error).message}`); // prettier-ignore
    return undefined;
  }
  if (!isObject(json)) {
    diags.error("E8006", { file: file.id, start: 0, end: 0 }, "a cost file must be a JSON object of figure names and cycle counts"); // prettier-ignore
    return undefined;
  }
  const overrides: Partial<CostFigures> = {};
  let ok = true;
  for (const [name, value] of Object.entries(json)) {
    if (!(COST_NAMES as string[]).includes(name)) {
      diags.error("E8007", keyLoc(file, name), `unknown cost figure '${name}' (known: ${COST_NAMES.join(", ")})`); // prettier-ignore
      ok = false;
    } else if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      diags.error("E8008", keyLoc(file, name), `cost figure '${name}' must be a non-negative number of cycles, not ${JSON.stringify(value)}`); // prettier-ignore
      ok = false;
    } else overrides[name as CostName] = value;
  }
  return ok ? new CostModel(overrides) : undefined;
}
