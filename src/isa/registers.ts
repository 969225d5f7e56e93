// The registers the subset names, numbered as the x86 encoding numbers them (SDM vol. 2, 2.1.5,
// tables 2-2 and 3-1): rax=0 rcx=1 rdx=2 rbx=3 rsp=4 rbp=5 rsi=6 rdi=7 r8..r15=8..15.

export type RegClass = "gpr" | "seg" | "cr" | "rip";

export interface Register {
  /** AT&T spelling without the `%`. */
  readonly name: string;
  readonly cls: RegClass;
  /** Width in bits: 8, 16, 32 or 64 (segment registers 16, control registers 64). */
  readonly size: 8 | 16 | 32 | 64;
  /**
   * Encoding number: GPR 0–15; AH CH DH BH are 0x10–0x13 (the legacy high-byte registers);
   * segment registers ES=0 CS=1 SS=2 DS=3 FS=4 GS=5; control registers their CR number.
   */
  readonly num: number;
}

export const GPR64 = [
  "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
  "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
] as const; // prettier-ignore
export const GPR32 = [
  "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
  "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
] as const; // prettier-ignore
export const GPR16 = [
  "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
  "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
] as const; // prettier-ignore
export const GPR8 = [
  "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
  "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
] as const; // prettier-ignore
/** Legacy high-byte registers, encoded 0x10–0x13; not usable with a REX-requiring operand. */
export const GPR8_HIGH = ["ah", "ch", "dh", "bh"] as const;
export const HIGH_BYTE_BASE = 0x10;
export const SEGMENT_REGISTERS = ["es", "cs", "ss", "ds", "fs", "gs"] as const;
export const CONTROL_REGISTERS = [0, 2, 3, 4, 8] as const;

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7; // prettier-ignore
export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5; // prettier-ignore

const table = new Map<string, Register>();
function define(name: string, cls: RegClass, size: Register["size"], num: number): void {
  table.set(name, Object.freeze({ name, cls, size, num }));
}
GPR64.forEach((n, i) => define(n, "gpr", 64, i));
GPR32.forEach((n, i) => define(n, "gpr", 32, i));
GPR16.forEach((n, i) => define(n, "gpr", 16, i));
GPR8.forEach((n, i) => define(n, "gpr", 8, i));
GPR8_HIGH.forEach((n, i) => define(n, "gpr", 8, HIGH_BYTE_BASE + i));
SEGMENT_REGISTERS.forEach((n, i) => define(n, "seg", 16, i));
CONTROL_REGISTERS.forEach((n) => define(`cr${n}`, "cr", 64, n));
define("rip", "rip", 64, 0x10);

/** Look a register up by its AT&T name without `%` (case-insensitive, as GNU as). */
export function registerByName(name: string): Register | undefined {
  return table.get(name.toLowerCase());
}

/** The GPR of a given encoding number and size, e.g. (0, 32) → eax. */
export function gprName(num: number, size: 8 | 16 | 32 | 64): string {
  if (size === 8 && num >= HIGH_BYTE_BASE) return GPR8_HIGH[num - HIGH_BYTE_BASE]!;
  const names = size === 64 ? GPR64 : size === 32 ? GPR32 : size === 16 ? GPR16 : GPR8;
  return names[num]!;
}

/** True for registers that need a REX prefix in real x86 (so cannot mix with AH..BH). */
export function needsRex(reg: Register): boolean {
  if (reg.cls !== "gpr") return false;
  if (reg.num >= 8 && reg.num < HIGH_BYTE_BASE) return true;
  return reg.size === 8 && reg.num >= 4 && reg.num < 8;
}
