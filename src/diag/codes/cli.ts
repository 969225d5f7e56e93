// Diagnostic codes of the cli stage: code → one-line title. See ./index.ts for the ranges.
export const CLI_CODES: Readonly<Record<string, string>> = {};
