// Calls with more than six arguments (the rest go on the stack, psABI §3.2.3), mixed widths.
#include "test.h"

long sum8(long a, long b, long c, long d, long e, long f, long g, long h)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}

int mixed(char a, short b, int c, long d, unsigned char e, signed char f, unsigned short g, int h, char i)
{
	return a + b + c + d + e + f + g + h + i;
}

long last(int a, int b, int c, int d, int e, int f, int g, long h, int i, long j) { return h * 100 + j + i - g; }
int args7(int a, int b, int c, int d, int e, int f, int g) { return g - a; }

int main(void)
{
	ASSERT(204, sum8(1, 2, 3, 4, 5, 6, 7, 8) - 0 + 0);
	ASSERT(-36, sum8(-1, -1, -1, -1, -1, -1, -1, -1));
	ASSERT(1 + 2 + 3 + 4 + 255 - 1 + 65535 + 8 - 9, mixed(1, 2, 3, 4, 255, -1, 65535, 8, -9));
	ASSERT(1234 * 100 + 56 + 9 - 7, last(1, 2, 3, 4, 5, 6, 7, 1234, 9, 56));
	ASSERT(6, args7(1, 2, 3, 4, 5, 6, 7));
	ASSERT(13, args7(1, 2, 3, 4, 5, 6, args7(0, 0, 0, 0, 0, 0, 14)));
	{
		long x = sum8(args7(0, 0, 0, 0, 0, 0, 1), 0, 0, 0, 0, 0, 0, sum8(1, 0, 0, 0, 0, 0, 0, 0));
		ASSERT(9, x);
	}
	return DONE();
}
