// Division and modulo truncate toward zero (C11 6.5.5p6), at every width and signedness.
#include "test.h"

int idiv(int a, int b) { return a / b; }
int imod(int a, int b) { return a % b; }
long ldiv_(long a, long b) { return a / b; }
long lmod(long a, long b) { return a % b; }
unsigned udiv(unsigned a, unsigned b) { return a / b; }
unsigned umod(unsigned a, unsigned b) { return a % b; }
unsigned long uldiv(unsigned long a, unsigned long b) { return a / b; }

int main(void)
{
	ASSERT(-3, idiv(-7, 2));
	ASSERT(-1, imod(-7, 2));
	ASSERT(-3, idiv(7, -2));
	ASSERT(1, imod(7, -2));
	ASSERT(3, idiv(-7, -2));
	ASSERT(-1, imod(-7, -2));
	ASSERT(-3, ldiv_(-7, 2));
	ASSERT(-1, lmod(-7, 2));
	ASSERT(-4611686018427387904L, ldiv_(-9223372036854775807L - 1, 2));
	ASSERT(2147483647, udiv(-2, 2));
	ASSERT(0, umod(-2, 2));
	ASSERT(1, umod(-1, 2));
	ASSERT(9223372036854775807L, uldiv(-1, 2));
	ASSERT(-5, (signed char)-10 / 2);
	ASSERT(-1, (short)-10 % 3);
	ASSERT(21845, (unsigned short)65535 / 3);
	ASSERT(85, (unsigned char)255 / 3);
	{
		int a = -17, b = 5;
		ASSERT(a, (a / b) * b + a % b);
		long c = -1000000000007L, d = 13;
		ASSERT(c, (c / d) * d + c % d);
	}
	return DONE();
}
