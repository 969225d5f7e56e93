// typeof of types and expressions.
#include "test.h"

int main(void)
{
	typeof(int) a = 3;
	typeof(a) b = 4;
	long l;
	typeof(l) m = 1L << 40;
	char c;
	typeof(c) arr[3];
	int *p = &a;
	typeof(*p) d = 9;
	typeof(p) q = &b;
	__typeof__(m + 1) e = 5;
	ASSERT(7, a + b);
	ASSERT(8, sizeof(m));
	ASSERT(3, sizeof(arr));
	ASSERT(4, sizeof(d));
	ASSERT(4, *q);
	ASSERT(8, sizeof(e));
	ASSERT(4, sizeof(typeof(c + c)));
	ASSERT(1, sizeof(typeof(c)));
	return DONE();
}
