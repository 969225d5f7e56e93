// The Node implementation of the core's Host interface, and the CLI's own file helpers.
import { readFileSync, writeFileSync } from "node:fs";
import type { Host } from "../diag/index.js";

export const nodeHost: Host = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, "latin1");
    } catch {
      return undefined;
    }
  },
};

export function readBytes(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** Write a file; returns an error message instead of throwing. */
export function writeOutput(path: string, data: Uint8Array | string): string | undefined {
  try {
    writeFileSync(path, data);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT"
      ? `cannot write '${path}': no such directory`
      : `cannot write '${path}': ${(e as Error).message}`;
  }
}
