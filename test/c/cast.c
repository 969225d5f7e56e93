// Casts between integer types and between pointers and integers.
#include "test.h"

int main(void)
{
	long l = 0x123456789abcdef0L;
	ASSERT(0xf0, (unsigned char)l);
	ASSERT(-16, (signed char)l);
	ASSERT(0xdef0, (unsigned short)l);
	ASSERT(-8464, (short)l);
	ASSERT(-1698898192, (int)l);
	ASSERT(0x9abcdef0L, (unsigned)l);
	ASSERT(-1, (long)(int)-1);
	ASSERT(4294967295L, (long)(unsigned)-1);
	{
		int x = 42;
		long addr = (long)&x;
		int *p = (int *)addr;
		ASSERT(42, *p);
		char *c = (char *)&x;
		ASSERT(42, *c);
		unsigned long u = (unsigned long)p;
		ASSERT(1, (int *)u == &x);
		void *v = (void *)p;
		ASSERT(42, *(int *)v);
		ASSERT(0, (long)(void *)0);
		x = 0x01020304;
		ASSERT(4, ((char *)&x)[0]);
		ASSERT(1, ((char *)&x)[3]);
		(void)x;
	}
	return DONE();
}
