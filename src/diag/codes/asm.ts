// Diagnostic codes of the asm stage: code → one-line title. See ./index.ts for the ranges.
export const ASM_CODES: Readonly<Record<string, string>> = {};
