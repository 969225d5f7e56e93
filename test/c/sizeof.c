// sizeof and _Alignof of every type, of expressions (not evaluated), and of arrays.
#include "test.h"

int counter;
int bump(void) { return ++counter; }

int main(void)
{
	ASSERT(1, sizeof(char));
	ASSERT(2, sizeof(short));
	ASSERT(4, sizeof(int));
	ASSERT(8, sizeof(long));
	ASSERT(8, sizeof(long long));
	ASSERT(8, sizeof(void *));
	ASSERT(8, sizeof(int (*)(int)));
	ASSERT(1, sizeof(_Bool));
	ASSERT(4, sizeof(unsigned));
	ASSERT(2, sizeof(unsigned short int));
	ASSERT(8, sizeof(unsigned long long int));
	ASSERT(1, _Alignof(char));
	ASSERT(2, _Alignof(short));
	ASSERT(4, _Alignof(int));
	ASSERT(8, _Alignof(long));
	ASSERT(8, _Alignof(char *));
	ASSERT(4, _Alignof(int[10]));
	ASSERT(4, sizeof(bump()));
	ASSERT(0, counter);
	{
		int a[7];
		long *p;
		ASSERT(28, sizeof a);
		ASSERT(8, sizeof p);
		ASSERT(8, sizeof *p);
		ASSERT(4, sizeof a[0]);
		ASSERT(8, sizeof(a + 0));
		ASSERT(1, sizeof(char) == 1);
		ASSERT(8, sizeof(sizeof(int)));
		ASSERT(1, sizeof(int) * 2 - 9 > 0);
	}
	return DONE();
}
