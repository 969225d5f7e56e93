// Measures the assembler front end on distinct, realistic entry-code lines, as the driver calls
// it (once per distinct line text): parseLine (src/asm/parse-line.ts: Chevrotain lex + parse +
// visit) and parseLineFast (src/asm/line-template.ts: one Chevrotain parse per line shape, then
// the visitor per line), which the assembler uses. Bundles the TypeScript with esbuild first
// (bench/lib.mjs). Usage: node bench/parse.mjs [lines]
import { importBundle } from "./lib.mjs";

const COUNT = Number(process.argv[2] ?? 100_000);
const { parseLine, parseLineFast } = await importBundle("parse", {
  source:
    'export { parseLine } from "./src/asm/parse-line.ts";' +
    'export { parseLineFast } from "./src/asm/line-template.ts";',
});

/** Deterministic line generator (entry_64.S flavour); every line text is distinct. */
function line(i) {
  const r = ["%rax", "%rbx", "%rcx", "%rdx", "%rsi", "%rdi", "%r8", "%r11", "%r12", "%r15"];
  const a = r[i % r.length];
  const b = r[(i * 7 + 3) % r.length];
  switch (i % 16) {
    case 0:
      return `movq ${a}, ${8 * (i % 32)}(%rsp)`;
    case 1:
      return `.Lentry_${i}:`;
    case 2:
      return `\tpushq\t$${i & 0xfff}\t\t/* pt_regs->ss */`;
    case 3:
      return `movq %gs:cpu_current_top_of_stack+${i}, ${a}`;
    case 4:
      return `\tcmpq\t$${i}, ${b}; jne 1f`;
    case 5:
      return `1: leaq -${i % 128}(%rbp,${b},8), ${a}`;
    case 6:
      return `\t.long .Lentry_${i} - ., 0x${i.toString(16)}`;
    case 7:
      return `\tjmp\t*sys_call_table_${i}(,%rax,8)`;
    case 8:
      return `andq $(~(${i} | 0x1000) & 0x7ff), ${a}`;
    case 9:
      return `\tmovq\t%cr3, ${a}\t# switch ${i}`;
    case 10:
      return `.section .entry.text${i}, "ax"`;
    case 11:
      return `x${i} = (${i} << 3) + ${i} * 2 - 1`;
    case 12:
      return `\tlock incq per_cpu_${i}(%rip)`;
    case 13:
      return `\tbtq $${i % 64}, ${a}`;
    case 14:
      return `\t.quad 0x${(i * 2654435761).toString(16)}, sym${i} + 8`;
    default:
      return `\tpopq\t${a}; swapgs; sysretq # ${i}`;
  }
}

const lines = Array.from({ length: COUNT }, (_, i) => line(i));
// Several passes, best one reported, in CPU time (the machine is shared; wall time would count
// other processes); the first passes warm the JIT.
const PASSES = 6;
for (const [name, parse] of [
  ["parseLine", parseLine],
  ["parseLineFast", parseLineFast],
]) {
  let best = Infinity;
  let errors = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    errors = 0;
    const t0 = process.cpuUsage();
    for (const l of lines) errors += parse(l).errors.length;
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  console.log(
    `${name}: ${COUNT} distinct lines, best of ${PASSES} passes ${best.toFixed(1)} ms = ` +
      `${Math.round(COUNT / (best / 1000)).toLocaleString("en")} lines/s ` +
      `(${((best * 1000) / COUNT).toFixed(2)} µs/line), ${errors} errors`,
  );
}
