// The Node implementation of the core's Host interface, and the CLI's own file helpers.
import { isUtf8 } from "node:buffer";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import type { Host } from "../diag/index.js";

export const nodeHost: Host = {
  /**
   * The file as UTF-8 text, as the in-memory hosts give it: a string literal's characters then
   * become their UTF-8 bytes again (src/asm/lexer.ts decodeString), the bytes GNU as copies. A
   * file that is not UTF-8 is read one character per byte.
   */
  readFile(path: string): string | undefined {
    try {
      const bytes = readFileSync(path);
      return bytes.toString(isUtf8(bytes) ? "utf8" : "latin1");
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

/** Why a file operation failed, in words (Node's messages repeat the syscall and the path). */
const ERRNO_WORDS: Record<string, string> = {
  EISDIR: "it is a directory",
  ENOTDIR: "a component of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
};

/** "cannot read 'x'", with the reason when it is not simply a missing file. */
export function cannotRead(path: string): string {
  let reason: string | undefined;
  try {
    if (statSync(path).isDirectory()) reason = ERRNO_WORDS.EISDIR;
    else readFileSync(path);
  } catch (e) {
    reason = ERRNO_WORDS[(e as NodeJS.ErrnoException).code ?? ""];
  }
  return reason === undefined ? `cannot read '${path}'` : `cannot read '${path}': ${reason}`;
}

/** Write a file; returns an error message instead of throwing. */
export function writeOutput(path: string, data: Uint8Array | string): string | undefined {
  try {
    writeFileSync(path, data);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const reason = code === "ENOENT" ? "no such directory" : (ERRNO_WORDS[code] ?? code);
    return `cannot write '${path}': ${reason || (e as Error).message}`;
  }
}
