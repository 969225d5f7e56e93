// Arithmetic operators with C precedence and associativity.
#include "test.h"

int main(void)
{
	ASSERT(0, 0);
	ASSERT(42, 42);
	ASSERT(21, 5 + 20 - 4);
	ASSERT(41, 12 + 34 - 5);
	ASSERT(47, 5 + 6 * 7);
	ASSERT(15, 5 * (9 - 6));
	ASSERT(4, (3 + 5) / 2);
	ASSERT(10, -10 + 20);
	ASSERT(10, - -10);
	ASSERT(10, - -+10);
	ASSERT(-7, 1 - 2 * 4);
	ASSERT(2, 10 - 4 - 4);
	ASSERT(5, 100 / 10 / 2);
	ASSERT(1, 7 % 3);
	ASSERT(9, 1 + 2 * 3 + 4 / 2);
	ASSERT(3, 1 + 2 * 3 % 4);
	ASSERT(-2147483647 - 1, -2147483647 - 1);
	ASSERT(1000000000000L, 1000000L * 1000000);
	ASSERT(-8, ~7);
	ASSERT(0, !5);
	ASSERT(1, !0);
	return DONE();
}
