// Shifts: the result has the promoted left type; >> is arithmetic for signed, logical for
// unsigned (gcc's documented implementation-defined choice), at every width.
#include "test.h"

int main(void)
{
	int i = -16;
	unsigned u = 0x80000000u;
	long l = -1;
	unsigned long ul = 0x8000000000000000UL;
	signed char c = -128;
	unsigned char uc = 0x80;
	short s = -2;
	unsigned short us = 0x8000;
	int n = 3;

	ASSERT(1, 1 << 0);
	ASSERT(8, 1 << 3);
	ASSERT(-4, i >> 2);
	ASSERT(-64, i << 2);
	ASSERT(0x10000000, u >> 3);
	ASSERT(0, u << 1);
	ASSERT(-1, l >> 63);
	ASSERT(1, ul >> 63);
	ASSERT(0x1000000000000000L, ul >> n);
	ASSERT(-16, c >> 3);
	ASSERT(16, uc >> 3);
	ASSERT(256, uc << 1);
	ASSERT(-1, s >> 1);
	ASSERT(0x10000, us << 1);
	ASSERT(0x1000, us >> n);
	ASSERT(4294967296L, 1L << 32);
	ASSERT(1, (int)(1UL << 63 >> 63));
	ASSERT(0x7fffffff, 0xffffffffu >> 1);
	ASSERT(-1, (int)0xffffffffu >> 1);
	ASSERT(40, 5 << n);
	ASSERT(5, 40 >> n);
	{
		long x = 1;
		x <<= 40;
		ASSERT(1099511627776L, x);
		x >>= 38;
		ASSERT(4, x);
	}
	return DONE();
}
