// Unsigned arithmetic wraps modulo 2^n (6.2.5p9) at every width.
#include "test.h"

int main(void)
{
	unsigned u = 0;
	unsigned long ul = 0;
	unsigned char uc = 0;
	unsigned short us = 0;
	u--;
	ul--;
	uc--;
	us--;
	ASSERT(4294967295L, u);
	ASSERT(1, ul == 18446744073709551615UL);
	ASSERT(255, uc);
	ASSERT(65535, us);
	ASSERT(0, u + 1);
	ASSERT(0, (unsigned char)(uc + 1));
	ASSERT(1, 0xffffffffu * 0xffffffffu);
	ASSERT(1, (unsigned long)-1 * (unsigned long)-1);
	ASSERT(4294967294L, u * 2);
	ASSERT(2147483648L, 0x80000000u);
	ASSERT(0, 0x80000000u + 0x80000000u);
	ASSERT(1, 0u - 1 > 0);
	ASSERT(65536, us + 1);
	{
		unsigned int a = 3000000000u, b = 2000000000u;
		ASSERT(705032704, a + b);
		ASSERT(1000000000, a - b);
		ASSERT(3294967296L, b - a);
		unsigned long big = 1UL << 63;
		ASSERT(0, big * 2);
		ASSERT(1, big / (big >> 1) == 2);
	}
	return DONE();
}
