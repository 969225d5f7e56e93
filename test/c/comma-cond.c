// The comma operator and ?: (including GNU's a ?: b), with their types.
#include "test.h"

int calls;
int f(int v) { calls++; return v; }

int main(void)
{
	int x;
	ASSERT(3, (1, 2, 3));
	ASSERT(5, (x = 4, x + 1));
	ASSERT(2, 1 ? 2 : 3);
	ASSERT(3, 0 ? 2 : 3);
	ASSERT(8, sizeof(0 ? 1 : 2L));
	ASSERT(4294967295L, 1 ? -1 : 0u);
	ASSERT(-1, 1 ? -1 : 0L);
	ASSERT(7, f(7) ?: 9);
	ASSERT(1, calls);
	ASSERT(9, f(0) ?: 9);
	ASSERT(2, calls);
	{
		int a = 5, b = 6;
		int *p = a > b ? &a : &b;
		ASSERT(6, *p);
		*(a < b ? &a : &b) = 0;
		ASSERT(0, a);
		ASSERT(3, a ? 1 : b ? 3 : 4);
		char *s = a ? "yes" : "no";
		ASSERT(110, *s);
	}
	return DONE();
}
