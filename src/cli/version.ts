// The tool's version (kept equal to package.json's by a test) and the bytecode version it writes.
import { BYTECODE_VERSION } from "../isa/types.js";

export const VERSION = "0.1.0";

export function versionText(): string {
  return `entrylab ${VERSION} (bytecode v${BYTECODE_VERSION})`;
}
