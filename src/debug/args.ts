// Arguments of debugger commands: counts, and address expressions as gdb takes them — a number
// (`0x…` or decimal), a symbol, `SYM+OFF`/`SYM-OFF`, a register (`$rsp`, `$rip`, `$rax`…), or a
// register plus or minus an offset. A bad argument is a one-line message, never an exception.
import { GPR64 } from "../isa/index.js";
import { u64, u64Pair } from "../vm/index.js";
import type { Cpu } from "../vm/index.js";
import { AmbiguousName, type Names } from "./names.js";

export class ArgError extends Error {}

const NUMBER = /^(0x[0-9a-f]+|\d+)$/i;
const EXPR =
  /^(?:([\w./-]+\.[A-Za-z]+):)?(\$?[A-Za-z_.][\w.$]*|0x[0-9a-f]+|\d+)\s*(?:([+-])\s*(0x[0-9a-f]+|\d+))?$/i;

export function parseCount(text: string | undefined, what: string, dflt: number): number {
  if (text === undefined) return dflt;
  if (!NUMBER.test(text)) throw new ArgError(`${what}: '${text}' is not a number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new ArgError(`${what}: '${text}' must be at least 1`); // prettier-ignore
  return n;
}

/** An address expression's value under CPU `c`'s registers. */
export function parseAddress(text: string, names: Names, c: Cpu): bigint {
  const m = EXPR.exec(text.trim());
  if (!m) throw new ArgError(`'${text}' is not an address (give SYM, FILE:SYM, SYM+OFF, 0xADDR or $reg)`); // prettier-ignore
  const base = valueOf(m[2]!, m[1], names, c);
  const off = m[4] === undefined ? 0n : BigInt(m[4]);
  return BigInt.asUintN(64, m[3] === "-" ? base - off : base + off);
}

function valueOf(term: string, file: string | undefined, names: Names, c: Cpu): bigint {
  if (file !== undefined && (NUMBER.test(term) || term.startsWith("$")))
    throw new ArgError(`'${file}:${term}': a FILE: prefix goes with a symbol`);
  if (NUMBER.test(term)) return BigInt(term);
  if (term.startsWith("$")) {
    const reg = term.slice(1).toLowerCase();
    if (reg === "rip" || reg === "pc") return u64(c.rip);
    const i = (GPR64 as readonly string[]).indexOf(reg === "sp" ? "rsp" : reg);
    if (i < 0) throw new ArgError(`no register '${term}' (the 64-bit GPRs, $rip, $pc, $sp)`);
    return u64Pair(c.rlo[i]!, c.rhi[i]!);
  }
  let v: bigint | undefined;
  try {
    v = names.lookup(term, file);
  } catch (e) {
    if (e instanceof AmbiguousName) throw new ArgError(e.message);
    throw e;
  }
  if (v === undefined) throw new ArgError(`no symbol '${term}' in ${file ?? "the images"}`);
  return v;
}
