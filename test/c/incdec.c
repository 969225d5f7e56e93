// Prefix and postfix ++/-- on integers of each width and on pointers.
#include "test.h"

int main(void)
{
	int i = 5;
	ASSERT(5, i++);
	ASSERT(6, i);
	ASSERT(7, ++i);
	ASSERT(7, i--);
	ASSERT(5, --i);
	{
		char c = 127;
		c++;
		ASSERT(-128, c);
		unsigned char uc = 0;
		uc--;
		ASSERT(255, uc);
		long l = -1;
		ASSERT(0, ++l);
		int a[4] = {10, 20, 30, 40};
		int *p = a;
		ASSERT(10, *p++);
		ASSERT(20, *p);
		ASSERT(30, *++p);
		ASSERT(30, *p--);
		ASSERT(20, *p);
		ASSERT(21, ++*p);
		ASSERT(21, a[1]);
		long *lp = 0;
		lp++;
		ASSERT(8, (long)lp);
		char *cp = 0;
		cp += 3;
		ASSERT(3, (long)cp);
	}
	return DONE();
}
