// Generates a realistic assembler benchmark input: a mix of instructions, labels, local labels,
// data, sections and a few gas macros. Usage: node bench/gen-asm.mjs [lines] > out.s
// Deterministic (a fixed linear congruential generator), so runs compare.
const total = Number(process.argv[2] ?? 200000);
let seed = 12345;
const rand = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
const regs = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13"];
const r = () => `%${regs[rand(regs.length)]}`;
const out = [
  ".macro SAVE_REG reg, off=0",
  "\tmovq %\\reg, \\off(%rsp)",
  ".endm",
  ".macro LOAD_REG reg:req, off=0",
  "\tmovq \\off(%rsp), %\\reg",
  ".endm",
];
let fn = 0;
while (out.length < total) {
  out.push(`\t.globl f${fn}`, `\t.type f${fn}, @function`, `f${fn}:`, `1:\tnop`);
  for (let i = 0; i < 40; i++) {
    switch (rand(12)) {
      case 0:
        out.push(`\tmovq ${r()}, ${r()}`);
        break;
      case 1:
        out.push(`\taddq $${rand(1000)}, ${r()}`);
        break;
      case 2:
        out.push(`\tmovq ${8 * rand(16)}(${r()}), ${r()}`);
        break;
      case 3:
        out.push(`1:\tcmpq ${r()}, ${r()}`);
        break;
      case 4:
        out.push(`\tjne 1b`);
        break;
      case 5:
        out.push(`\tSAVE_REG ${regs[rand(regs.length)]}, ${8 * rand(16)}`);
        break;
      case 6:
        out.push(`\tLOAD_REG ${regs[rand(regs.length)]} ${8 * rand(16)}`);
        break;
      case 7:
        out.push(`\tcall f${rand(fn + 1)}`);
        break;
      case 8:
        out.push(`\txorl %eax, %eax`);
        break;
      case 9:
        out.push(`.Ll${fn}_${i}:\tleaq sym${rand(50)}(%rip), ${r()}`);
        break;
      case 10:
        out.push(`\tpushq ${r()}`, `\tpopq ${r()}`);
        break;
      default:
        out.push(`\ttestq ${r()}, ${r()}`, `\tje .Lend${fn}`);
    }
  }
  out.push(`.Lend${fn}:\tret`, `\t.size f${fn}, .-f${fn}`);
  if (fn % 10 === 0)
    out.push(
      "\t.pushsection .data",
      `d${fn}:\t.quad f${fn}, ${fn}`,
      "\t.long 1, 2, 3",
      "\t.popsection",
    );
  fn++;
}
console.log(out.slice(0, total).join("\n"));
