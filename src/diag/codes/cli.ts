// Diagnostic codes of the command line (usage, options, files): code → one-line title.
// See ./index.ts for the ranges.
export const CLI_CODES: Readonly<Record<string, string>> = {
  E0001: "usage error: unknown option, missing argument or bad value",
  E0002: "cannot read an input file",
  E0003: "cannot write an output file",
  E0004: "unsupported input file type",
  E0005: "internal error (a bug in entrylab: please report it)",
};
