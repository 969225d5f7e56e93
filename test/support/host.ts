// The Host the tests give entrylab's core: the real file system, read as latin1 (one byte, one
// character, as the assembler's byte-level directives expect); undefined for a file it cannot read.
import { readFileSync } from "node:fs";
import type { Host } from "../../src/diag/index.js";

export const fileHost: Host = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, "latin1");
    } catch {
      return undefined;
    }
  },
};
