// isa: the x86-64 subset entrylab assembles and runs — registers, THE instruction table (one row
// per form), the bytecode encoder/decoder, the disassembler and the assembler's operand matcher.
// A leaf module: it imports nothing outside src/isa.
export * from "./types.js";
export * from "./registers.js";
export { CONDITIONS, conditionHolds } from "./conditions.js";
export type { Condition } from "./conditions.js";
export type { IsaForm, SuffixPolicy, Category } from "./spec.js";
export { FORMS, formByOpcode, formByName, suffixLetter } from "./table.js";
export { layout, operandBytes, operandClass, kindBits, MEM_DISP_OFFSET, OPCODE_WORD_SIZE, OC_FIXED, OC_E, OC_M } from "./layout.js"; // prettier-ignore
export type { Layout } from "./layout.js";
export { encode, writeMem } from "./encode.js";
export { decode } from "./decode.js";
export { disassemble } from "./disasm.js";
export type { DisassembleOptions } from "./disasm.js";
export { matchInstruction, isMatchError, canonicalSpelling, IMPLIED_ONE } from "./match.js";
export type { MatchResult, MatchOk, MatchError, OperandShape, MemShape, MatchErrorKind } from "./match.js"; // prettier-ignore
export { hasFixedRegisterForm, isOutsideSubset } from "./match-names.js";
export { isaTableMarkdown, opcodeListing, flagsText } from "./doc.js";
