// Extended asm in user mode (so gcc's native build runs it too): register, fixed-register,
// memory, immediate and matching constraints, in-out operands, modifiers and clobbers.
#include "test.h"

static inline long add_asm(long a, long b)
{
	asm("add %1, %0" : "+r"(a) : "r"(b));
	return a;
}

static inline unsigned mul_wide_hi(unsigned long a, unsigned long b)
{
	unsigned long hi, lo;
	asm("mulq %3" : "=a"(lo), "=d"(hi) : "0"(a), "r"(b) : "cc");
	return hi;
}

static inline int low_byte_inc(int x)
{
	asm("incb %b0" : "+q"(x));
	return x;
}

int main(void)
{
	long m = 5;
	int k = 7;
	unsigned short w = 0x1234;
	long out;
	ASSERT(12, add_asm(5, 7));
	ASSERT(1, mul_wide_hi(0x8000000000000000UL, 2));
	ASSERT(0x100, low_byte_inc(0x1ff));
	asm volatile("addq $10, %0" : "+m"(m) : : "memory");
	ASSERT(15, m);
	asm("imul %1, %0" : "=r"(out) : "i"(6), "0"(7L));
	ASSERT(42, out);
	asm("movl %k1, %k0" : "=r"(k) : "r"(100L));
	ASSERT(100, k);
	asm("xchgb %h0, %b0" : "+a"(w));
	ASSERT(0x3412, w);
	asm("mov %[src], %[dst]" : [dst] "=r"(out) : [src] "r"(-3L));
	ASSERT(-3, out);
	asm("lea 5(%1), %0" : "=r"(out) : "r"(out) : "rbx", "r12");
	ASSERT(2, out);
	asm("mov $%c1, %0" : "=r"(out) : "n"(77));
	ASSERT(77, out);
	return DONE();
}
