// Diagnostic codes of the vm stage (E7xxx): code → one-line title. See ./index.ts for the ranges.
export const VM_CODES: Readonly<Record<string, string>> = {
  E7001: "image is not an executable (ET_EXEC) image",
  E7002: "image segment does not fit in guest physical memory",
  E7003: "image segments overlap",
  E7004: "image entry point is outside every loadable segment",
  E7005: "image segment overlaps the flat64 boot structures",
  E7006: "invalid machine option",
  E7007: "image entry point is not reachable through the flat64 identity map",
};
