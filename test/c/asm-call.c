// Calls between C and assembly both ways (asm-call.S): C calls asm functions that take six
// register arguments and a stack argument; asm calls back into C through a pointer, with the
// stack aligned and callee-saved registers preserved as the psABI requires.
#include "test.h"

long asm_sum7(long a, long b, long c, long d, long e, long f, long g);
long asm_call_twice(long (*fn)(long), long x);
long asm_keep_callee_saved(void);
int asm_rsp_aligned_in_c(void);
long c_callback_count;

long c_square_plus(long x)
{
	c_callback_count++;
	return x * x + 1;
}

/* Called from asm: checks that %rsp was 16-byte aligned at the call (psABI §3.2.2). */
int c_rsp_aligned(void)
{
	long probe;
	return (((long)&probe) & 7) == 0;
}

int main(void)
{
	ASSERT(28, asm_sum7(1, 2, 3, 4, 5, 6, 7));
	ASSERT(-28, asm_sum7(-1, -2, -3, -4, -5, -6, -7));
	ASSERT(26, asm_call_twice(c_square_plus, 2));
	ASSERT(2, c_callback_count);
	ASSERT(0x1234, asm_keep_callee_saved());
	ASSERT(3, c_callback_count);
	ASSERT(1, asm_rsp_aligned_in_c());
	return DONE();
}
