// Structures by value across the C/assembly boundary (struct-abi.S), checking the psABI §3.2.3
// conventions both ways: INTEGER-class structures in RAX:RDX and in one or two argument
// registers (a 3-byte struct packed into the low bytes of %rdi, a 12-byte one in %rdi:%rsi),
// a structure that no longer fits the registers passed on the stack while a later scalar still
// takes %r9, MEMORY-class (24-byte) arguments copied to the stack, and MEMORY-class results
// written through the hidden pointer in %rdi and returned in %rax.
#include "test.h"

struct s3 { char a, b, c; };
struct s12 { int a, b, c; };
struct s16 { long a, b; };
struct s24 { long a, b, c; };

struct s3 asm_make3(void);
struct s16 asm_make16(long a, long b);
struct s24 asm_make24(long a);
long asm_sum12(struct s12 s);
long asm_sum24(long x, struct s24 s);
long asm_after_regs(long a, long b, long c, long d, long e, struct s16 s, long f);
void asm_call_c_twist(void);
long asm_call_c_big(void);
long asm_seen[3];

/* Called from struct-abi.S with a struct s3 in %rdi, a struct s24 on the stack, k in %esi. */
struct s12 c_twist(struct s3 a, struct s24 b, int k)
{
	struct s12 r = { a.a + a.b + a.c, b.a + b.b + b.c, k };
	return r;
}

/* Called from struct-abi.S with the result buffer in %rdi. */
struct s24 c_big(long k)
{
	struct s24 r = { k, k * 10, k * 100 };
	return r;
}

int main(void)
{
	struct s3 t = asm_make3();
	ASSERT(9, t.a);
	ASSERT(8, t.b);
	ASSERT(7, t.c);
	ASSERT(-5, asm_make16(3, -5).b);
	ASSERT(3, asm_make16(3, -5).a);
	struct s24 m = asm_make24(4);
	ASSERT(4, m.a);
	ASSERT(8, m.b);
	ASSERT(12, m.c);
	struct s12 s = { 1, 20, 300 };
	ASSERT(321, asm_sum12(s));
	struct s24 b = { 1000, 200, 30 };
	ASSERT(1234, asm_sum24(4, b));
	struct s16 r = { 7, 3 };
	ASSERT(1 + 2 + 3 + 4 + 5 + 7000 + 300 + 60, asm_after_regs(1, 2, 3, 4, 5, r, 60));

	asm_call_c_twist();
	ASSERT(6 + (123L << 32), asm_seen[0]);
	ASSERT(7, (int)asm_seen[1]);
	ASSERT(555, asm_call_c_big());
	ASSERT(0, asm_seen[2]);
	return DONE();
}
