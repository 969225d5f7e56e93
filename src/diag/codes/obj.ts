// Diagnostic codes of the obj stage: code → one-line title. See ./index.ts for the ranges.
export const OBJ_CODES: Readonly<Record<string, string>> = {};
