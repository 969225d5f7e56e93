// Postfix ++ and -- on _Bool: the result is the old value, and the stored value is the old one
// plus or minus 1 converted to _Bool (6.5.2.4, 6.3.1.2), so 0-- stores 1 but yields 0, and
// 1++ stores 1 and yields 1. Found by the random differential test (seed 43).
#include "test.h"

_Bool g[2] = { 0, 1 };

int main(void)
{
	_Bool b = 0;
	_Bool c = 1;
	ASSERT(0, b--);
	ASSERT(1, b);
	ASSERT(1, b--);
	ASSERT(0, b);
	ASSERT(1, c++);
	ASSERT(1, c);
	ASSERT(0, g[0]--);
	ASSERT(1, g[0]);
	ASSERT(9, 8 | g[1]--);
	ASSERT(0, g[1]);
	ASSERT(0, g[1]++);
	ASSERT(1, g[1]);
	ASSERT(1, sizeof(c++));
	ASSERT(1, --b);
	ASSERT(1, ++c);
	return DONE();
}
