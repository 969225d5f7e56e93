// && and || evaluate their right operand only when needed, and give 0 or 1.
#include "test.h"

int calls;
int hit(int v) { calls++; return v; }

int main(void)
{
	ASSERT(1, 1 && 2);
	ASSERT(0, 1 && 0);
	ASSERT(0, 0 && hit(1));
	ASSERT(0, calls);
	ASSERT(1, 1 || hit(1));
	ASSERT(0, calls);
	ASSERT(1, 0 || hit(5));
	ASSERT(1, calls);
	ASSERT(0, 0 || hit(0));
	ASSERT(2, calls);
	ASSERT(1, !!7);
	ASSERT(1, 1 && 2 || 0 && hit(9));
	ASSERT(2, calls);
	{
		long big = 0x100000000L;
		char *p = 0;
		ASSERT(1, big && 1);
		ASSERT(0, p && *p);
		ASSERT(1, !p);
	}
	return DONE();
}
