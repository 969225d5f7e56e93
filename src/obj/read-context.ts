// The state shared by the reader's passes: the file's bytes, its name, the diagnostic bag and the
// section headers decoded so far. Every problem goes through `error` so a pass can tell whether
// it found any; nothing here throws on bad input.
import { COMMAND_LINE, type DiagnosticBag } from "../diag/index.js";
import { ByteView } from "./bytes.js";

/** One Elf64_Shdr as read, before it is checked against the file. */
export interface RawSection {
  index: number;
  /** Resolved sh_name ("" until the names are read). */
  name: string;
  nameIndex: number;
  type: number;
  flags: bigint;
  addr: bigint;
  /** sh_offset and sh_size; undefined when they do not fit a safe integer. */
  offset: number | undefined;
  size: number | undefined;
  link: number;
  info: number;
  align: bigint;
  entsize: bigint;
}

export class ReadContext {
  readonly view: ByteView;
  private errorCount = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly name: string,
    readonly diags: DiagnosticBag,
  ) {
    this.view = new ByteView(bytes);
  }

  get errors(): number {
    return this.errorCount;
  }

  /** Report a problem with the file; the message is prefixed with the file name. */
  error(code: string, message: string): void {
    this.errorCount++;
    this.diags.error(code, COMMAND_LINE, `${this.name}: ${message}`);
  }

  warning(code: string, message: string): void {
    this.diags.warning(code, COMMAND_LINE, `${this.name}: ${message}`);
  }

  /** Whether [offset, offset + size) lies within the file. */
  inFile(offset: number | undefined, size: number | undefined): boolean {
    return offset !== undefined && size !== undefined && offset + size <= this.bytes.length;
  }

  /** "section [3] .data", the way readelf numbers sections. */
  describe(s: RawSection): string {
    return s.name === "" ? `section [${s.index}]` : `section [${s.index}] ${s.name}`;
  }
}

export function hex(v: number | bigint): string {
  return `0x${v.toString(16)}`;
}
