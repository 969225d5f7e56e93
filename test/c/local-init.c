// Initialisers of automatic objects: every member not named is zero, even in loops where the
// same storage is reused.
#include "test.h"

struct s { int a; char b[3]; long c; };

int main(void)
{
	for (int i = 0; i < 3; i++) {
		int arr[4] = {i};
		struct s v = {i + 1};
		ASSERT(i, arr[0]);
		ASSERT(0, arr[3]);
		ASSERT(i + 1, v.a);
		ASSERT(0, v.c);
		arr[3] = 99;
		v.c = 99;
	}
	{
		int a[2][2] = {1, 2, 3};
		ASSERT(3, a[1][0]);
		ASSERT(0, a[1][1]);
		struct s n = {1, {2, 3}, 4};
		ASSERT(3, n.b[1]);
		ASSERT(4, n.c);
		struct s copy = n;
		ASSERT(4, copy.c);
		long x = {5};
		ASSERT(5, x);
		char str[6] = "hi";
		ASSERT(0, str[5]);
		int k = 3, m = k * 2, q = m + k;
		ASSERT(9, q);
	}
	return DONE();
}
