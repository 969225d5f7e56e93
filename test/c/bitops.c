// Bitwise operators on signed and unsigned values of each width.
#include "test.h"

int main(void)
{
	ASSERT(3, 7 & 3);
	ASSERT(7, 4 | 3);
	ASSERT(5, 6 ^ 3);
	ASSERT(-1, ~0);
	ASSERT(0xffff0000, 0xffffffff & ~0xffff);
	ASSERT(0xf0f0f0f0f0f0f0f0UL, 0xffffffffffffffffUL ^ 0x0f0f0f0f0f0f0f0fUL);
	ASSERT(0x1234567800000000L, 0x1234567800000000L | (0L & 1));
	ASSERT(-2, ~1L);
	ASSERT(254, (unsigned char)~1);
	ASSERT(-2, (signed char)~1);
	ASSERT(4294967294L, ~1U);
	ASSERT(1, (5 & 4) == 4);
	ASSERT(6, 2 | 4 & 6);
	ASSERT(3, 1 ^ 2 | 0);
	{
		unsigned long x = 0;
		x |= 1UL << 40;
		x ^= 0xff;
		x &= ~0xfUL;
		ASSERT(0x100000000f0L, x);
	}
	return DONE();
}
