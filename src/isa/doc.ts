// The supported subset as a Markdown table, generated from FORMS: docs/isa.md embeds this text
// between markers, and test/unit/isa/docs.test.ts keeps the two equal (UPDATE_GOLDEN=1 rewrites).
import { FLAGS_ALL } from "./spec.js";
import type { IsaForm } from "./spec.js";
import { FORMS } from "./table.js";
import { FLAG_AC, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_IOPL, FLAG_NT, FLAG_OF, FLAG_PF, FLAG_RF, FLAG_SF, FLAG_TF, FLAG_ZF, PREFIX_LOCK, PREFIX_REP } from "./types.js"; // prettier-ignore

const STATUS_LETTERS: [number, string][] = [
  [FLAG_OF, "O"], [FLAG_SF, "S"], [FLAG_ZF, "Z"], [FLAG_AF, "A"], [FLAG_PF, "P"], [FLAG_CF, "C"],
]; // prettier-ignore
const SYSTEM_NAMES: [number, string][] = [
  [FLAG_DF, "DF"], [FLAG_IF, "IF"], [FLAG_TF, "TF"], [FLAG_IOPL, "IOPL"], [FLAG_NT, "NT"], [FLAG_RF, "RF"], [FLAG_AC, "AC"],
]; // prettier-ignore

/** A flag mask as text: status flags as letters (OSZAPC), others by name; "all", or "". */
export function flagsText(mask: number): string {
  if (mask === FLAGS_ALL) return "all";
  const status = STATUS_LETTERS.filter(([b]) => mask & b)
    .map(([, l]) => l)
    .join("");
  const system = SYSTEM_NAMES.filter(([b]) => (mask & b) === b).map(([, n]) => n);
  return [status, ...system].filter((s) => s !== "").join(" ");
}

function notes(f: IsaForm): string {
  const n: string[] = [];
  if (f.privileged) n.push("CPL 0");
  if (f.iopl) n.push("IOPL");
  if (f.prefixes & (1 << PREFIX_LOCK)) n.push("lock");
  if (f.prefixes & (1 << PREFIX_REP)) n.push("rep");
  if (f.flow !== "none") n.push(f.flow);
  return n.join(", ");
}

function rowText(f: IsaForm): string {
  const hex = `0x${f.opcode.toString(16).padStart(4, "0")}`;
  const ops = f.operands.join(", ");
  const cells = [hex, `\`${f.name}\``, `\`${f.mnemonic}\``, String(f.size || ""), ops,
    flagsText(f.flagsRead), flagsText(f.flagsWritten), flagsText(f.flagsUndefined), notes(f)]; // prettier-ignore
  return `| ${cells.join(" | ")} |`;
}

/** The table of every form, one section per category. */
export function isaTableMarkdown(): string {
  const out: string[] = [];
  let category = "";
  for (const f of FORMS) {
    if (f.category !== category) {
      category = f.category;
      if (out.length > 0) out.push("");
      out.push(`### ${category}`, "");
      out.push("| opcode | form | mnemonic | size | operands (AT&T order) | reads | writes | undefined | notes |"); // prettier-ignore
      out.push("|---|---|---|---|---|---|---|---|---|");
    }
    out.push(rowText(f));
  }
  return out.join("\n") + "\n";
}

/** `opcode name` for every form: the frozen numbering (test/unit/isa/opcodes.golden.txt). */
export function opcodeListing(): string {
  return FORMS.map((f) => `0x${f.opcode.toString(16).padStart(4, "0")} ${f.name}`).join("\n") + "\n"; // prettier-ignore
}
