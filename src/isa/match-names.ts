// The mnemonic dictionary of the matcher: every spelling GNU as accepts for a form of the table
// (stem, stem + size suffix, condition aliases, Intel names such as cdqe), and the mnemonics that
// x86-64 has but the subset does not, so that they get "outside the supported subset" instead of
// "no such instruction".
import type { IsaForm } from "./spec.js";
import { OC_E, OC_FIXED, OC_G, kindBits, operandClass } from "./layout.js";
import { FORMS, suffixLetter } from "./table.js";

export interface Candidate {
  readonly form: IsaForm;
  /** The operand size the spelled suffix asks for; 0 when none was written. */
  readonly suffix: number;
}

/** A bare stem is accepted when it can be sized, or when it is the only spelling. */
function acceptsBareStem(f: IsaForm): boolean {
  if (f.suffix !== "always") return true;
  return f.operands.some((k) => {
    const c = operandClass(k);
    return (c === OC_G || c === OC_E) && kindBits(k) === f.size;
  });
}

function buildSpellings(): Map<string, Candidate[]> {
  const map = new Map<string, Candidate[]>();
  const add = (spelled: string, form: IsaForm, suffix: number): void => {
    const list = map.get(spelled) ?? [];
    if (!list.some((c) => c.form === form)) list.push({ form, suffix });
    map.set(spelled, list);
  };
  for (const f of FORMS) {
    for (const stem of f.stems) {
      if (acceptsBareStem(f)) add(stem, f, 0);
      if (f.size !== 0 && f.suffix !== "never") add(stem + suffixLetter(f.size), f, f.size);
    }
    for (const s of f.spellings) add(s, f, 0);
  }
  return map;
}

/** Spelled mnemonic (lower case) → the forms it may name, in table order. */
export const SPELLINGS: ReadonlyMap<string, readonly Candidate[]> = buildSpellings();

/** Spellings some of whose forms take a fixed register (AL/AX/EAX/RAX, CL, DX: shifts, in, out). */
const FIXED_REGISTER_SPELLINGS: ReadonlySet<string> = new Set(
  [...SPELLINGS]
    .filter(([, cs]) => cs.some((c) => c.form.operands.some((k) => operandClass(k) === OC_FIXED)))
    .map(([spelled]) => spelled),
);

/**
 * Whether a form of the mnemonic `spelled` has a fixed-register operand. Only such a mnemonic
 * can match registers 0-2 (%al/%ax/%eax/%rax, %cl, %dx) to another form than the other
 * registers of their size: the matcher reads a register's number nowhere else.
 */
export function hasFixedRegisterForm(spelled: string): boolean {
  return FIXED_REGISTER_SPELLINGS.has(spelled.toLowerCase());
}

const UNSUPPORTED_WORDS = `
aaa aad aam aas daa das adcx adox andn bextr blsi blsmsk blsr bzhi bound bswap cmpxchg8b
cmpxchg16b cmps cmpsb cmpsw cmpsl cmpsq scas scasb scasw scasl scasq lods lodsb lodsw lodsl lodsq
ins insb insw insl outs outsb outsw outsl enter lcall ljmp loop loope loopne loopz loopnz jcxz
jecxz jrcxz lahf sahf lds les lfs lgs lss lar lmsw smsw lldt sldt str verr verw clts invd
wbinvd wbnoinvd rcl rcr shld shrd lzcnt tzcnt popcnt movbe crc32 mulx pdep pext rorx sarx shlx shrx
xlat xlatb into iretw iretl iretd sysretl sysenter sysexit rsm monitor mwait xgetbv xsetbv xsave
xsaveopt xsavec xsaves xrstor xrstors fxsave fxrstor fxsave64 fxrstor64 rdpmc rdrand rdseed
ud0 ud1 prefetch prefetcht0 prefetcht1 prefetcht2 prefetchnta prefetchw clflush clflushopt clwb
vmcall vmlaunch vmresume vmxoff vmxon vmread vmwrite vmptrld vmptrst vmclear invept invvpid vmfunc
vmrun vmload vmsave vmmcall stgi clgi skinit invlpga encls enclu getsec xabort xbegin xend xtest
endbr64 endbr32 wrpkru rdpkru clui stui senduipi uiret incsspd incsspq rdsspd rdsspq saveprevssp
rstorssp wrssd wrssq wrussd wrussq setssbsy clrssbsy pusha popa pushal popal pushfw popfw pushfl
popfl lretl lretw movnti movd emms femms ldmxcsr stmxcsr lfs int1 icebp serialize
invlpgb tlbsync pconfig wait fwait monitorx mwaitx umonitor umwait tpause
`;

const X87_ROOTS = `
f2xm1 fabs fadd faddp fbld fbstp fchs fclex fnclex fcmovb fcmove fcmovbe fcmovu fcmovnb fcmovne
fcmovnbe fcmovnu fcom fcomp fcompp fcomi fcomip fucomi fucomip fcos fdecstp fdiv fdivp fdivr fdivrp
ffree fiadd ficom ficomp fidiv fidivr fild fimul fincstp finit fninit fist fistp fisttp fisub
fisubr fld fld1 fldcw fldenv fldl2e fldl2t fldlg2 fldln2 fldpi fldz fmul fmulp fnop fpatan fprem
fprem1 fptan frndint frstor fsave fnsave fscale fsin fsincos fsqrt fst fstcw fnstcw fstenv fnstenv
fstp fstsw fnstsw fsub fsubp fsubr fsubrp ftst fucom fucomp fucompp fxam fxch fxtract fyl2x
fyl2xp1
`;

function words(text: string): Set<string> {
  return new Set(text.split(/\s+/).filter((w) => w !== ""));
}
const UNSUPPORTED = words(UNSUPPORTED_WORDS);
const X87 = words(X87_ROOTS);

/** SSE/AVX/AVX-512 and crypto families: an x86 instruction outside the subset. */
const VECTOR_FAMILY =
  /^v?(?:mov(?:aps|apd|ups|upd|dqa|dqu|dqa32|dqa64|dqu8|dqu16|dqu32|dqu64|ss|sd|hlps|lhps|hps|lps|hpd|lpd|mskps|mskpd|ntdq|ntdqa|ntps|ntpd|ddup|shdup|sldup|q2dq|dq2q)|(?:add|sub|mul|div|min|max|sqrt|rcp|rsqrt|cmp|and|andn|or|xor|hadd|hsub|addsub|round|dp|blend|blendv|unpckl|unpckh|shuf)(?:ps|pd|ss|sd)|u?comis[sd]|cvt[a-z0-9]+|p[a-z0-9]{2,}|aes[a-z]*|sha[0-9a-z]+|pclmul[a-z]*|insertps|extractps|broadcast[a-z0-9]*|perm[a-z0-9]+|gather[a-z0-9]+|scatter[a-z0-9]+|fmadd[a-z0-9]+|fmsub[a-z0-9]+|fnmadd[a-z0-9]+|fnmsub[a-z0-9]+|zeroupper|zeroall|ldmxcsr|stmxcsr|maskmov[a-z]*)$/;
const MASK_FAMILY =
  /^k(?:mov|and|andn|or|xor|xnor|not|ortest|test|shiftl|shiftr|add|unpck)[bwdq]?[bwdq]?$/;

/** True for an x86-64 mnemonic that entrylab's subset deliberately leaves out. */
export function isOutsideSubset(spelled: string): boolean {
  // The families below are patterns (`p...` vector names would take push and pause).
  if (SPELLINGS.has(spelled)) return false;
  if (UNSUPPORTED.has(spelled) || X87.has(spelled)) return true;
  // x87 memory forms carry a size suffix: flds fldl fldt fistpll...
  if (X87.has(spelled.replace(/(?:s|l|t|q|ll|w)$/, ""))) return true;
  return VECTOR_FAMILY.test(spelled) || MASK_FAMILY.test(spelled);
}
