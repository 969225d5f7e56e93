// FLAT64_LAYOUT: the default layout, for bare-metal images on the flat64 boot protocol
// (docs/machine.md): linked at physical = virtual addresses from 1 MiB, every output section on
// its own 4 KiB page(s) so each gets a PT_LOAD with its own permissions. Text first, then the
// read-only data, the writable data and the zero-filled .bss, as ld's default script orders them.
import { DiagnosticBag } from "../diag/index.js";
import type { LayoutSpec } from "./layout-spec.js";
import { parseLayout } from "./layout-parse.js";

export const FLAT64_LAYOUT_TEXT = `\
# flat64: physical = virtual addresses from 1 MiB (docs/linker.md)
entry _start
. = 0x100000
.text : .text .text.* .noinstr.text
align 4K
__entry_text_start = .
.entry.text : .entry.text
__entry_text_end = .
align 4K
.altinstr_replacement : .altinstr_replacement
align 4K
.rodata : .rodata .rodata.*
align 4K
__alt_instructions = .
.altinstructions : .altinstructions
__alt_instructions_end = .
align 4K
.data : .data .data.*
align 4K
__bss_start = .
.bss : .bss .bss.*
_end = .
`;

/**
 * Parse a layout that ships with entrylab. Its locations are the command line (file 0), since its
 * text is in no user's SourceManager; an error in it is a bug, so it throws.
 */
export function builtinLayout(name: string, text: string): LayoutSpec {
  const diags = new DiagnosticBag();
  const spec = parseLayout(text, { diags });
  if (!spec) throw new Error(`internal: ${name}: ${diags.items.map((d) => d.message).join("; ")}`);
  return spec;
}

export const FLAT64_LAYOUT: LayoutSpec = builtinLayout("flat64 layout", FLAT64_LAYOUT_TEXT);
