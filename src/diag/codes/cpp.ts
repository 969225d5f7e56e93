// Diagnostic codes of the cpp stage: code → one-line title. See ./index.ts for the ranges.
export const CPP_CODES: Readonly<Record<string, string>> = {};
