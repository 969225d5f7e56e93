// An enumerated type with no negative enumerator is unsigned int under GCC (6.7.2.2p4), so its
// values promote to unsigned int and compare, divide and shift as unsigned; one with a negative
// enumerator is int. Found by the random differential test (seed 5).
#include "test.h"

enum u { U0 = 1, U1 = 7 };
enum s { S0 = 1, S1 = -7 };

int main(void)
{
	enum u x = 4294967295u;
	enum s y = -1;
	ASSERT(0, x <= 973776014);
	ASSERT(0, (enum u)4294967295u <= (enum s)973776014);
	ASSERT(0, (0, x) < 0);
	ASSERT(1, y < 0);
	ASSERT(2147483647, x >> 1);
	ASSERT(-1, y >> 1);
	ASSERT(4294967295, (long)x);
	ASSERT(-1, (long)y);
	ASSERT(1431655765, x / 3);
	ASSERT(4, sizeof(x + 0));
	ASSERT(1, x + 0 > 0);
	return DONE();
}
