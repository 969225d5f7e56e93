// Section directives: `.text/.data/.bss/.rodata`, `.section name[, "flags"[, @type]]`,
// `.pushsection/.popsection` and `.previous`. Names are taken from the raw text so that names
// with `+` or `-` (`.discard.text+1`) and quoted names work.
import { ASM } from "../diag/codes/asm.js";
import type { SectionType } from "../obj/index.js";
import type { Assembler, StmtCtx } from "./assembler.js";
import type { Directive } from "./directives.js";
import type { Loc } from "../diag/index.js";

interface SectionAttrs {
  type: SectionType;
  alloc: boolean;
  write: boolean;
  exec: boolean;
}

/** gas's defaults for well-known names when no flags are given (ELF). */
function defaults(name: string): SectionAttrs {
  const is = (p: string) => name === p || name.startsWith(`${p}.`);
  if (is(".text")) return { type: "progbits", alloc: true, write: false, exec: true };
  if (is(".data")) return { type: "progbits", alloc: true, write: true, exec: false };
  if (is(".bss")) return { type: "nobits", alloc: true, write: true, exec: false };
  if (is(".rodata")) return { type: "progbits", alloc: true, write: false, exec: false };
  if (name.startsWith(".note")) return { type: "note", alloc: false, write: false, exec: false };
  return { type: "progbits", alloc: false, write: false, exec: false };
}

export function simpleSection(a: Assembler, _ctx: StmtCtx, _d: Directive, name: string): void {
  switchToSection(a, name);
}

/** `.section name` without flags or type: the section, made with gas's defaults if new. */
export function switchToSection(a: Assembler, name: string): void {
  const attrs = defaults(name);
  a.switchTo(a.section(name, attrs.type, attrs));
}

/** Split the raw operand text at commas outside quotes. */
function splitRest(rest: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (ch === '"' && rest[i - 1] !== "\\") quoted = !quoted;
    if (ch === "," && !quoted) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const unquote = (s: string) =>
  s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;

/** Flag letters gas accepts; only a, w and x matter to entrylab, the others are ignored. */
const IGNORED_FLAGS = "MSGTodRey?";

export function sectionDirective(a: Assembler, ctx: StmtCtx, d: Directive, push: boolean): void {
  const parts = splitRest(d.rest);
  const name = unquote(parts[0] ?? "");
  const loc = a.loc(ctx, d.restSpan);
  if (!name || /[\s]/.test(name)) {
    a.diags.error(ASM.BAD_SECTION, loc, `${d.name}: expected a section name`);
    return;
  }
  let attrs = defaults(name);
  if (parts[1] !== undefined) {
    const flags = unquote(parts[1]);
    attrs = {
      type: attrs.type === "nobits" ? "nobits" : "progbits",
      alloc: false,
      write: false,
      exec: false,
    };
    for (const f of flags) {
      if (f === "a") attrs.alloc = true;
      else if (f === "w") attrs.write = true;
      else if (f === "x") attrs.exec = true;
      else if (!IGNORED_FLAGS.includes(f)) {
        a.diags.error(ASM.BAD_SECTION, loc, `unknown section flag '${f}' in "${flags}"`);
        return;
      }
    }
  }
  if (parts[2] !== undefined) {
    const t = parts[2].replace(/^[@%]/, "").toLowerCase();
    if (t !== "progbits" && t !== "nobits" && t !== "note") {
      a.diags.error(
        ASM.BAD_SECTION,
        loc,
        `unknown section type '${parts[2]}' (expected @progbits, @nobits or @note)`,
      );
      return;
    }
    attrs.type = t;
  }
  const old = a.existingSection(name);
  if (parts[1] !== undefined && !attributesAgree(a, loc, name, old, attrs, parts[2] !== undefined))
    return;
  const sec = a.section(name, attrs.type, attrs);
  if (push) a.stack.push({ sec: a.sec, prev: a.prev });
  a.switchTo(sec);
}

/** Names gas knows the attributes of: other attributes for them are ignored (with a warning). */
const SPECIAL = new Set([".text", ".data", ".bss", ".rodata"]);

/**
 * gas on flags given for a section seen before: the same attributes are fine; for a special
 * section different ones are ignored with a warning; otherwise they are an error. Returns false
 * after an error (the directive does nothing).
 */
function attributesAgree(
  a: Assembler,
  loc: Loc,
  name: string,
  old: { type: SectionType; alloc: boolean; write: boolean; exec: boolean } | undefined,
  attrs: SectionAttrs,
  typeGiven: boolean,
): boolean {
  const ref = old ?? (SPECIAL.has(name) ? defaults(name) : undefined);
  if (!ref) return true;
  const sameFlags = ref.alloc === attrs.alloc && ref.write === attrs.write && ref.exec === attrs.exec; // prettier-ignore
  const sameType = !typeGiven || ref.type === attrs.type;
  if (sameFlags && sameType) return true;
  if (SPECIAL.has(name)) {
    const what = sameType ? "section attributes" : "section type";
    const verb = old ? "ignoring changed" : "setting incorrect";
    a.diags.warning(ASM.SECTION_ATTRS, loc, `${verb} ${what} for ${name}`);
    if (old) Object.assign(attrs, { type: old.type, alloc: old.alloc, write: old.write, exec: old.exec }); // prettier-ignore
    return true;
  }
  if (!sameType) a.diags.error(ASM.BAD_SECTION, loc, `changed section type for ${name}`);
  else a.diags.error(ASM.BAD_SECTION, loc, `changed section attributes for ${name}`);
  return false;
}

export function popSection(a: Assembler, ctx: StmtCtx, d: Directive): void {
  const top = a.stack.pop();
  if (!top) {
    a.diags.error(ASM.SECTION_STACK, a.loc(ctx, d.span), ".popsection without .pushsection");
    return;
  }
  a.sec = top.sec;
  a.prev = top.prev;
}

export function previousSection(a: Assembler, ctx: StmtCtx, d: Directive): void {
  const prev = a.prev;
  if (!prev) {
    a.diags.error(ASM.SECTION_STACK, a.loc(ctx, d.span), ".previous without a previous section");
    return;
  }
  a.prev = a.sec;
  a.sec = prev;
}
