// Diagnostic codes of the trace stage (E8xxx): reading trace files and cost-model files. See ./index.ts for the ranges.
export const TRACE_CODES: Readonly<Record<string, string>> = {
  E8001: "trace line is not valid JSON",
  E8002: "trace record is not an object or has an unknown kind",
  E8003: "trace record field is missing or has the wrong type",
  E8004: "trace file is in the text format (only JSON Lines traces can be read back)",
  E8005: "trace file holds no records",
  W8001: "trace has no run-end record (the run was cut short or the file truncated)",
  E8006: "cost file is not valid JSON or not an object",
  E8007: "cost file names an unknown cost figure",
  E8008: "cost figure is not a non-negative number of cycles",
  W8002: "traces were recorded at different levels (compared at the lower one)",
  E8009: "binary trace is truncated (it ends inside a chunk or without its END chunk)",
  E8010: "binary trace has a version this entrylab does not read",
  E8011: "binary trace is corrupt (magic, varint, layout, value or chunk length)",
  E8012: "binary trace refers to a string or layout index that was never defined",
  W8003: "binary trace holds records of a kind this entrylab does not know (skipped)",
};
