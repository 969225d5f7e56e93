// Block-scope statics keep their value between calls and are initialised once.
#include "test.h"

int counter(void) { static int n; return ++n; }
int counter2(void) { static int n = 10; return n++; }
long *cell(void) { static long c = 5; return &c; }
const char *name(int i)
{
	static const char *names[] = {"a", "bb", "ccc"};
	return names[i];
}

int main(void)
{
	ASSERT(1, counter());
	ASSERT(2, counter());
	ASSERT(3, counter());
	ASSERT(10, counter2());
	ASSERT(11, counter2());
	*cell() += 1;
	ASSERT(6, *cell());
	ASSERT(99, name(2)[1]);
	{
		static int n = 7;
		ASSERT(7, n);
	}
	return DONE();
}
